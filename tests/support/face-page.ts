/**
 * Browser side of the face test page (bundled by face-harness.ts). It exposes
 * `window.faceHarness`, which the e2e test and the benchmark drive through
 * Playwright's `page.evaluate`.
 */
import { createFaceDetector, meanLuma, estimateYaw, type FaceModel, type ProctoringFaceDetector } from '../../client/proctoring/face-detector';
import { createFaceMonitor, DEFAULT_PROCTORING_POLICY, modelForSample, type FaceViolationSignal } from '../../client/proctoring/face-monitor';

const detectors = new Map<FaceModel, ProctoringFaceDetector>();
const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });

async function detector(model: FaceModel): Promise<ProctoringFaceDetector> {
  let existing = detectors.get(model);
  if (!existing) {
    existing = await createFaceDetector({ model, delegate: 'CPU' });
    detectors.set(model, existing);
  }
  return existing;
}

async function loadImage(url: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = url;
  await image.decode();
  return image;
}

/** The photo scaled to fit `width`×`height`, centred on black: what a camera frame of that size would hold. */
function letterbox(image: HTMLImageElement, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.fillStyle = '#000';
  context.fillRect(0, 0, width, height);
  const scale = Math.min(width / image.naturalWidth, height / image.naturalHeight);
  const w = image.naturalWidth * scale;
  const h = image.naturalHeight * scale;
  context.drawImage(image, (width - w) / 2, (height - h) / 2, w, h);
  return canvas;
}

let clock = 0;

const harness = {
  async prepare(models: FaceModel[]): Promise<void> {
    for (const model of models) await detector(model);
  },
  /** Faces found in a photo at its own size. */
  async countFaces(model: FaceModel, url: string): Promise<{ count: number; yaws: (number | null)[]; scores: number[] }> {
    const found = (await detector(model)).detect(await loadImage(url), ++clock);
    return { count: found.faces.length, yaws: found.faces.map((f) => estimateYaw(f.keypoints)), scores: found.faces.map((f) => f.score) };
  },
  /** Milliseconds per detect() on the photo letterboxed to width×height, after warm-up. */
  async timeDetect(model: FaceModel, url: string, width: number, height: number, runs: number): Promise<number[]> {
    const d = await detector(model);
    const frame = letterbox(await loadImage(url), width, height);
    for (let i = 0; i < 5; i++) d.detect(frame, ++clock);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      d.detect(frame, ++clock);
      times.push(performance.now() - started);
    }
    return times;
  },
  /** Starts the camera (Chromium's fake device in tests) and returns faces and luma of one frame. */
  async cameraFrame(model: FaceModel): Promise<{ count: number; luma: number; width: number; height: number }> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    const d = await detector(model);
    const found = d.detect(video, performance.now());
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, 64, 48);
    const luma = meanLuma(context.getImageData(0, 0, 64, 48));
    const size = { width: video.videoWidth, height: video.videoHeight };
    for (const track of stream.getTracks()) track.stop();
    return { count: found.faces.length, luma, ...size };
  },
  /**
   * Runs the face monitor on a photo at the policy's sampling rate for
   * `durationMs`, as an exam page would, and reports the longest main-thread
   * task and the per-sample cost.
   */
  async runMonitor(url: string, width: number, height: number, durationMs: number): Promise<{ samples: number; msPerSample: number; longestTaskMs: number; signals: FaceViolationSignal[] }> {
    const policy = DEFAULT_PROCTORING_POLICY;
    const short = await detector('short');
    const full = await detector('full');
    const frame = letterbox(await loadImage(url), width, height);
    const thumbnail = document.createElement('canvas');
    thumbnail.width = 32;
    thumbnail.height = 24;
    const thumbnailContext = thumbnail.getContext('2d', { willReadFrequently: true })!;
    const signals: FaceViolationSignal[] = [];
    const monitor = createFaceMonitor(policy, (signal) => signals.push(signal));
    longTasks.length = 0;
    let samples = 0;
    let busyMs = 0;
    const started = performance.now();
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now - started > durationMs) {
          clearInterval(timer);
          done();
          return;
        }
        const model = modelForSample(samples, policy);
        const found = (model === 'full' ? full : short).detect(frame, now);
        thumbnailContext.drawImage(frame, 0, 0, 32, 24);
        const luma = meanLuma(thumbnailContext.getImageData(0, 0, 32, 24));
        const [first] = found.faces;
        monitor.observe({ timestampMs: now, faceCount: found.faces.length, yawDegrees: first ? estimateYaw(first.keypoints) : null, luma, isCameraAlive: true, model });
        samples++;
        busyMs += performance.now() - now;
      }, policy.sampleIntervalMs);
    });
    await new Promise((r) => setTimeout(r, 100)); // let the observer deliver the last entries
    return { samples, msPerSample: busyMs / Math.max(1, samples), longestTaskMs: Math.max(0, ...longTasks), signals };
  },
};

declare global {
  interface Window {
    faceHarness: typeof harness;
  }
}
window.faceHarness = harness;
