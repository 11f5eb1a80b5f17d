/**
 * Proctoring during the attempt: from the test's start to its end, the camera's
 * faces and the browser's signals become `violation.started` / `violation.ended`
 * events of the attempt (with a small evidence thumbnail for camera violations, a
 * detail for browser ones), the monitor's own health becomes `monitor.health`
 * events, and each new violation shows the candidate a short notice.
 *
 * Every switch and threshold comes from the package's policy (see policy.ts).
 * Events are recorded one after another, so a violation's end never precedes
 * its start in the device's chain.
 */
import { ref } from 'vue';
import type { ViolationKind } from '../../sync/events';
import type { ProctoringPolicy as PackageProctoringPolicy } from '../../sync/package';
import type { AttemptHookContext } from '../candidate/proctoring-hooks';
import { createBrowserMonitor, type BrowserSignal, type BrowserSignalKind } from './browser-monitor';
import { captureJpegDataUrl, closeCamera, openCamera, playStream, startFaceWorkers } from './camera';
import { startFaceSampling, type FaceWorkerClient } from './face-detector';
import { createFaceMonitor, modelForSample, type FaceViolationSignal } from './face-monitor';
import { browserMonitorPolicy, faceMonitorPolicy, signalOf } from './policy';

/** Evidence thumbnails stay well under the events' 24 000-character limit. */
export const MAX_EVIDENCE_CHARS = 16_000;
const EVIDENCE_WIDTH = 160;
const NOTICE_MS = 6000;
/** Failed samples in a row after which the monitor reports itself degraded. */
const DEGRADED_AFTER_ERRORS = 3;

const BROWSER_KINDS: Record<BrowserSignalKind, ViolationKind> = {
  'focus-lost': 'focus-lost',
  'tab-hidden': 'focus-lost',
  'fullscreen-left': 'fullscreen-left',
  hotkey: 'hotkey',
  clipboard: 'hotkey',
  print: 'hotkey',
  'context-menu': 'context-menu',
  'zoom-changed': 'zoom-changed',
  'second-screen': 'second-screen',
  reload: 'page-reloaded',
};

export interface ViolationNotice {
  violationId: string;
  kind: ViolationKind;
}

/** New violations the candidate is being told about (each shows for a few seconds). */
export const violationNotices = ref<ViolationNotice[]>([]);

type MonitorContext = AttemptHookContext & { examPackage: { proctoring: PackageProctoringPolicy } };

/** A browser signal's detail as one short line: "tab-hidden", "hotkey action=copy key=c". */
export function describeBrowserSignal(signal: Pick<BrowserSignal, 'kind' | 'detail'>): string {
  const parts = Object.entries(signal.detail).map(([name, value]) => `${name}=${String(value)}`);
  return [signal.kind, ...parts].join(' ').slice(0, 500);
}

