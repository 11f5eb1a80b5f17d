/**
 * Turns per-frame face observations into violation start and end signals.
 *
 * Pure and clock-free: the caller passes timestamps, so tests replay any
 * sequence. Every condition has hysteresis twice over: it must hold for
 * `startAfterMs` before a violation starts (one bad frame is never a
 * violation) and be gone for `endAfterMs` before it ends; head turn and
 * darkness also release at a gentler threshold than they trigger at, so a
 * value hovering at the limit does not flap.
 *
 * Sampling: short range at `sampleIntervalMs`, and every `fullRangeEvery`-th
 * sample full range, which also sees a person further back. A full-range count
 * is held for `fullRangeHoldMs`, so the short-range samples in between do not
 * clear what only the full-range model can see.
 */
import { DEFAULT_IDENTITY_PHOTO_POLICY, type FaceModel, type IdentityPhotoPolicy } from './face-detector';

export type FaceViolationKind = 'no-face' | 'multiple-faces' | 'head-turned' | 'camera-dark' | 'camera-lost';

export interface HysteresisRule {
  isEnabled: boolean;
  /** How long the condition must hold before the violation starts. */
  startAfterMs: number;
  /** How long the condition must be gone before the violation ends. */
  endAfterMs: number;
}

export interface ProctoringPolicy {
  /** Time between camera samples (the detection rate). */
  sampleIntervalMs: number;
  /**
   * Width a camera frame is scaled to (keeping its aspect ratio) before
   * detection. The models see at most 192×192 pixels, so 320 loses nothing
   * and costs far less than a full frame. Pass it to the face workers.
   */
  analysisWidth: number;
  /** Every n-th sample runs the full-range model; 0 never does. */
  fullRangeEvery: number;
  /** How long a full-range face count stays valid for the samples in between. */
  fullRangeHoldMs: number;
  /** With no observation for this long, the camera counts as lost (a stalled monitor is visible). */
  staleAfterMs: number;
  noFace: HysteresisRule;
  multipleFaces: HysteresisRule;
  headTurned: HysteresisRule & { maxYawDegrees: number; releaseYawDegrees: number };
  cameraDark: HysteresisRule & { maxLuma: number; releaseLuma: number };
  cameraLost: HysteresisRule;
  identityPhoto: IdentityPhotoPolicy;
}

export const DEFAULT_PROCTORING_POLICY: ProctoringPolicy = {
  sampleIntervalMs: 500,
  analysisWidth: 320,
  fullRangeEvery: 4,
  fullRangeHoldMs: 3000,
  staleAfterMs: 4000,
  noFace: { isEnabled: true, startAfterMs: 3000, endAfterMs: 1000 },
  multipleFaces: { isEnabled: true, startAfterMs: 1500, endAfterMs: 2000 },
  headTurned: { isEnabled: true, startAfterMs: 3000, endAfterMs: 1000, maxYawDegrees: 35, releaseYawDegrees: 25 },
  cameraDark: { isEnabled: true, startAfterMs: 2000, endAfterMs: 1000, maxLuma: 30, releaseLuma: 40 },
  cameraLost: { isEnabled: true, startAfterMs: 1000, endAfterMs: 500 },
  identityPhoto: DEFAULT_IDENTITY_PHOTO_POLICY,
};

/** Which model the sample with this index (0, 1, 2…) should run. */
export function modelForSample(sampleIndex: number, policy: ProctoringPolicy): FaceModel {
  return policy.fullRangeEvery > 0 && sampleIndex % policy.fullRangeEvery === 0 ? 'full' : 'short';
}

export interface FaceObservation {
  timestampMs: number;
  faceCount: number;
  /** Yaw of the main face in degrees (see estimateYaw), null if none or not measurable. */
  yawDegrees: number | null;
  /** Mean luma of the frame, 0..255. */
  luma: number;
  isCameraAlive: boolean;
  /** Model that produced `faceCount`; short range when omitted. */
  model?: FaceModel;
}

export interface FaceViolationSignal {
  kind: FaceViolationKind;
  phase: 'start' | 'end';
  /** When the condition began (start) or cleared (end), not when it was confirmed. */
  atMs: number;
  confirmedAtMs: number;
}

export interface FaceMonitor {
  observe(observation: FaceObservation): void;
  /** Call between samples: notices a monitor that has stopped receiving frames. */
  tick(nowMs: number): void;
  /** Ends every active violation, e.g. when the attempt finishes. */
  close(nowMs: number): void;
  activeViolations(): FaceViolationKind[];
}

