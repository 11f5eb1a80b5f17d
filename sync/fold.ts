/**
 * The fold: the one deterministic function that turns an attempt's events into its state.
 * The candidate PC, the venue and the hub run this same code over the same events, so a
 * score that differs between tiers proves an event is missing or altered.
 *
 * Determinism: duplicates of an (deviceId, epoch, seq) collapse to one; each device chain is
 * taken in seq order; chains are merged by (at, deviceId, epoch, seq) of their next event.
 * So the order in which events were delivered never changes the result.
 */
import type { AnswerValue, ChainedEvent, EventBody, ViolationKind } from './events';

/** Who may author what: the venue server is the clock authority; markers author open-response marks. */
export interface FoldContext {
  attemptId: string;
  /** Devices whose `timer.*` and `attempt.closed` events count (the venue servers). */
  venueDeviceIds: readonly string[];
  /** Devices whose `mark.open-response` events count, besides the venue devices (e.g. the hub's commission). */
  markerDeviceIds?: readonly string[];
  /**
   * Devices whose `proctor.*` decisions count (proctor tablets), besides the venue devices.
   * When given, a proctor event from any other device (e.g. a candidate PC) is ignored, so a
   * candidate cannot dismiss their own violation. When omitted, every device is trusted.
   */
  proctorDeviceIds?: readonly string[];
}

/** Attempt lifecycle as the fold derives it. */
export type AttemptStatus = 'not-started' | 'authorised' | 'in-progress' | 'paused' | 'finished' | 'removed';

/** The venue's timer. `deadline` = startedAt + durationMs + extensionsMs + pausedMs; while paused it moves on by now − pausedSince. */
export interface AttemptTimer {
  startedAt: number | null;
  durationMs: number;
  extensionsMs: number;
  pausedMs: number;
  pausedSince: number | null;
  deadline: number | null;
}

/** The current answer to one item, with where it came from. `isLate` when written after the deadline. */
export interface HeldAnswer {
  value: AnswerValue;
  at: number;
  deviceId: string;
  seq: number;
  isLate: boolean;
}

/** One violation, from its start to its end (or still open). */
export interface AttemptViolation {
  deviceId: string;
  violationId: string;
  kind: ViolationKind;
  detail?: string;
  hasEvidence: boolean;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  review: 'confirmed' | 'dismissed' | null;
}

/** A technical or content appeal filed by the candidate. */
export interface AttemptAppeal {
  appealId: string;
  kind: 'technical' | 'content';
  itemIds: string[];
  /** Technical reason or content ground. */
  ground: string;
  text?: string;
  at: number;
  isAcknowledged: boolean;
}

/** A mark given to an open-response item. */
export interface OpenMark {
  points: number;
  markerId: string;
  at: number;
}

/** Everything the fold derives about one attempt. */
export interface AttemptState {
  attemptId: string;
  status: AttemptStatus;
  candidateId: string | null;
  sessionId: string | null;
  seatId: string | null;
  language: 'kk' | 'ru' | null;
  startedAt: number | null;
  finishedAt: number | null;
  finishReason: 'candidate' | 'time-up' | 'removed' | null;
  removal: { actId: string; actType: string; at: number } | null;
  timer: AttemptTimer;
  answers: Record<string, HeldAnswer>;
  flaggedItemIds: string[];
  views: Record<string, number>;
  audioPlays: Record<string, number>;
  violations: AttemptViolation[];
  appeals: AttemptAppeal[];
  marks: Record<string, OpenMark>;
  /** Events of the attempt (not the venue's own) written after the deadline: kept, counted, never dropped. */
  lateEventCount: number;
  /** Distinct events folded. */
  eventCount: number;
}

const chainKey = (event: { deviceId: string; epoch: number }): string => `${event.deviceId}\u0000${event.epoch}`;

function compareHeads(a: EventBody, b: EventBody): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  return a.seq - b.seq;
}

/**
 * Merges events of many device chains into the fold's order: duplicates removed, each
 * (deviceId, epoch) in seq order, chains interleaved by (at, deviceId, epoch, seq) of their next event.
 */
export function mergeEvents<T extends EventBody>(events: readonly T[]): T[] {
  const chains = new Map<string, Map<number, T>>();
  for (const event of events) {
    const key = chainKey(event);
    let chain = chains.get(key);
    if (!chain) chains.set(key, (chain = new Map()));
    if (!chain.has(event.seq)) chain.set(event.seq, event);
  }
  const queues = [...chains.values()].map((chain) => [...chain.values()].sort((a, b) => a.seq - b.seq));
  const heads = queues.map(() => 0);
  const merged: T[] = [];
  for (;;) {
    let best = -1;
    for (let q = 0; q < queues.length; q++) {
      const head = queues[q]![heads[q]!];
      if (head && (best < 0 || compareHeads(head, queues[best]![heads[best]!]!) < 0)) best = q;
    }
    if (best < 0) return merged;
    merged.push(queues[best]![heads[best]!]!);
    heads[best]!++;
  }
}

