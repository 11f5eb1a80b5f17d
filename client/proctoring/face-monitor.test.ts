import { describe, expect, it } from 'vitest';
import { createFaceMonitor, DEFAULT_PROCTORING_POLICY, modelForSample, type FaceObservation, type FaceViolationSignal, type ProctoringPolicy } from './face-monitor';

const policy = DEFAULT_PROCTORING_POLICY;
const step = policy.sampleIntervalMs;
const good: Omit<FaceObservation, 'timestampMs'> = { faceCount: 1, yawDegrees: 0, luma: 120, isCameraAlive: true };

/** Feeds one observation per sampling step from `from` (inclusive) to `to` (exclusive). */
function feed(monitor: ReturnType<typeof createFaceMonitor>, from: number, to: number, frame: (t: number, index: number) => Partial<FaceObservation>) {
  let index = 0;
  for (let t = from; t < to; t += step) monitor.observe({ ...good, timestampMs: t, ...frame(t, index++) });
}

function setUp(custom: ProctoringPolicy = policy) {
  const signals: FaceViolationSignal[] = [];
  const monitor = createFaceMonitor(custom, (s) => signals.push(s));
  return { monitor, signals, summary: () => signals.map((s) => `${s.kind}:${s.phase}`) };
}

describe('face monitor', () => {
  it('reports nothing for a candidate sitting still', () => {
    const { monitor, signals } = setUp();
    feed(monitor, 0, 60_000, () => ({}));
    expect(signals).toEqual([]);
  });

  it.each([
    ['no-face', { faceCount: 0, yawDegrees: null }],
    ['multiple-faces', { faceCount: 2 }],
    ['head-turned', { yawDegrees: 60 }],
    ['camera-dark', { luma: 5 }],
    ['camera-lost', { isCameraAlive: false }],
  ] as const)('ignores one bad frame of %s', (_kind, bad) => {
    const { monitor, signals } = setUp();
    feed(monitor, 0, 20_000, (t) => (t === 10_000 ? bad : {}));
    expect(signals).toEqual([]);
  });

  it.each([
    ['no-face', { faceCount: 0, yawDegrees: null }, policy.noFace],
    ['multiple-faces', { faceCount: 2 }, policy.multipleFaces],
    ['head-turned', { yawDegrees: -60 }, policy.headTurned],
    ['camera-dark', { luma: 5 }, policy.cameraDark],
    ['camera-lost', { isCameraAlive: false }, policy.cameraLost],
  ] as const)('starts %s after a long run and ends it once the frames are good again', (kind, bad, rule) => {
    const { monitor, signals, summary } = setUp();
    feed(monitor, 0, 10_000, () => ({}));
    feed(monitor, 10_000, 20_000, () => bad);
    feed(monitor, 20_000, 30_000, () => ({}));
    expect(summary()).toEqual([`${kind}:start`, `${kind}:end`]);
    const [start, end] = signals;
    expect(start!.atMs).toBe(10_000);
    expect(start!.confirmedAtMs).toBeGreaterThanOrEqual(10_000 + rule.startAfterMs);
    expect(start!.confirmedAtMs).toBeLessThan(10_000 + rule.startAfterMs + step);
    expect(end!.atMs).toBe(20_000);
    expect(end!.confirmedAtMs).toBeGreaterThanOrEqual(20_000 + rule.endAfterMs);
    expect(monitor.activeViolations()).toEqual([]);
  });

  it('does not end a violation on one good frame in a bad run', () => {
    const { monitor, summary } = setUp();
    feed(monitor, 0, 30_000, (t) => (t === 15_000 ? {} : { faceCount: 0, yawDegrees: null }));
    expect(summary()).toEqual(['no-face:start']);
    expect(monitor.activeViolations()).toEqual(['no-face']);
  });

  it('keeps a head turn active between its start and release thresholds', () => {
    const { monitor, summary } = setUp();
    const { maxYawDegrees, releaseYawDegrees } = policy.headTurned;
    const between = (maxYawDegrees + releaseYawDegrees) / 2;
    feed(monitor, 0, 10_000, () => ({ yawDegrees: maxYawDegrees + 10 }));
    feed(monitor, 10_000, 20_000, () => ({ yawDegrees: between }));
    expect(summary()).toEqual(['head-turned:start']);
    feed(monitor, 20_000, 30_000, () => ({ yawDegrees: releaseYawDegrees - 5 }));
    expect(summary()).toEqual(['head-turned:start', 'head-turned:end']);
  });

  it('never starts a head turn from yaw hovering just under the limit', () => {
    const { monitor, signals } = setUp();
    feed(monitor, 0, 30_000, () => ({ yawDegrees: policy.headTurned.maxYawDegrees - 1 }));
    expect(signals).toEqual([]);
  });

  it('reports a dark camera, not a missing face, when the light goes out', () => {
    const { monitor, summary } = setUp();
    feed(monitor, 0, 20_000, () => ({ luma: 3, faceCount: 0, yawDegrees: null }));
    expect(summary()).toEqual(['camera-dark:start']);
  });

  it('reports only the lost camera while it is gone', () => {
    const { monitor, summary } = setUp();
    feed(monitor, 0, 20_000, () => ({ isCameraAlive: false, faceCount: 0, luma: 0, yawDegrees: null }));
    expect(summary()).toEqual(['camera-lost:start']);
  });

  it('catches a second person only the full-range model sees, without flapping between its samples', () => {
    const { monitor, summary } = setUp();
    feed(monitor, 0, 20_000, (_t, index) => {
      const model = modelForSample(index, policy);
      return { model, faceCount: model === 'full' ? 2 : 1 };
    });
    expect(summary()).toEqual(['multiple-faces:start']);
  });

  it('does not stretch one full-range sighting into a violation', () => {
    const { monitor, summary } = setUp();
    monitor.observe({ ...good, timestampMs: 0, model: 'full', faceCount: 2 });
    feed(monitor, step, 20_000, () => ({ model: 'short', faceCount: 1 }));
    expect(summary()).toEqual([]);
  });

  it('counts a monitor that stops receiving frames as a lost camera', () => {
    const { monitor, summary } = setUp();
    feed(monitor, 0, 5_000, () => ({}));
    for (let t = 5_000; t < 5_000 + policy.staleAfterMs + policy.cameraLost.startAfterMs + 2 * step; t += step) monitor.tick(t);
    expect(summary()).toEqual(['camera-lost:start']);
  });

  it('never reports a switched-off rule', () => {
    const off: ProctoringPolicy = { ...policy, noFace: { ...policy.noFace, isEnabled: false } };
    const { monitor, signals } = setUp(off);
    feed(monitor, 0, 20_000, () => ({ faceCount: 0, yawDegrees: null }));
    expect(signals).toEqual([]);
  });

  it('takes its thresholds from the policy passed in', () => {
    const strict: ProctoringPolicy = { ...policy, noFace: { ...policy.noFace, startAfterMs: 0 } };
    const { monitor, summary } = setUp(strict);
    monitor.observe({ ...good, timestampMs: 0, faceCount: 0 });
    expect(summary()).toEqual(['no-face:start']);
  });

  it('ends every active violation on close', () => {
    const { monitor, signals, summary } = setUp();
    feed(monitor, 0, 20_000, () => ({ faceCount: 2, yawDegrees: 80 }));
    monitor.close(20_000);
    expect(summary()).toEqual(['multiple-faces:start', 'head-turned:start', 'multiple-faces:end', 'head-turned:end']);
    expect(signals.at(-1)!.atMs).toBe(20_000);
  });
});

describe('modelForSample', () => {
  it('runs full range on every n-th sample and short range otherwise', () => {
    const models = Array.from({ length: 8 }, (_, i) => modelForSample(i, { ...policy, fullRangeEvery: 4 }));
    expect(models).toEqual(['full', 'short', 'short', 'short', 'full', 'short', 'short', 'short']);
  });

  it('never runs full range when switched off', () => {
    expect(Array.from({ length: 8 }, (_, i) => modelForSample(i, { ...policy, fullRangeEvery: 0 }))).not.toContain('full');
  });
});