interface Track {
  isActive: boolean;
  /** When the condition started to disagree with `isActive`; null while they agree. */
  changingSince: number | null;
}

const KINDS: FaceViolationKind[] = ['camera-lost', 'camera-dark', 'no-face', 'multiple-faces', 'head-turned'];

/** Creates a monitor that calls `emit` for every violation start and end. */
export function createFaceMonitor(policy: ProctoringPolicy, emit: (signal: FaceViolationSignal) => void): FaceMonitor {
  const tracks = new Map<FaceViolationKind, Track>(KINDS.map((kind) => [kind, { isActive: false, changingSince: null }]));
  const rules: Record<FaceViolationKind, HysteresisRule> = {
    'no-face': policy.noFace,
    'multiple-faces': policy.multipleFaces,
    'head-turned': policy.headTurned,
    'camera-dark': policy.cameraDark,
    'camera-lost': policy.cameraLost,
  };
  let lastFull: { count: number; atMs: number } | null = null;
  let lastObservationAt: number | null = null;

  function track(kind: FaceViolationKind): Track {
    return tracks.get(kind)!;
  }

  /**
   * Feeds the current truth of a condition; null means "cannot tell now", which
   * changes nothing. `evidenceAtMs` is when that truth was last actually seen:
   * earlier than now for a held full-range count, so that holding a single
   * sighting can never stretch it into a violation.
   */
  function update(kind: FaceViolationKind, isConditionTrue: boolean | null, nowMs: number, evidenceAtMs = nowMs): void {
    const rule = rules[kind];
    const state = track(kind);
    if (!rule.isEnabled || isConditionTrue === null) return;
    if (isConditionTrue === state.isActive) {
      state.changingSince = null;
      return;
    }
    state.changingSince ??= evidenceAtMs;
    const needed = state.isActive ? rule.endAfterMs : rule.startAfterMs;
    if (evidenceAtMs - state.changingSince >= needed) flip(kind, state.changingSince, nowMs);
  }

  function flip(kind: FaceViolationKind, atMs: number, confirmedAtMs: number): void {
    const state = track(kind);
    state.isActive = !state.isActive;
    state.changingSince = null;
    emit({ kind, phase: state.isActive ? 'start' : 'end', atMs, confirmedAtMs });
  }

  /** The face count to judge by, and when it was seen: a recent full-range count outweighs a lower short-range one. */
  function effectiveFaceCount(observation: FaceObservation): { count: number; seenAtMs: number } {
    const now = observation.timestampMs;
    if (observation.model === 'full') {
      lastFull = { count: observation.faceCount, atMs: now };
      return { count: observation.faceCount, seenAtMs: now };
    }
    if (lastFull !== null && now - lastFull.atMs <= policy.fullRangeHoldMs && lastFull.count > observation.faceCount) {
      return { count: lastFull.count, seenAtMs: lastFull.atMs };
    }
    return { count: observation.faceCount, seenAtMs: now };
  }

  return {
    observe(observation) {
      const now = observation.timestampMs;
      lastObservationAt = now;
      update('camera-lost', !observation.isCameraAlive, now);
      if (!observation.isCameraAlive) return; // a dead camera says nothing about faces or light

      const darkLimit = track('camera-dark').isActive ? policy.cameraDark.releaseLuma : policy.cameraDark.maxLuma;
      const isDark = observation.luma < darkLimit;
      update('camera-dark', isDark, now);

      const faces = effectiveFaceCount(observation);
      // In the dark, a missing face proves nothing: hold no-face and head-turned as they are.
      update('no-face', isDark ? null : faces.count === 0, now, faces.seenAtMs);
      update('multiple-faces', faces.count > 1, now, faces.seenAtMs);
      const yawLimit = track('head-turned').isActive ? policy.headTurned.releaseYawDegrees : policy.headTurned.maxYawDegrees;
      const yaw = observation.faceCount > 0 && !isDark ? observation.yawDegrees : null;
      update('head-turned', yaw === null ? null : Math.abs(yaw) > yawLimit, now);
    },
    tick(nowMs) {
      if (lastObservationAt === null) lastObservationAt = nowMs;
      if (nowMs - lastObservationAt >= policy.staleAfterMs) update('camera-lost', true, nowMs);
    },
    close(nowMs) {
      for (const kind of KINDS) if (track(kind).isActive) flip(kind, nowMs, nowMs);
    },
    activeViolations() {
      return KINDS.filter((kind) => track(kind).isActive);
    },
  };
}