function emptyState(attemptId: string): AttemptState {
  return {
    attemptId,
    status: 'not-started',
    candidateId: null,
    sessionId: null,
    seatId: null,
    language: null,
    startedAt: null,
    finishedAt: null,
    finishReason: null,
    removal: null,
    timer: { startedAt: null, durationMs: 0, extensionsMs: 0, pausedMs: 0, pausedSince: null, deadline: null },
    answers: {},
    flaggedItemIds: [],
    views: {},
    audioPlays: {},
    violations: [],
    appeals: [],
    marks: {},
    lateEventCount: 0,
    eventCount: 0,
  };
}

const isClosed = (status: AttemptStatus): boolean => status === 'finished' || status === 'removed';

/** Applies a venue-authored timer or close event. */
function applyVenueEvent(state: AttemptState, event: EventBody): void {
  const timer = state.timer;
  switch (event.type) {
    case 'timer.started':
      if (timer.startedAt !== null) return; // the first start is the start
      timer.startedAt = event.at;
      timer.durationMs = event.data.durationMs;
      if (state.status === 'not-started' || state.status === 'authorised') state.status = 'in-progress';
      return;
    case 'timer.paused':
      if (timer.pausedSince !== null || timer.startedAt === null) return;
      timer.pausedSince = event.at;
      if (state.status === 'in-progress') state.status = 'paused';
      return;
    case 'timer.resumed':
      if (timer.pausedSince === null) return;
      timer.pausedMs += Math.max(0, event.at - timer.pausedSince);
      timer.pausedSince = null;
      if (state.status === 'paused') state.status = 'in-progress';
      return;
    case 'timer.extended':
      timer.extensionsMs += event.data.extraMs;
      return;
    case 'attempt.closed':
      if (event.data.reason === 'removed') {
        state.status = 'removed';
      } else if (state.status !== 'removed') {
        state.status = 'finished';
      }
      state.finishedAt ??= event.at;
      state.finishReason ??= event.data.reason === 'finished' ? 'candidate' : event.data.reason;
      return;
    default:
      return;
  }
}

function applyAttemptEvent(state: AttemptState, event: EventBody, violations: Map<string, AttemptViolation>, appeals: Map<string, AttemptAppeal>, flagged: Set<string>): void {
  switch (event.type) {
    case 'proctor.authorise':
      if (state.status === 'not-started') state.status = 'authorised';
      return;
    case 'attempt.started':
      state.startedAt ??= event.at;
      state.candidateId = event.data.candidateId;
      state.sessionId = event.data.sessionId;
      state.seatId = event.data.seatId ?? state.seatId;
      state.language = event.data.language;
      if (state.status === 'not-started' || state.status === 'authorised') state.status = 'in-progress';
      return;
    case 'answer.set':
      state.answers[event.data.itemId] = { value: event.data.value, at: event.at, deviceId: event.deviceId, seq: event.seq, isLate: false };
      return;
    case 'answer.cleared':
      delete state.answers[event.data.itemId];
      return;
    case 'item.flagged':
      if (event.data.isFlagged) flagged.add(event.data.itemId);
      else flagged.delete(event.data.itemId);
      return;
    case 'item.viewed':
      state.views[event.data.itemId] = (state.views[event.data.itemId] ?? 0) + 1;
      return;
    case 'audio.played':
      state.audioPlays[event.data.itemId] = (state.audioPlays[event.data.itemId] ?? 0) + 1;
      return;
    case 'violation.started': {
      const key = `${event.deviceId}\u0000${event.data.violationId}`;
      if (violations.has(key)) return;
      violations.set(key, {
        deviceId: event.deviceId,
        violationId: event.data.violationId,
        kind: event.data.kind,
        ...(event.data.detail === undefined ? {} : { detail: event.data.detail }),
        hasEvidence: event.data.evidence !== undefined,
        startedAt: event.at,
        endedAt: null,
        durationMs: null,
        review: null,
      });
      return;
    }
    case 'violation.ended': {
      const violation = violations.get(`${event.deviceId}\u0000${event.data.violationId}`);
      if (!violation || violation.endedAt !== null) return;
      violation.endedAt = event.at;
      violation.durationMs = Math.max(0, event.at - violation.startedAt);
      return;
    }
    case 'proctor.violation-reviewed': {
      const violation = violations.get(`${event.data.violationDeviceId}\u0000${event.data.violationId}`);
      if (violation) violation.review = event.data.decision;
      return;
    }
    case 'appeal.technical':
      if (!appeals.has(event.data.appealId)) {
        appeals.set(event.data.appealId, { appealId: event.data.appealId, kind: 'technical', itemIds: [event.data.itemId], ground: event.data.reason, ...(event.data.text === undefined ? {} : { text: event.data.text }), at: event.at, isAcknowledged: false });
      }
      return;
    case 'appeal.content':
      if (!appeals.has(event.data.appealId)) {
        appeals.set(event.data.appealId, { appealId: event.data.appealId, kind: 'content', itemIds: [...event.data.itemIds], ground: event.data.ground, text: event.data.justification, at: event.at, isAcknowledged: false });
      }
      return;
    case 'attempt.finished':
      if (!isClosed(state.status)) state.status = 'finished';
      state.finishedAt ??= event.at;
      state.finishReason ??= event.data.reason;
      return;
    case 'proctor.remove':
      state.status = 'removed';
      state.removal ??= { actId: event.data.actId, actType: event.data.actType, at: event.at };
      state.finishedAt ??= event.at;
      state.finishReason = 'removed';
      return;
    default:
      return;
  }
}

