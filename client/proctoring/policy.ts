/**
 * Maps the exam package's proctoring policy (sync/package.ts) onto the face and
 * browser monitors' own policies. Every switch and threshold comes from the
 * package; a signal the package does not list is off. What the package does not
 * say (how long a condition must be gone before a violation ends, the hysteresis
 * band of yaw and luma) keeps the monitor's defaults.
 */
import type { ViolationKind } from '../../sync/events';
import type { ProctoringPolicy as PackageProctoringPolicy } from '../../sync/package';
import { DEFAULT_BROWSER_MONITOR_POLICY, type BrowserMonitorPolicy } from './browser-monitor';
import { DEFAULT_IDENTITY_PHOTO_POLICY, type IdentityPhotoPolicy } from './face-detector';
import { DEFAULT_PROCTORING_POLICY, type HysteresisRule, type ProctoringPolicy } from './face-monitor';

/** Below the trigger, a turned head must come back by this much before the violation ends. */
const YAW_RELEASE_MARGIN_DEGREES = 10;
/** Above the trigger, a dark frame must brighten by this much before the violation ends. */
const LUMA_RELEASE_MARGIN = 10;

/** Whether the package switches a signal on, and after how long it counts. */
export function signalOf(policy: PackageProctoringPolicy, kind: ViolationKind): { isEnabled: boolean; thresholdMs: number } {
  const signal = policy.signals[kind];
  return { isEnabled: signal?.isEnabled ?? false, thresholdMs: signal?.thresholdMs ?? 0 };
}

function rule(policy: PackageProctoringPolicy, kind: ViolationKind, fallback: HysteresisRule): HysteresisRule {
  const signal = signalOf(policy, kind);
  return { isEnabled: signal.isEnabled, startAfterMs: signal.thresholdMs, endAfterMs: fallback.endAfterMs };
}

/** The face monitor's policy for a package. */
export function faceMonitorPolicy(policy: PackageProctoringPolicy): ProctoringPolicy {
  const base = DEFAULT_PROCTORING_POLICY;
  const maxYaw = policy.headTurnedYawDegrees;
  return {
    ...base,
    sampleIntervalMs: policy.sampleIntervalMs,
    fullRangeEvery: policy.fullRangeEvery,
    // A full-range count must outlive the short-range samples until the next full-range one.
    fullRangeHoldMs: Math.max(base.fullRangeHoldMs, policy.sampleIntervalMs * (policy.fullRangeEvery + 1)),
    // A monitor that delivered nothing for several samples is stalled.
    staleAfterMs: Math.max(base.staleAfterMs, policy.sampleIntervalMs * 4),
    noFace: rule(policy, 'no-face', base.noFace),
    multipleFaces: rule(policy, 'multiple-faces', base.multipleFaces),
    headTurned: { ...rule(policy, 'head-turned', base.headTurned), maxYawDegrees: maxYaw, releaseYawDegrees: Math.max(0, maxYaw - YAW_RELEASE_MARGIN_DEGREES) },
    cameraDark: { ...rule(policy, 'camera-dark', base.cameraDark), maxLuma: policy.darkLumaBelow, releaseLuma: policy.darkLumaBelow + LUMA_RELEASE_MARGIN },
    cameraLost: rule(policy, 'camera-lost', base.cameraLost),
  };
}

/** The browser monitor's policy for a package. */
export function browserMonitorPolicy(policy: PackageProctoringPolicy): BrowserMonitorPolicy {
  // A parsed package always has the field; the fallback serves an unparsed literal.
  const zoomTolerance = policy.zoomTolerancePercent === undefined ? DEFAULT_BROWSER_MONITOR_POLICY.zoomTolerance : policy.zoomTolerancePercent / 100;
  return { isFullscreenRequired: signalOf(policy, 'fullscreen-left').isEnabled, isBlocking: true, zoomTolerance };
}

/** The identity photo's limits for a package (the defaults before its key is released). */
export function identityPhotoPolicy(policy: PackageProctoringPolicy): IdentityPhotoPolicy {
  return { ...DEFAULT_IDENTITY_PHOTO_POLICY, ...policy.identityPhoto };
}
