import { describe, expect, it } from 'vitest';
import { ProctoringPolicy } from '../../sync/package';
import { browserMonitorPolicy, faceMonitorPolicy, signalOf } from './policy';

const packagePolicy = ProctoringPolicy.parse({
  isCameraRequired: true,
  signals: {
    'no-face': { isEnabled: true, thresholdMs: 4200 },
    'multiple-faces': { isEnabled: false, thresholdMs: 900 },
    'camera-dark': { isEnabled: true, thresholdMs: 2500 },
    'fullscreen-left': { isEnabled: false },
  },
  sampleIntervalMs: 700,
  fullRangeEvery: 6,
  headTurnedYawDegrees: 40,
  darkLumaBelow: 33,
});

describe('proctoring policy from the package', () => {
  it('takes thresholds and switches from the package', () => {
    const face = faceMonitorPolicy(packagePolicy);
    expect(face.noFace).toMatchObject({ isEnabled: true, startAfterMs: 4200 });
    expect(face.multipleFaces).toMatchObject({ isEnabled: false, startAfterMs: 900 });
    expect(face.cameraDark).toMatchObject({ isEnabled: true, startAfterMs: 2500, maxLuma: 33 });
    expect(face.cameraDark.releaseLuma).toBeGreaterThan(33);
    expect(face.headTurned.maxYawDegrees).toBe(40);
    expect(face.headTurned.releaseYawDegrees).toBeLessThan(40);
    expect(face.sampleIntervalMs).toBe(700);
    expect(face.fullRangeEvery).toBe(6);
    // A full-range count lasts until the next full-range sample.
    expect(face.fullRangeHoldMs).toBeGreaterThanOrEqual(700 * 6);
  });

  it('treats a signal the package does not list as off', () => {
    expect(signalOf(packagePolicy, 'hotkey')).toEqual({ isEnabled: false, thresholdMs: 0 });
    const face = faceMonitorPolicy(packagePolicy);
    expect(face.headTurned.isEnabled).toBe(false);
    expect(face.cameraLost.isEnabled).toBe(false);
    expect(browserMonitorPolicy(packagePolicy).isFullscreenRequired).toBe(false);
  });
});
