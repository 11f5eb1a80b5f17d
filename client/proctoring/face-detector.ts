/**
 * Face detection for proctoring: a thin wrapper around MediaPipe tasks-vision
 * `FaceDetector`, plus the pure judgements made from its output.
 *
 * Everything is loaded from the app's own origin: the wasm runtime from
 * `/vision/` and the models from `/models/` (built by scripts/build-face-model.ts
 * and precached by the PWA), so detection works with no network at all.
 * tasks-vision is imported lazily, so the pure helpers cost nothing to import.
 */
import type { FaceDetector as MediaPipeFaceDetector, ImageSource } from '@mediapipe/tasks-vision';

export type FaceModel = 'short' | 'full';

/** Model files under `/models/`. Short range suits a face near the camera; full range also finds people further back. */
export const FACE_MODEL_FILES: Record<FaceModel, string> = { short: 'face_short.tflite', full: 'face_full.tflite' };

export interface FaceDetectorConfig {
  model: FaceModel;
  delegate?: 'CPU' | 'GPU';
  /** Origin-relative folder holding `vision/` and `models/`; '/' in the app. */
  assetBase?: string;
  minDetectionConfidence?: number;
}

/** Box in pixels of the analysed frame. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Keypoint in normalised frame coordinates (0..1). */
export interface FaceKeypoint {
  x: number;
  y: number;
}

export interface DetectedFace {
  box: FaceBox;
  score: number;
  /** Six points in BlazeFace order: see `KEYPOINT`. */
  keypoints: FaceKeypoint[];
}

export interface FaceDetection {
  faces: DetectedFace[];
}

export interface ProctoringFaceDetector {
  readonly model: FaceModel;
  /** Detects faces in a frame; `timestampMs` must grow between calls (it is nudged forward if it does not). */
  detect(frame: ImageSource, timestampMs: number): FaceDetection;
  close(): void;
}

/** Index of each BlazeFace keypoint. "Right" is the person's right, which is the image's left on an unmirrored camera. */
export const KEYPOINT = { rightEye: 0, leftEye: 1, noseTip: 2, mouth: 3, rightEar: 4, leftEar: 5 } as const;

/** Creates a detector that loads wasm and model from the app's origin. */
export async function createFaceDetector(config: FaceDetectorConfig): Promise<ProctoringFaceDetector> {
  const { FaceDetector, FilesetResolver } = await import('@mediapipe/tasks-vision');
  const base = (config.assetBase ?? '/').replace(/\/?$/, '/');
  // A module worker cannot importScripts() the classic loader, so it takes the ES module build.
  const isWorker = typeof document === 'undefined';
  const fileset = await FilesetResolver.forVisionTasks(`${base}vision`, isWorker);
  const detector: MediaPipeFaceDetector = await FaceDetector.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: `${base}models/${FACE_MODEL_FILES[config.model]}`, delegate: config.delegate ?? 'CPU' },
    runningMode: 'VIDEO',
    minDetectionConfidence: config.minDetectionConfidence ?? 0.5,
  });
  let lastTimestamp = -Infinity;
  return {
    model: config.model,
    detect(frame, timestampMs) {
      // tasks-vision rejects a timestamp that does not increase.
      const timestamp = Math.max(Math.round(timestampMs), Math.floor(lastTimestamp) + 1);
      lastTimestamp = timestamp;
      const result = detector.detectForVideo(frame, timestamp);
      return {
        faces: result.detections.map((detection) => ({
          box: {
            x: detection.boundingBox?.originX ?? 0,
            y: detection.boundingBox?.originY ?? 0,
            width: detection.boundingBox?.width ?? 0,
            height: detection.boundingBox?.height ?? 0,
          },
          score: detection.categories[0]?.score ?? 0,
          keypoints: detection.keypoints.map((k) => ({ x: k.x, y: k.y })),
        })),
      };
    },
    close() {
      detector.close();
    },
  };
}

