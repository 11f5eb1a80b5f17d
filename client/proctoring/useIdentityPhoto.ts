/**
 * The identity photo before the test: a live camera preview, each sampled frame
 * judged (exactly one face, large enough, centred, straight, lit), a hint in the
 * candidate's language while it is not good, and the first good frame kept as a
 * small JPEG in an `identity.photo` event of the attempt for the proctor to check.
 */
import { onBeforeUnmount, ref, type Ref } from 'vue';
import { DEFAULT_IDENTITY_PHOTO_POLICY, judgeIdentityPhoto, type FaceWorkerClient, type IdentityPhotoHint } from './face-detector';
import { cameraState, captureJpegDataUrl, openCamera, playStream, startFaceWorkers } from './camera';
import { DEFAULT_PROCTORING_POLICY } from './face-monitor';

/** What events allow for a photo (sync/events.ts EvidenceJpeg). */
export const MAX_PHOTO_CHARS = 24_000;
const PHOTO_WIDTH = 240;
const SAMPLE_INTERVAL_MS = 400;

export type IdentityPhotoState = 'idle' | 'starting' | 'previewing' | 'taken' | 'error';

/** Shared by the wait page's start check: whether this attempt's photo has been taken on this page load. */
export const identityPhotoState = ref<IdentityPhotoState>('idle');

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
    const verdict = judgeIdentityPhoto(sample, { width: sample.frameWidth, height: sample.frameHeight }, sample.luma, DEFAULT_IDENTITY_PHOTO_POLICY);
    hint.value = verdict.hint;
    if (!verdict.isAccepted) return false;
    const jpeg = await captureJpegDataUrl(element, { width: PHOTO_WIDTH, maxChars: MAX_PHOTO_CHARS });
    if (!jpeg) return false;
    await record(jpeg, sample.faces.length);
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
