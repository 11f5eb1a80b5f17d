import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFaceSampling, type FaceWorkerClient } from './face-detector';

/** A camera that is not live: every sample is observed at once, with no worker. */
function samplingAt(times: number[], lastInputAt: () => number | null) {
  (globalThis as { MediaStream?: unknown }).MediaStream ??= class {};
  const video = { srcObject: null, readyState: 0 } as unknown as HTMLVideoElement;
  return startFaceSampling({
    video,
    workers: {} as FaceWorkerClient,
    monitor: { observe: (observation) => times.push(observation.timestampMs), tick: () => undefined },
    policy: { sampleIntervalMs: 500, analysisWidth: 320 },
    modelForSample: () => 'short',
    now: () => Date.now(),
    lastInputAt,
    inputQuietMs: 30,
  });
}

describe('startFaceSampling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('samples at the policy\'s interval while the candidate does nothing', async () => {
    const times: number[] = [];
    const sampling = samplingAt(times, () => null);
    await vi.advanceTimersByTimeAsync(2100);
    await sampling.stop();
    expect(times).toEqual([0, 500, 1000, 1500, 2000]);
  });

  it('lets a sample due just after a click wait until the click\'s save has had its time', async () => {
    const times: number[] = [];
    let input: number | null = null;
    const sampling = samplingAt(times, () => input);
    await vi.advanceTimersByTimeAsync(450);
    input = 490; // a click 10 ms before the next sample
    await vi.advanceTimersByTimeAsync(700);
    await sampling.stop();
    expect(times).toEqual([0, 520, 1020]);
  });

  it('puts a sample off by the quiet time at most, however fast the candidate types', async () => {
    const times: number[] = [];
    const sampling = samplingAt(times, () => Date.now());
    await vi.advanceTimersByTimeAsync(2100);
    await sampling.stop();
    expect(times).toEqual([30, 560, 1090, 1620]);
  });
});