/** Starts monitoring the attempt; the returned function stops it and ends every open violation. */
export function startAttemptMonitoring(context: MonitorContext): () => void {
  const policy = context.examPackage.proctoring;
  const facePolicy = faceMonitorPolicy(policy);
  /** Open violations by their source key ("face:no-face", "browser:tab-hidden", …). */
  const open = new Map<string, string>();
  /** Conditions waiting out their threshold before they become violations. */
  const pendingStarts = new Map<string, ReturnType<typeof setTimeout>>();
  let queue: Promise<void> = Promise.resolve();
  let isStopped = false;
  let video: HTMLVideoElement | null = null;
  let workers: FaceWorkerClient | null = null;
  let sampling: { stop(): Promise<void> } | null = null;
  let healthState: 'ok' | 'degraded' | 'stopped' | null = null;

  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step).catch(() => undefined); // a failed write is shown by the store's save error
  };

  function health(state: 'ok' | 'degraded' | 'stopped', detail?: string): void {
    if (state === healthState) return;
    healthState = state;
    enqueue(() => context.record({ type: 'monitor.health', data: { state, ...(detail ? { detail: detail.slice(0, 500) } : {}) } }));
  }

  function startViolation(kind: ViolationKind, key: string, extras: { detail?: string; withEvidence?: boolean } = {}): void {
    if (!signalOf(policy, kind).isEnabled || open.has(key)) return;
    const violationId = `vio-${crypto.randomUUID()}`;
    open.set(key, violationId);
    const notice = { violationId, kind };
    violationNotices.value = [...violationNotices.value, notice];
    setTimeout(() => (violationNotices.value = violationNotices.value.filter((n) => n !== notice)), NOTICE_MS);
    enqueue(async () => {
      const evidence = extras.withEvidence && video ? await captureJpegDataUrl(video, { width: EVIDENCE_WIDTH, maxChars: MAX_EVIDENCE_CHARS }).catch(() => null) : null;
      await context.record({ type: 'violation.started', data: { violationId, kind, ...(extras.detail ? { detail: extras.detail } : {}), ...(evidence ? { evidence } : {}) } });
    });
  }

  function endViolation(key: string): void {
    const pending = pendingStarts.get(key);
    if (pending !== undefined) {
      clearTimeout(pending);
      pendingStarts.delete(key);
    }
    const violationId = open.get(key);
    if (!violationId) return;
    open.delete(key);
    enqueue(() => context.record({ type: 'violation.ended', data: { violationId } }));
  }

  /** A lasting condition: it becomes a violation once it has held for the package's threshold. */
  function startAfterThreshold(kind: ViolationKind, key: string, detail?: string): void {
    if (open.has(key) || pendingStarts.has(key) || !signalOf(policy, kind).isEnabled) return;
    const thresholdMs = signalOf(policy, kind).thresholdMs;
    if (thresholdMs === 0) return startViolation(kind, key, { detail });
    pendingStarts.set(key, setTimeout(() => {
      pendingStarts.delete(key);
      if (!isStopped) startViolation(kind, key, { detail });
    }, thresholdMs));
  }

  // ---- Browser ----
  const browser = createBrowserMonitor({
    policy: browserMonitorPolicy(policy),
    onSignal(signal) {
      const kind = BROWSER_KINDS[signal.kind];
      const key = `browser:${signal.kind}`;
      const detail = describeBrowserSignal(signal);
      if (signal.phase === 'start') startAfterThreshold(kind, key, detail);
      else if (signal.phase === 'end') endViolation(key);
      else {
        const instantKey = `${key}:${crypto.randomUUID()}`;
        startViolation(kind, instantKey, { detail });
        endViolation(instantKey);
      }
    },
  });
  browser.start();

  // ---- Camera ----
  const faceMonitor = createFaceMonitor(facePolicy, (signal: FaceViolationSignal) => {
    const key = `face:${signal.kind}`;
    if (signal.phase === 'start') startViolation(signal.kind, key, { withEvidence: signal.kind !== 'camera-lost' });
    else endViolation(key);
  });

  let failedInARow = 0;
  let lastSampleAt = performance.now();
  const watchdog = setInterval(() => {
    if (isStopped || !sampling) return;
    if (performance.now() - lastSampleAt < facePolicy.staleAfterMs) return;
    health('degraded', 'no camera frame analysed recently');
    startAfterThreshold('monitor-failed', 'monitor:stalled', 'no camera frame analysed recently');
  }, 1000);

  function failed(reason: string, kind: 'camera-lost' | 'monitor-failed'): void {
    health('stopped', reason);
    // Without a camera requirement, a PC with no camera is allowed: the health event says why nothing is watched.
    if (policy.isCameraRequired) startViolation(kind, `monitor:${kind}`, { detail: reason });
  }

  void (async () => {
    let camera: MediaStream;
    try {
      camera = await openCamera();
      video = await playStream(camera);
    } catch (error) {
      if (!isStopped) failed(`camera: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`, 'camera-lost');
      return;
    }
    try {
      const models = facePolicy.fullRangeEvery > 0 ? (['short', 'full'] as const) : (['short'] as const);
      workers = await startFaceWorkers([...models], facePolicy.analysisWidth);
    } catch (error) {
      if (!isStopped) failed(`face model: ${error instanceof Error ? error.message : String(error)}`, 'monitor-failed');
      return;
    }
    if (isStopped) return workers.close();
    for (const track of camera.getVideoTracks()) track.addEventListener('ended', () => health('degraded', 'the camera stopped'));
    lastSampleAt = performance.now();
    sampling = startFaceSampling({
      video,
      workers,
      monitor: faceMonitor,
      policy: facePolicy,
      modelForSample: (index) => modelForSample(index, facePolicy),
      onSample() {
        lastSampleAt = performance.now();
        failedInARow = 0;
        endViolation('monitor:stalled');
        health('ok');
      },
      onError(error) {
        failedInARow++;
        if (failedInARow >= DEGRADED_AFTER_ERRORS) health('degraded', `face detection failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    });
  })();

  return () => {
    if (isStopped) return;
    isStopped = true;
    clearInterval(watchdog);
    for (const timer of pendingStarts.values()) clearTimeout(timer);
    pendingStarts.clear();
    browser.stop();
    faceMonitor.close(performance.now());
    for (const key of [...open.keys()]) endViolation(key);
    void sampling?.stop().finally(() => workers?.close());
    if (!sampling) workers?.close();
    health('stopped', 'the attempt ended');
    closeCamera();
    violationNotices.value = [];
  };
}