/**
 * Folds an attempt's events (any delivery order, duplicates allowed, other attempts' events
 * ignored) into its state. Only venue devices move the timer or close the attempt; only
 * venue and marker devices give marks. Events after the deadline are applied and counted as late.
 */
export function foldAttempt(events: readonly (EventBody | ChainedEvent)[], context: FoldContext): AttemptState {
  const state = emptyState(context.attemptId);
  const venues = new Set(context.venueDeviceIds);
  const markers = new Set([...context.venueDeviceIds, ...(context.markerDeviceIds ?? [])]);
  const proctors = context.proctorDeviceIds ? new Set([...context.venueDeviceIds, ...context.proctorDeviceIds]) : null;
  const isTrusted = (event: EventBody): boolean => !proctors || !event.type.startsWith('proctor.') || proctors.has(event.deviceId);
  const violations = new Map<string, AttemptViolation>();
  const appeals = new Map<string, AttemptAppeal>();
  const flagged = new Set<string>();
  const relevant = events.filter(
    (event) => (event.attemptId === context.attemptId || event.type === 'proctor.appeal-acknowledged') && isTrusted(event),
  );
  const merged = mergeEvents(relevant);
  const candidateEvents: EventBody[] = [];
  for (const event of merged) {
    if (event.type === 'proctor.appeal-acknowledged') {
      const appeal = appeals.get(event.data.appealId);
      if (appeal) {
        appeal.isAcknowledged = true;
        state.eventCount++;
      }
      continue;
    }
    state.eventCount++;
    if (event.type.startsWith('timer.') || event.type === 'attempt.closed') {
      if (venues.has(event.deviceId)) applyVenueEvent(state, event);
      continue;
    }
    if (event.type === 'mark.open-response') {
      if (markers.has(event.deviceId)) state.marks[event.data.itemId] = { points: event.data.points, markerId: event.data.markerId, at: event.at };
      continue;
    }
    if (!venues.has(event.deviceId)) candidateEvents.push(event);
    applyAttemptEvent(state, event, violations, appeals, flagged);
  }
  const timer = state.timer;
  timer.deadline = timer.startedAt === null ? null : timer.startedAt + timer.durationMs + timer.extensionsMs + timer.pausedMs;
  const isLate = (at: number): boolean => {
    if (timer.deadline === null) return false;
    // Nothing written during a pause that is still open can be late: the deadline is moving.
    const openPause = timer.pausedSince === null ? 0 : Math.max(0, at - timer.pausedSince);
    return at > timer.deadline + openPause;
  };
  state.lateEventCount = candidateEvents.filter((event) => isLate(event.at)).length;
  for (const answer of Object.values(state.answers)) answer.isLate = isLate(answer.at);
  state.flaggedItemIds = [...flagged].sort();
  state.violations = [...violations.values()];
  state.appeals = [...appeals.values()];
  return state;
}

/** The deadline as of `now`: an open pause pushes it back by its length so far. `null` before the timer starts. */
export function deadlineAt(timer: AttemptTimer, now: number): number | null {
  if (timer.deadline === null) return null;
  return timer.deadline + (timer.pausedSince === null ? 0 : Math.max(0, now - timer.pausedSince));
}

/** Milliseconds left at `now` (never negative; frozen while paused); `null` before the timer starts. */
export function remainingMs(timer: AttemptTimer, now: number): number | null {
  if (timer.deadline === null) return null;
  return Math.max(0, timer.deadline - (timer.pausedSince ?? now));
}
