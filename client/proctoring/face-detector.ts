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

let hasWorkerDetector = false;

/** Creates a detector that loads wasm and model from the app's origin. */
export async function createFaceDetector(config: FaceDetectorConfig): Promise<ProctoringFaceDetector> {
  const { FaceDetector, FilesetResolver } = await import('@mediapipe/tasks-vision');
  const base = (config.assetBase ?? '/').replace(/\/?$/, '/');
  // A module worker cannot importScripts() the classic loader, so it takes the ES module build.
  const isWorker = typeof document === 'undefined';
  // In a worker the wasm loader is an ES module, which the browser runs only once.
  if (isWorker && hasWorkerDetector) throw new Error('a worker can host only one face detector: start one worker per model');
  hasWorkerDetector = isWorker;
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
 * How far the nose tip stands from the head's vertical axis, relative to half
 * the distance between the ear tragions (about 11 cm against 7.3 cm on an
 * adult head).
 */
const NOSE_DEPTH_TO_EAR_HALF_SPAN = 1.5;

/**
 * Head yaw in degrees from the six keypoints: 0 looking at the camera, positive
 * when the nose moves towards the image's right. Null without usable keypoints.
 *
 * Model: the head turns by θ about a vertical axis; the ears sit at ±90° from
 * the nose, half-span e apart from the axis, the nose tip at depth n = k·e. Seen
 * from the front the nose lies at n·sin θ and the ears at ∓e·cos θ, so the
 * nose-to-ear distances dR = n·sin θ + e·cos θ and dL = e·cos θ − n·sin θ give
 * tan θ = (dR − dL) / (k·(dR + dL)). Scale and distance cancel out.
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
  return (Math.atan((toRight - toLeft) / (NOSE_DEPTH_TO_EAR_HALF_SPAN * span)) * 180) / Math.PI;
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

/**
 * The photo limits before the package's key is released, when the package's own
 * `identityPhoto` cannot be read yet; equal to that schema's defaults (sync/package.ts).
 */
export const DEFAULT_IDENTITY_PHOTO_POLICY: IdentityPhotoPolicy = {
  minFaceWidthRatio: 0.18,
  maxCentreOffsetRatio: 0.25,
  maxYawDegrees: 20,
  minLuma: 40,
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

// ---- Detection in a Web Worker (see face-worker.ts) ----
// A full-range detect() can take tens of milliseconds on a slow PC, which on
// the main thread would stall the exam page; in a worker it cannot.

/** What the worker reports for one frame. */
export interface FaceSample extends FaceDetection {
  model: FaceModel;
  /** Mean luma of the frame, 0..255. */
  luma: number;
  frameWidth: number;
  frameHeight: number;
  /** Time the worker spent on the frame (scaling, detection and luma). */
  workerMs: number;
  /** Of that, the detector's own time on the analysis-size frame. */
  detectMs: number;
}

/** A frame handed to a worker (transferred, so the sender must not use it again). */
export type CameraFrame = ImageBitmap | VideoFrame;

/** Pixel size of a camera frame. */
export function frameSize(frame: CameraFrame): { width: number; height: number } {
  return 'displayWidth' in frame ? { width: frame.displayWidth, height: frame.displayHeight } : { width: frame.width, height: frame.height };
}

/**
 * The size a frame is analysed at: scaled down to `analysisWidth` keeping its
 * aspect ratio, never up; the frame's own size without a width.
 */
export function analysisSize(size: { width: number; height: number }, analysisWidth: number | null): { width: number; height: number } {
  if (analysisWidth === null || size.width <= analysisWidth) return { width: Math.max(1, size.width), height: Math.max(1, size.height) };
  return { width: analysisWidth, height: Math.max(1, Math.round((size.height * analysisWidth) / size.width)) };
}

export type FaceWorkerRequest =
  | { type: 'init'; model: FaceModel; assetBase: string; minDetectionConfidence?: number; analysisWidth?: number }
  | { type: 'frame'; id: number; frame: CameraFrame; timestampMs: number };

export type FaceWorkerReply =
  | { type: 'ready' }
  | { type: 'sample'; id: number; sample: FaceSample }
  | { type: 'error'; id: number | null; message: string };

/** Minimal view of a `Worker`. */
export interface FaceWorkerPort {
  postMessage(message: FaceWorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FaceWorkerReply>) => void): void;
  /** The worker script failed to load or threw (a 404, a CSP refusal, a crash). */
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

export interface FaceWorkerClient {
  /** Detects on a frame, which is transferred to the worker (do not reuse it). */
  detect(frame: CameraFrame, model: FaceModel, timestampMs: number): Promise<FaceSample>;
  close(): void;
}

/** One worker running one model. */
async function startModelWorker(worker: FaceWorkerPort, init: Extract<FaceWorkerRequest, { type: 'init' }>) {
  const pending = new Map<number, { resolve: (sample: FaceSample) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let onReady: { resolve: () => void; reject: (error: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (onReady = { resolve, reject }));
  worker.addEventListener('message', ({ data }) => {
    if (data.type === 'ready') return onReady?.resolve();
    const id = data.id;
    if (id === null) return onReady?.reject(new Error(data.type === 'error' ? data.message : 'face worker failed to start'));
    const waiting = pending.get(id);
    pending.delete(id);
    if (data.type === 'sample') waiting?.resolve(data.sample);
    else waiting?.reject(new Error(data.message));
  });
  worker.addEventListener('error', (event) => {
    const detail = 'message' in event && typeof event.message === 'string' ? event.message : event.type;
    const failure = new Error(`face worker failed: ${detail}`);
    onReady?.reject(failure);
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  });
  worker.postMessage(init);
  try {
    await ready;
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return {
    detect(frame: CameraFrame, timestampMs: number) {
      const id = nextId++;
      return new Promise<FaceSample>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'frame', id, frame, timestampMs }, [frame]);
      });
    },
    close() {
      worker.terminate();
      for (const waiting of pending.values()) waiting.reject(new Error('face worker closed'));
      pending.clear();
    },
  };
}

/**
 * Runs each model in a worker of its own (tasks-vision loads its wasm module
 * once per worker, so one worker cannot host two detectors). The app creates
 * the workers as `new Worker(new URL('./face-worker.ts', import.meta.url), { type: 'module' })`.
 * Resolves once every model has loaded.
 */
export async function createFaceWorkerClient(
  createWorker: () => FaceWorkerPort,
  options: { models: FaceModel[]; assetBase?: string; minDetectionConfidence?: number; analysisWidth?: number },
): Promise<FaceWorkerClient> {
  const workers = new Map<FaceModel, Awaited<ReturnType<typeof startModelWorker>>>();
  try {
    for (const model of options.models) {
      const init = {
        type: 'init',
        model,
        assetBase: options.assetBase ?? '/',
        minDetectionConfidence: options.minDetectionConfidence,
        analysisWidth: options.analysisWidth,
      } as const;
      workers.set(model, await startModelWorker(createWorker(), init));
    }
  } catch (error) {
    for (const worker of workers.values()) worker.close();
    throw error;
  }
  return {
    detect(frame, model, timestampMs) {
      const worker = workers.get(model);
      if (!worker) {
        frame.close();
        return Promise.reject(new Error(`face model ${model} was not started`));
      }
      return worker.detect(frame, timestampMs);
    },
    close() {
      for (const worker of workers.values()) worker.close();
    },
  };
}

// ---- The sampling loop: camera → face workers → face monitor ----

/** What the sampling loop feeds the face monitor with (see face-monitor.ts). */
export interface FaceObservationSink {
  observe(observation: { timestampMs: number; faceCount: number; yawDegrees: number | null; luma: number; isCameraAlive: boolean; model: FaceModel }): void;
  tick(nowMs: number): void;
}

export interface FaceSamplingOptions {
  /** A playing `<video>` showing the camera stream. */
  video: HTMLVideoElement;
  workers: FaceWorkerClient;
  monitor: FaceObservationSink;
  policy: { sampleIntervalMs: number; analysisWidth: number };
  /** Which model a sample runs; face-monitor's `modelForSample`. */
  modelForSample: (sampleIndex: number) => FaceModel;
  /** Every analysed sample, with the main-thread time it cost (frame grab and post). */
  onSample?: (sample: FaceSample, mainThreadMs: number) => void;
  /** A sample that failed; if failures persist, the monitor's stale check reports the camera lost. */
  onError?: (error: unknown) => void;
  now?: () => number;
  /**
   * When the candidate last pressed or released a pointer or pressed a key, on `now()`'s clock (null: never).
   * Defaults to the page's own input events.
   */
  lastInputAt?: () => number | null;
  /** How long after an input a due sample waits at most (default INPUT_QUIET_MS). */
  inputQuietMs?: number;
}

/**
 * A sample due this soon after the candidate's click or key press waits: saving what was
 * just chosen (the commit, and usually the venue's receipt) goes first, and detection does
 * not compete with it for the PC's cores. A sample waits at most this long, so typing slows
 * the monitor a little and never stops it.
 */
export const INPUT_QUIET_MS = 30;

let lastPageInputAt: number | null = null;
let isWatchingInput = false;

/** The page's last pointer or key press (`performance.now()`), watched from the first call. */
function pageLastInputAt(): number | null {
  if (!isWatchingInput && typeof window !== 'undefined') {
    isWatchingInput = true;
    const note = () => {
      lastPageInputAt = performance.now();
    };
    // A click saves on release: the release counts, not only the press.
    for (const type of ['pointerdown', 'pointerup', 'keydown'] as const) window.addEventListener(type, note, { capture: true, passive: true });
  }
  return lastPageInputAt;
}

function isCameraAlive(video: HTMLVideoElement): boolean {
  const stream = video.srcObject;
  const tracks = stream instanceof MediaStream ? stream.getVideoTracks() : [];
  return video.readyState >= 2 && tracks.length > 0 && tracks.every((track) => track.readyState === 'live' && !track.muted);
}

/**
 * The current camera frame for a worker. A VideoFrame only references the
 * decoded frame, so the main thread copies and scales nothing (the worker's
 * detector scales it); an ImageBitmap scaled by the browser is the fallback.
 */
async function grabFrame(video: HTMLVideoElement, size: { analysisWidth: number }): Promise<CameraFrame> {
  if (typeof VideoFrame === 'function') return new VideoFrame(video, { timestamp: Math.round(performance.now() * 1000) });
  return createImageBitmap(video, { resizeWidth: size.analysisWidth, resizeQuality: 'low' });
}

/**
 * Samples the camera at the policy's rate until `stop()`: the main thread only
 * grabs the frame and posts it; the workers detect. Samples never
 * overlap, so a slow PC lowers the rate instead of queueing frames.
 */
export function startFaceSampling(options: FaceSamplingOptions): { stop(): Promise<void> } {
  const now = options.now ?? (() => performance.now());
  const { policy, video, monitor } = options;
  let isStopped = false;
  let sampleIndex = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();

  async function sampleOnce(): Promise<void> {
    const startedAt = now();
    if (!isCameraAlive(video)) {
      monitor.observe({ timestampMs: startedAt, faceCount: 0, yawDegrees: null, luma: 0, isCameraAlive: false, model: 'short' });
      return;
    }
    const model = options.modelForSample(sampleIndex++);
    const frame = await grabFrame(video, policy);
    const grabMs = now() - startedAt;
    const postedAt = now();
    const pending = options.workers.detect(frame, model, startedAt);
    const mainThreadMs = grabMs + now() - postedAt;
    const sample = await pending;
    const [first] = sample.faces;
    const yawDegrees = first ? estimateYaw(first.keypoints) : null;
    monitor.observe({ timestampMs: startedAt, faceCount: sample.faces.length, yawDegrees, luma: sample.luma, isCameraAlive: true, model });
    options.onSample?.(sample, mainThreadMs);
  }

  const lastInputAt = options.lastInputAt ?? pageLastInputAt;
  const inputQuietMs = options.inputQuietMs ?? INPUT_QUIET_MS;
  lastInputAt();

  function schedule(delayMs: number): void {
    const dueAt = now() + delayMs;
    const fire = () => {
      const startedAt = now();
      const input = lastInputAt();
      const quietAt = input === null ? startedAt : input + inputQuietMs;
      if (quietAt > startedAt && startedAt - dueAt < inputQuietMs) {
        timer = setTimeout(fire, Math.min(quietAt, dueAt + inputQuietMs) - startedAt);
        return;
      }
      running = sampleOnce()
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          if (!isStopped) schedule(Math.max(0, startedAt + policy.sampleIntervalMs - now()));
        });
    };
    timer = setTimeout(fire, delayMs);
  }

  schedule(0);
  // Separate from the samples, so that a hung worker still shows as a lost camera.
  const heartbeat = setInterval(() => monitor.tick(now()), policy.sampleIntervalMs);
  return {
    async stop() {
      isStopped = true;
      clearInterval(heartbeat);
      if (timer !== null) clearTimeout(timer);
      await running;
    },
  };
}

/** A small JPEG of the camera frame, kept as evidence with a violation. */
export async function captureEvidenceThumbnail(video: HTMLVideoElement, options: { width?: number; quality?: number } = {}): Promise<Blob> {
  const width = options.width ?? 160;
  const height = Math.max(1, Math.round((width * (video.videoHeight || 3)) / (video.videoWidth || 4)));
  const bitmap = await createImageBitmap(video, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas for the evidence thumbnail');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: options.quality ?? 0.6 });
}
