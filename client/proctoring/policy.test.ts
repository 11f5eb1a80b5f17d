import { describe, expect, it } from 'vitest';
import { ProctoringPolicy } from '../../sync/package';
import { DEFAULT_BROWSER_MONITOR_POLICY } from './browser-monitor';
import { DEFAULT_IDENTITY_PHOTO_POLICY } from './face-detector';
import { browserMonitorPolicy, faceMonitorPolicy, identityPhotoPolicy, signalOf } from './policy';

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
  zoomTolerancePercent: 12,
  identityPhoto: { minFaceWidthRatio: 0.3, minLuma: 60 },
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

  it('takes the zoom tolerance and the identity photo limits from the package', () => {
    expect(browserMonitorPolicy(packagePolicy).zoomTolerance).toBeCloseTo(0.12);
    // Limits the package leaves out keep their defaults.
    expect(identityPhotoPolicy(packagePolicy)).toEqual({ ...DEFAULT_IDENTITY_PHOTO_POLICY, minFaceWidthRatio: 0.3, minLuma: 60 });
  });

  it("defaults to the code's zoom tolerance and photo limits for a package that says nothing", () => {
    const minimal = ProctoringPolicy.parse({ isCameraRequired: true, signals: {} });
    expect(minimal.zoomTolerancePercent).toBe(5);
    expect(browserMonitorPolicy(minimal).zoomTolerance).toBeCloseTo(DEFAULT_BROWSER_MONITOR_POLICY.zoomTolerance);
    expect(minimal.identityPhoto).toEqual(DEFAULT_IDENTITY_PHOTO_POLICY);
    expect(identityPhotoPolicy(minimal)).toEqual(DEFAULT_IDENTITY_PHOTO_POLICY);
  });

  it('refuses a zoom tolerance or photo limits out of bounds', () => {
    const base = { isCameraRequired: true, signals: {} };
    expect(ProctoringPolicy.safeParse({ ...base, zoomTolerancePercent: 0 }).success).toBe(false);
    expect(ProctoringPolicy.safeParse({ ...base, zoomTolerancePercent: 80 }).success).toBe(false);
    expect(ProctoringPolicy.safeParse({ ...base, identityPhoto: { minFaceWidthRatio: 1.5 } }).success).toBe(false);
    expect(ProctoringPolicy.safeParse({ ...base, identityPhoto: { minLuma: -1 } }).success).toBe(false);
  });
});