/**
 * Head yaw in degrees from the six keypoints: 0 looking at the camera, positive
 * when the nose moves towards the image's right. Null without usable keypoints.
 *
 * Model: the ears sit ±90° around a vertical axis from the nose, so with yaw θ
 * the nose projects to sin θ and the ears to ∓cos θ; the nose-to-ear distances
 * dR = sin θ + cos θ and dL = cos θ − sin θ give tan θ = (dR − dL) / (dR + dL).
 * Scale and distance cancel out.
 */
export function estimateYaw(keypoints: readonly FaceKeypoint[]): number | null {
  const nose = keypoints[KEYPOINT.noseTip];
  const rightEar = keypoints[KEYPOINT.rightEar];
  const leftEar = keypoints[KEYPOINT.leftEar];
  if (!nose || !rightEar || !leftEar) return null;
  const toRight = nose.x - rightEar.x;
  const toLeft = leftEar.x - nose.x;
  const span = toRight + toLeft;
  if (span <= 1e-6) return null; // ears crossed over: a profile view or a bad detection
  return (Math.atan((toRight - toLeft) / span) * 180) / Math.PI;
}

/** Pixels as `ImageData` has them, without needing a DOM. */
export interface RgbaPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** Mean luma (BT.601, 0..255) of an RGBA frame, reading every `step`-th pixel. */
export function meanLuma(pixels: RgbaPixels, step = 1): number {
  const stride = Math.max(1, Math.floor(step)) * 4;
  let sum = 0;
  let count = 0;
  for (let i = 0; i + 2 < pixels.data.length; i += stride) {
    sum += 0.299 * pixels.data[i]! + 0.587 * pixels.data[i + 1]! + 0.114 * pixels.data[i + 2]!;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

export interface IdentityPhotoPolicy {
  /** Face box width as a share of the frame width, below which the candidate must come closer. */
  minFaceWidthRatio: number;
  /** Largest distance of the face centre from the frame centre, as a share of the frame size. */
  maxCentreOffsetRatio: number;
  /** Largest head yaw, in degrees, for a photo "face straight". */
  maxYawDegrees: number;
  /** Mean luma (0..255) below which the frame is too dark. */
  minLuma: number;
}

export const DEFAULT_IDENTITY_PHOTO_POLICY: IdentityPhotoPolicy = {
  minFaceWidthRatio: 0.18,
  maxCentreOffsetRatio: 0.25,
  maxYawDegrees: 20,
  minLuma: 50,
};

export type IdentityPhotoHint = 'no-face' | 'several-people' | 'come-closer' | 'more-light' | 'centre-face';

export interface IdentityPhotoVerdict {
  isAccepted: boolean;
  /** What the candidate should do next; null when accepted. */
  hint: IdentityPhotoHint | null;
}

/** Whether a frame makes a good identity photo: one face, big enough, centred, straight, well lit. */
export function judgeIdentityPhoto(
  detection: FaceDetection,
  frameSize: { width: number; height: number },
  luma: number,
  policy: IdentityPhotoPolicy = DEFAULT_IDENTITY_PHOTO_POLICY,
): IdentityPhotoVerdict {
  const reject = (hint: IdentityPhotoHint): IdentityPhotoVerdict => ({ isAccepted: false, hint });
  const [face, ...others] = detection.faces;
  if (!face) return reject(luma < policy.minLuma ? 'more-light' : 'no-face');
  if (others.length > 0) return reject('several-people');
  if (luma < policy.minLuma) return reject('more-light');
  if (face.box.width / frameSize.width < policy.minFaceWidthRatio) return reject('come-closer');
  const centreX = (face.box.x + face.box.width / 2) / frameSize.width;
  const centreY = (face.box.y + face.box.height / 2) / frameSize.height;
  const isOffCentre = Math.abs(centreX - 0.5) > policy.maxCentreOffsetRatio || Math.abs(centreY - 0.5) > policy.maxCentreOffsetRatio;
  const yaw = estimateYaw(face.keypoints);
  if (isOffCentre || yaw === null || Math.abs(yaw) > policy.maxYawDegrees) return reject('centre-face');
  return { isAccepted: true, hint: null };
}
