/**
 * Browser side of the proctoring test page (bundled by face-harness.ts): face
 * detection, the face monitor and the browser monitor, as the exam page will
 * use them. It exposes `window.faceHarness`, which the e2e test and the
 * benchmark drive through Playwright's `page.evaluate`.
 */
import { captureEvidenceThumbnail, createFaceDetector, createFaceWorkerClient, estimateYaw, judgeIdentityPhoto, meanLuma, startFaceSampling, type IdentityPhotoVerdict, type FaceModel, type FaceSample, type FaceWorkerClient, type ProctoringFaceDetector } from '../../client/proctoring/face-detector';
import { createBrowserMonitor, DEFAULT_BROWSER_MONITOR_POLICY, type BrowserMonitor, type BrowserSignal } from '../../client/proctoring/browser-monitor';
import { createFaceMonitor, DEFAULT_PROCTORING_POLICY, modelForSample, type FaceMonitor, type FaceViolationSignal, type ProctoringPolicy } from '../../client/proctoring/face-monitor';

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

async function startCamera(): Promise<HTMLVideoElement> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  await video.play();
  return video;
}

let clock = 0;

interface MonitorRun {
  samples: number;
  /** CPU time per sample, main thread and worker together. */
  msPerSample: number;
  mainThreadMsPerSample: number;
  faceCounts: number[];
  /** Model of each sample, matching `faceCounts`. */
  models: FaceModel[];
  signals: FaceViolationSignal[];
  errors: string[];
  /** Worker time of each sample (scaling, detection, luma), matching `faceCounts`. */
  workerMs: number[];
  /** Of that, the detector's own time, matching `faceCounts`. */
  detectMs: number[];
}

let faceWorkers: Promise<FaceWorkerClient> | null = null;

/** The face workers, one per model, started once, scaling frames to the policy's analysis size. */
function faceWorkerClient(): Promise<FaceWorkerClient> {
  const { analysisWidth } = DEFAULT_PROCTORING_POLICY;
  faceWorkers ??= createFaceWorkerClient(() => new Worker('/face-worker.js', { type: 'module' }), { models: ['short', 'full'], analysisWidth });
  return faceWorkers;
}

/** Detection and luma on the main thread, the simplest thing a page could do: kept to show what the workers save. */
async function mainThreadLoop(video: HTMLVideoElement, monitor: FaceMonitor, policy: ProctoringPolicy, durationMs: number, record: (sample: FaceSample, mainThreadMs: number) => void): Promise<void> {
  const thumbnail = document.createElement('canvas');
  thumbnail.width = 32;
  thumbnail.height = 24;
  const context = thumbnail.getContext('2d', { willReadFrequently: true })!;
  const byModel = { short: await detector('short'), full: await detector('full') };
  const started = performance.now();
  for (let index = 0; performance.now() - started < durationMs; index++) {
    const now = performance.now();
    const model = modelForSample(index, policy);
    const found = byModel[model].detect(video, now);
    context.drawImage(video, 0, 0, 32, 24);
    const luma = meanLuma(context.getImageData(0, 0, 32, 24));
    const [first] = found.faces;
    monitor.observe({ timestampMs: now, faceCount: found.faces.length, yawDegrees: first ? estimateYaw(first.keypoints) : null, luma, isCameraAlive: true, model });
    record({ ...found, model, luma, frameWidth: video.videoWidth, frameHeight: video.videoHeight, workerMs: 0, detectMs: 0 }, performance.now() - now);
    await new Promise((r) => setTimeout(r, Math.max(0, now + policy.sampleIntervalMs - performance.now())));
  }
}

let browserMonitor: BrowserMonitor | null = null;

