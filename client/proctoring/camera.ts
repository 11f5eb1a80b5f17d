/**
 * The candidate's camera, opened once and shared by the identity photo and the
 * monitoring during the test (no second permission prompt), and the face workers
 * started from the app's own origin. The camera's state is reactive, so the wait
 * page can refuse the start when the package requires a camera that is not there.
 */
import { ref } from 'vue';
import { captureEvidenceThumbnail, createFaceWorkerClient, type FaceModel, type FaceWorkerClient, type FaceWorkerPort } from './face-detector';

export type CameraState = 'idle' | 'starting' | 'live' | 'denied' | 'missing' | 'failed';

/** Where the camera stands now; `live` only while its video track runs. */
export const cameraState = ref<CameraState>('idle');

let stream: MediaStream | null = null;
let opening: Promise<MediaStream> | null = null;

function isLive(candidate: MediaStream | null): candidate is MediaStream {
  return candidate !== null && candidate.getVideoTracks().some((track) => track.readyState === 'live');
}

function stateOf(error: unknown): CameraState {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  return 'failed';
}

/** Opens the camera, or returns the stream already open. Rejects with the reason in `cameraState`. */
export function openCamera(): Promise<MediaStream> {
  if (isLive(stream)) return Promise.resolve(stream);
  opening ??= (async () => {
    cameraState.value = 'starting';
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no camera API', 'NotFoundError');
      // The monitor samples a frame every few hundred ms: a low frame rate leaves the PC's cores to the exam.
      const opened = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 10, max: 15 } }, audio: false });
      for (const track of opened.getVideoTracks()) {
        track.addEventListener('ended', () => {
          if (stream === opened) cameraState.value = 'failed';
        });
      }
      stream = opened;
      cameraState.value = 'live';
      return opened;
    } catch (error) {
      cameraState.value = stateOf(error);
      throw error;
    } finally {
      opening = null;
    }
  })();
  return opening;
}

/** Turns the camera off (the attempt is over). */
export function closeCamera(): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = null;
  cameraState.value = 'idle';
}

/** A muted `<video>` playing the stream, for frames and thumbnails; kept off the page unless the caller shows it. */
export async function playStream(camera: MediaStream, video: HTMLVideoElement = document.createElement('video')): Promise<HTMLVideoElement> {
  video.muted = true;
  video.playsInline = true;
  video.srcObject = camera;
  await video.play();
  return video;
}

/** Face workers, one per model, loaded from this origin (allowed by the venue's `worker-src 'self'`). */
export function startFaceWorkers(models: FaceModel[], analysisWidth: number): Promise<FaceWorkerClient> {
  const createWorker = () => new Worker(new URL('./face-worker.ts', import.meta.url), { type: 'module' }) as unknown as FaceWorkerPort;
  return createFaceWorkerClient(createWorker, { models, analysisWidth, assetBase: '/' });
}

/** A JPEG blob as a data URL (what events carry). */
export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the image'));
    reader.readAsDataURL(blob);
  });
}

/**
 * A JPEG of the camera frame as a data URL no longer than `maxChars` (events carry
 * at most 24 000 characters): smaller and coarser until it fits; null if nothing does.
 */
export async function captureJpegDataUrl(video: HTMLVideoElement, options: { width: number; maxChars: number }): Promise<string | null> {
  const attempts = [
    { width: options.width, quality: 0.7 },
    { width: Math.round(options.width * 0.75), quality: 0.55 },
    { width: Math.round(options.width * 0.5), quality: 0.4 },
  ];
  for (const attempt of attempts) {
    const url = await blobToDataUrl(await captureEvidenceThumbnail(video, attempt));
    if (url.length <= options.maxChars) return url;
  }
  return null;
}
