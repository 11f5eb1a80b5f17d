/**
 * The identity photo before the test: a live camera preview, each sampled frame
 * judged (exactly one face, large enough, centred, straight, lit), a hint in the
 * candidate's language while it is not good, and the first good frame kept as a
 * small JPEG in an `identity.photo` event of the attempt for the proctor to check.
 * The frame is judged by the default limits (the package is still sealed); at the
 * start the taken photo is judged again, from its kept measurements, by the package's.
 */
import { onBeforeUnmount, ref, shallowRef, type Ref } from 'vue';
import type { ProctoringPolicy as PackageProctoringPolicy } from '../../sync/package';
import {
  DEFAULT_IDENTITY_PHOTO_POLICY,
  judgeIdentityPhoto,
  type FaceDetection,
  type FaceWorkerClient,
  type IdentityPhotoHint,
  type IdentityPhotoPolicy,
  type IdentityPhotoVerdict,
} from './face-detector';
import { cameraState, captureJpegDataUrl, openCamera, playStream, startFaceWorkers } from './camera';
import { DEFAULT_PROCTORING_POLICY } from './face-monitor';
import { identityPhotoPolicy } from './policy';

/** What events allow for a photo (sync/events.ts EvidenceJpeg). */
export const MAX_PHOTO_CHARS = 24_000;
const PHOTO_WIDTH = 240;
const SAMPLE_INTERVAL_MS = 400;

export type IdentityPhotoState = 'idle' | 'starting' | 'previewing' | 'taken' | 'error';

/** Shared by the wait page's start check: whether this attempt's photo has been taken on this page load. */
export const identityPhotoState = ref<IdentityPhotoState>('idle');

/** What a photo's verdict was made from: the faces found (boxes, keypoints), the frame's size and its luma. */
export interface IdentityPhotoMeasurements {
  detection: FaceDetection;
  frameSize: { width: number; height: number };
  luma: number;
}

/** The measurements of the photo taken on this page load; null until one is taken. */
export const identityPhotoMeasurements = shallowRef<IdentityPhotoMeasurements | null>(null);

/**
 * The limits a frame is judged by. The photo is taken before the package's key is
 * released, so its policy cannot be read yet: until then the defaults apply, and once
 * the package is open (`checkTakenIdentityPhoto`) its own limits apply, to retakes too.
 */
const photoLimits = shallowRef<IdentityPhotoPolicy>(DEFAULT_IDENTITY_PHOTO_POLICY);

/** Judges a photo again, from its measurements, against other limits. */
export function rejudgeIdentityPhoto(measurements: IdentityPhotoMeasurements, limits: IdentityPhotoPolicy): IdentityPhotoVerdict {
  return judgeIdentityPhoto(measurements.detection, measurements.frameSize, measurements.luma, limits);
}

/**
 * At the start, with the package open: adopts the package's photo limits for any retake
 * and judges the photo already taken against them. Returns the candidate's hint when the
 * photo fails them (the start must be refused and the photo retaken), or null when it
 * passes or no photo has been taken (the caller decides whether one is required).
 */
export function checkTakenIdentityPhoto(packagePolicy: PackageProctoringPolicy): IdentityPhotoHint | null {
  photoLimits.value = identityPhotoPolicy(packagePolicy);
  const measurements = identityPhotoMeasurements.value;
  if (!measurements) return null;
  const verdict = rejudgeIdentityPhoto(measurements, photoLimits.value);
  return verdict.isAccepted ? null : (verdict.hint ?? 'no-face');
}

export function useIdentityPhoto(video: Ref<HTMLVideoElement | null>, record: (photo: string, faceCount: number) => Promise<void>) {
  const hint = ref<IdentityPhotoHint | null>(null);
  const photo = ref<string | null>(null);
  const error = ref<Error | null>(null);
  let workers: FaceWorkerClient | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let isClosed = false;

  async function judgeOnce(element: HTMLVideoElement): Promise<boolean> {
    if (!workers || element.readyState < 2) return false;
    const frame = new VideoFrame(element, { timestamp: Math.round(performance.now() * 1000) });
    const sample = await workers.detect(frame, 'short', performance.now());
    const measurements: IdentityPhotoMeasurements = {
      detection: { faces: sample.faces },
      frameSize: { width: sample.frameWidth, height: sample.frameHeight },
      luma: sample.luma,
    };
    const verdict = rejudgeIdentityPhoto(measurements, photoLimits.value);
    hint.value = verdict.hint;
    if (!verdict.isAccepted) return false;
    const jpeg = await captureJpegDataUrl(element, { width: PHOTO_WIDTH, maxChars: MAX_PHOTO_CHARS });
    if (!jpeg) return false;
    await record(jpeg, sample.faces.length);
    identityPhotoMeasurements.value = measurements;
    photo.value = jpeg;
    return true;
  }

  function loop(element: HTMLVideoElement): void {
    timer = setTimeout(async () => {
      let isDone = false;
      try {
        isDone = await judgeOnce(element);
      } catch (failure) {
        error.value = failure instanceof Error ? failure : new Error(String(failure));
      }
      if (isClosed) return;
      if (isDone) {
        identityPhotoState.value = 'taken';
        stopWorkers();
      } else loop(element);
    }, SAMPLE_INTERVAL_MS);
  }

  function stopWorkers(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    workers?.close();
    workers = null;
  }

  /** Turns the preview on and looks for a good frame until one is taken. */
  async function start(): Promise<void> {
    const element = video.value;
    if (!element) return;
    isClosed = false;
    photo.value = null;
    hint.value = null;
    error.value = null;
    identityPhotoMeasurements.value = null;
    identityPhotoState.value = 'starting';
    try {
      await playStream(await openCamera(), element);
      workers ??= await startFaceWorkers(['short'], DEFAULT_PROCTORING_POLICY.analysisWidth);
      if (isClosed) return stopWorkers();
      identityPhotoState.value = 'previewing';
      loop(element);
    } catch (failure) {
      error.value = failure instanceof Error ? failure : new Error(String(failure));
      identityPhotoState.value = 'error';
      stopWorkers();
    }
  }

  onBeforeUnmount(() => {
    isClosed = true;
    stopWorkers();
  });

  return { state: identityPhotoState, cameraState, hint, photo, error, start };
}