const harness = {
  browserSignals: [] as BrowserSignal[],
  /** Starts the browser monitor; fullscreen is required only when asked (entering it needs a user gesture first). */
  startBrowserMonitor(options: { isFullscreenRequired?: boolean } = {}): void {
    browserMonitor?.stop();
    const policy = { ...DEFAULT_BROWSER_MONITOR_POLICY, isFullscreenRequired: options.isFullscreenRequired ?? false };
    browserMonitor = createBrowserMonitor({ onSignal: (signal) => harness.browserSignals.push(signal), policy });
    browserMonitor.start();
  },
  stopBrowserMonitor(): void {
    browserMonitor?.stop();
  },
  async prepare(models: FaceModel[], options: { withWorkers?: boolean } = {}): Promise<void> {
    for (const model of models) await detector(model);
    if (options.withWorkers) await faceWorkerClient();
  },
  /** Faces found in a photo at its own size (or its mirror image), with the yaw of each. */
  async countFaces(model: FaceModel, url: string, options: { isMirrored?: boolean } = {}): Promise<{ count: number; yaws: (number | null)[]; scores: number[] }> {
    const image = await loadImage(url);
    let source: HTMLImageElement | HTMLCanvasElement = image;
    if (options.isMirrored) {
      // The same person with the head turned the other way.
      source = document.createElement('canvas');
      source.width = image.naturalWidth;
      source.height = image.naturalHeight;
      const context = source.getContext('2d')!;
      context.scale(-1, 1);
      context.drawImage(image, -image.naturalWidth, 0);
    }
    const found = (await detector(model)).detect(source, ++clock);
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
  /** The identity-photo verdict on the current camera frame, with the default policy. */
  async identityCheck(): Promise<IdentityPhotoVerdict & { faces: number; yaw: number | null; luma: number; faceWidthRatio: number | null }> {
    const video = await startCamera();
    const found = (await detector('short')).detect(video, performance.now());
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, 64, 48);
    const luma = meanLuma(context.getImageData(0, 0, 64, 48));
    const frameSize = { width: video.videoWidth, height: video.videoHeight };
    for (const track of (video.srcObject as MediaStream).getTracks()) track.stop();
    const [first] = found.faces;
    return {
      ...judgeIdentityPhoto(found, frameSize, luma, DEFAULT_PROCTORING_POLICY.identityPhoto),
      faces: found.faces.length,
      yaw: first ? estimateYaw(first.keypoints) : null,
      luma,
      faceWidthRatio: first ? first.box.width / frameSize.width : null,
    };
  },
  /** An evidence thumbnail of the camera: its type, size in bytes and pixel size. */
  async thumbnail(): Promise<{ type: string; bytes: number; width: number; height: number }> {
    const video = await startCamera();
    const blob = await captureEvidenceThumbnail(video);
    for (const track of (video.srcObject as MediaStream).getTracks()) track.stop();
    const bitmap = await createImageBitmap(blob);
    return { type: blob.type, bytes: blob.size, width: bitmap.width, height: bitmap.height };
  },
  /** Keeps the camera running for `ms` with no analysis: the baseline cost of capture alone. */
  async cameraIdle(ms: number): Promise<void> {
    const video = await startCamera();
    await new Promise((r) => setTimeout(r, ms));
    for (const track of (video.srcObject as MediaStream).getTracks()) track.stop();
  },
  /**
   * Longest main-thread task over 50 ms seen so far ('longtask' entries), e.g. while the
   * models loaded on this page; shorter tasks need a trace (main-thread-trace.ts).
   */
  longestTaskMs(): number {
    return Math.max(0, ...longTasks);
  },
  /** Starts the camera (Chromium's fake device in tests) and returns faces and luma of one frame. */
  async cameraFrame(model: FaceModel): Promise<{ count: number; luma: number; width: number; height: number }> {
    const video = await startCamera();
    const stream = video.srcObject as MediaStream;
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
   * Runs the face monitor on the camera for `durationMs` at the policy's rate (the
   * monitor's defaults unless a package's policy is passed), as an exam page would:
   * with the app's sampling loop and face workers, or (for comparison) detecting on
   * the main thread. Reports what each sample found and cost (main thread + worker);
   * trace the call (main-thread-trace.ts) for the main thread's tasks.
   */
  async runMonitor(durationMs: number, where: 'main' | 'worker', policy: ProctoringPolicy = DEFAULT_PROCTORING_POLICY): Promise<MonitorRun> {
    const video = await startCamera();
    const signals: FaceViolationSignal[] = [];
    const monitor = createFaceMonitor(policy, (signal) => signals.push(signal));
    const run: MonitorRun = { samples: 0, msPerSample: 0, mainThreadMsPerSample: 0, faceCounts: [], models: [], signals, errors: [], workerMs: [], detectMs: [] };
    let mainMs = 0;
    let workerMs = 0;
    const record = (sample: FaceSample, mainThreadMs: number) => {
      run.samples++;
      run.faceCounts.push(sample.faces.length);
      run.models.push(sample.model);
      run.workerMs.push(sample.workerMs);
      run.detectMs.push(sample.detectMs);
      mainMs += mainThreadMs;
      workerMs += sample.workerMs;
    };
    if (where === 'worker') {
      const workers = await faceWorkerClient();
      const sampling = startFaceSampling({
        video,
        workers,
        monitor,
        policy,
        modelForSample: (index) => modelForSample(index, policy),
        onSample: record,
        onError: (error) => run.errors.push(String(error)),
      });
      await new Promise((r) => setTimeout(r, durationMs));
      await sampling.stop();
    } else {
      await mainThreadLoop(video, monitor, policy, durationMs, record);
    }
    for (const track of (video.srcObject as MediaStream).getTracks()) track.stop();
    run.mainThreadMsPerSample = mainMs / Math.max(1, run.samples);
    run.msPerSample = (mainMs + workerMs) / Math.max(1, run.samples);
    return run;
  },
};

declare global {
  interface Window {
    faceHarness: typeof harness;
  }
}
window.faceHarness = harness;
