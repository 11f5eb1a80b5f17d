/**
 * Attempts as the hub sees them: each one folded with the shared fold over the events
 * the hub holds, scored with the shared scoring (with the appeals commission's overrides),
 * and judged for completeness against the device chains it came from:
 * - complete: the venue closed it, and every device chain that wrote to it verifies
 *   (hash by hash, from genesis) up to that attempt's last seq on the device;
 * - incomplete: not closed yet, or a chain is held only part of the way (the last seq
 *   received is reported per device);
 * - conflict: the venue reported a conflicting or broken chain for one of its devices,
 *   a stored chain fails to verify, or two candidates claim the same attempt.
 */
import type { ChainedEvent, EventBody } from '../../sync/events';
import { foldAttempt, type AttemptState } from '../../sync/fold';
import { isRefusedByClosure, roomClosureOf, type RoomClosure } from '../../sync/room-closure';
import type { AnswerKey, ExamPackage } from '../../sync/package';
import { scoreAttempt, type AttemptScore, type ScoringOverrides } from '../../sync/scoring';
import type { StoredEvent } from '../db/central';
import type { CompletenessCause } from '../../sync/views/central';

export type Completeness = 'complete' | 'incomplete' | 'conflict';

export interface AttemptDevice {
  deviceId: string;
  epoch: number;
  /** The attempt's last seq on this chain, as received. */
  lastSeq: number;
  /** How far the hub verified this chain from genesis. */
  verifiedUpTo: number;
}

export type { CompletenessCause };

export interface AttemptRecord {
  attemptId: string;
  candidateId: string | null;
  /** Every candidate id any `attempt.started` of this attempt named (more than one is a conflict). */
  claimedBy: string[];
  state: AttemptState;
  completeness: Completeness;
  /** Why it is not complete, in words (English). */
  completenessNote: string | null;
  /** Why it is not complete, as a code with its figures. */
  completenessCause: CompletenessCause | null;
  devices: AttemptDevice[];
  isClosedByVenue: boolean;
  score: AttemptScore;
  /** The total over what the venue held when it closed the attempt (its analysis card), or null before close. */
  venueTotal: number | null;
  /** The hub's total over everything it holds, before any appeals decision: what the venue's total must equal. */
  rawTotal: number;
  /** Late answers are scored as unanswered (a reconciliation decision). */
  isLateIgnored: boolean;
  /** Annulled or set aside by a staff decision. */
  isAnnulledByDecision: boolean;
}

/** Re-scores an attempt under other appeals overrides, keeping its reconciliation decisions. */
export function rescore(attempt: AttemptRecord, examPackage: ExamPackage, answerKey: AnswerKey, overrides: ScoringOverrides): AttemptScore {
  const score = scoreAttempt(attempt.state, examPackage, answerKey, { ...overrides, isLateAnswerIgnored: attempt.isLateIgnored });
  return attempt.isAnnulledByDecision ? { ...score, isPassed: false, isAnnulled: true } : score;
}

/** The venue server's own device id in its log (the clock authority). */
export const venueDeviceIdOf = (venueId: string): string => `venue-${venueId}`;

export const chainKeyOf = (deviceId: string, epoch: number): string => `${deviceId}\u0000${epoch}`;

/**
 * Devices whose proctor decisions count: tablets, i.e. devices that wrote proctor events
 * but never wrote into an attempt as a candidate. A candidate PC's "proctor" event is ignored.
 */
export function proctorDevicesOf(events: readonly StoredEvent[], venueDeviceId: string): string[] {
  const candidateDevices = new Set<string>();
  const proctorDevices = new Set<string>();
  for (const { event } of events) {
    if (event.deviceId === venueDeviceId) continue;
    if (event.type.startsWith('proctor.')) proctorDevices.add(event.deviceId);
    else if (event.attemptId) candidateDevices.add(event.deviceId);
  }
  return [...proctorDevices].filter((deviceId) => !candidateDevices.has(deviceId));
}

export interface AttemptInputs {
  venueId: string;
  examPackage: ExamPackage;
  answerKey: AnswerKey;
  /** All events of the session's attempts, in venue-log order. */
  events: readonly StoredEvent[];
  /** Per chain (chainKeyOf), how far it verifies from genesis; and whether it failed by a bad hash. */
  chains: ReadonlyMap<string, { verifiedUpTo: number; isBroken: boolean }>;
  /** Devices the venue's alarms name as conflicting. */
  conflictedDevices: ReadonlySet<string>;
  overrides: ScoringOverrides;
  /** Per attempt: score late answers as unanswered (a reconciliation decision). */
  lateIgnored: ReadonlySet<string>;
  /** Per attempt: annulled by a reviewer's decision. */
  annulled: ReadonlySet<string>;
  /**
   * The session and, per candidate, the room the roster seats them in: a proctor decision
   * on their attempt received after that room's `proctor.room-closed` is not applied, as at
   * the venue.
   */
  rooms?: { sessionId: string; roomOfCandidate: ReadonlyMap<string, string> };
}

function scoreOf(state: AttemptState, inputs: AttemptInputs, overrides: ScoringOverrides): AttemptScore {
  const score = scoreAttempt(state, inputs.examPackage, inputs.answerKey, overrides);
  if (!inputs.annulled.has(state.attemptId)) return score;
  return { ...score, isPassed: false, isAnnulled: true };
}

/** The English wording of a completeness cause (kept for logs, the API's readers and the publication blockers). */
export function completenessNoteOf(cause: CompletenessCause): string {
  switch (cause.code) {
    case 'two-claimants': return `two candidates claim this attempt: ${cause.candidateIds.join(', ')}`;
    case 'chain-broken': return `the chain of ${cause.deviceId} does not verify after seq ${cause.verifiedUpTo}`;
    case 'venue-conflict': return `the venue reported a conflicting chain for ${cause.deviceId}`;
    case 'not-closed': return `not closed by the venue; last seq received: ${cause.devices.map((d) => `${d.deviceId} ${d.lastSeq}`).join(', ')}`;
    case 'chain-short': return `chain held without gaps only up to ${cause.devices.map((d) => `${d.deviceId} seq ${d.verifiedUpTo} of ${d.lastSeq}`).join(', ')}`;
  }
}

/** Each room's closure (sync/room-closure.ts) among the events, looked up once per room. */
function roomClosures(events: readonly StoredEvent[], trustedTablets: ReadonlySet<string>): (sessionId: string, roomId: string) => RoomClosure {
  const closings = events.filter((s) => s.event.type === 'proctor.room-closed').map((s) => ({ venueSeq: s.venueSeq, deviceId: s.event.deviceId, body: s.event }));
  const found = new Map<string, RoomClosure>();
  return (sessionId, roomId) => {
    const key = `${sessionId}\u0000${roomId}`;
    if (!found.has(key)) found.set(key, roomClosureOf(closings, sessionId, roomId, trustedTablets));
    return found.get(key)!;
  };
}

/** Folds, scores and judges every attempt found in the events. */
export function buildAttempts(inputs: AttemptInputs): AttemptRecord[] {
  const venueDeviceId = venueDeviceIdOf(inputs.venueId);
  const proctorDeviceIds = proctorDevicesOf(inputs.events, venueDeviceId);
  const byAttempt = new Map<string, StoredEvent[]>();
  const acknowledgements: StoredEvent[] = [];
  for (const stored of inputs.events) {
    if (stored.event.type === 'proctor.appeal-acknowledged') acknowledgements.push(stored);
    const attemptId = stored.event.attemptId;
    if (!attemptId) continue;
    let list = byAttempt.get(attemptId);
    if (!list) byAttempt.set(attemptId, (list = []));
    list.push(stored);
  }
  const context = (attemptId: string) => ({ attemptId, venueDeviceIds: [venueDeviceId], proctorDeviceIds });
  const closureOfRoom = roomClosures(inputs.events, new Set(proctorDeviceIds));
  return [...byAttempt.entries()].map(([attemptId, stored]) => {
    const claimedBy = [...new Set(stored.filter((s) => s.event.type === 'attempt.started').map((s) => (s.event as Extract<EventBody, { type: 'attempt.started' }>).data.candidateId))];
    const roomId = claimedBy.length === 1 ? inputs.rooms?.roomOfCandidate.get(claimedBy[0]!) : undefined;
    const closure = roomId && inputs.rooms ? closureOfRoom(inputs.rooms.sessionId, roomId) : null;
    const all: ChainedEvent[] = [...stored, ...acknowledgements].filter((s) => !isRefusedByClosure({ venueSeq: s.venueSeq, body: s.event }, closure)).map((s) => s.event);
    const state = foldAttempt(all, context(attemptId));
    const lastSeqs = new Map<string, AttemptDevice>();
    for (const { event } of stored) {
      const key = chainKeyOf(event.deviceId, event.epoch);
      const device = lastSeqs.get(key) ?? { deviceId: event.deviceId, epoch: event.epoch, lastSeq: 0, verifiedUpTo: inputs.chains.get(key)?.verifiedUpTo ?? 0 };
      device.lastSeq = Math.max(device.lastSeq, event.seq);
      lastSeqs.set(key, device);
    }
    const devices = [...lastSeqs.values()];
    const closing = stored.find((s) => s.event.type === 'attempt.closed' && s.event.deviceId === venueDeviceId);
    const isClosedByVenue = closing !== undefined;
    const brokenDevice = devices.find((d) => d.verifiedUpTo < d.lastSeq && inputs.chains.get(chainKeyOf(d.deviceId, d.epoch))?.isBroken);
    const conflicted = devices.find((d) => inputs.conflictedDevices.has(d.deviceId));
    const short = devices.filter((d) => d.verifiedUpTo < d.lastSeq);
    let completeness: Completeness = 'complete';
    let completenessCause: CompletenessCause | null = null;
    if (claimedBy.length > 1) {
      completeness = 'conflict';
      completenessCause = { code: 'two-claimants', candidateIds: claimedBy };
    } else if (brokenDevice) {
      completeness = 'conflict';
      completenessCause = { code: 'chain-broken', deviceId: brokenDevice.deviceId, verifiedUpTo: brokenDevice.verifiedUpTo };
    } else if (conflicted) {
      completeness = 'conflict';
      completenessCause = { code: 'venue-conflict', deviceId: conflicted.deviceId };
    } else if (!isClosedByVenue) {
      completeness = 'incomplete';
      completenessCause = { code: 'not-closed', devices: devices.map((d) => ({ deviceId: d.deviceId, lastSeq: d.lastSeq })) };
    } else if (short.length > 0) {
      completeness = 'incomplete';
      completenessCause = { code: 'chain-short', devices: short.map((d) => ({ deviceId: d.deviceId, verifiedUpTo: d.verifiedUpTo, lastSeq: d.lastSeq })) };
    }
    const completenessNote = completenessCause && completenessNoteOf(completenessCause);
    const overrides: ScoringOverrides = { ...inputs.overrides, isLateAnswerIgnored: inputs.lateIgnored.has(attemptId) };
    const score = scoreOf(state, inputs, overrides);
    let venueTotal: number | null = null;
    if (closing) {
      const heldAtClose = all.filter((event, index) => index >= stored.length || stored[index]!.venueSeq <= closing.venueSeq);
      venueTotal = scoreAttempt(foldAttempt(heldAtClose, context(attemptId)), inputs.examPackage, inputs.answerKey).total;
    }
    const rawTotal = scoreAttempt(state, inputs.examPackage, inputs.answerKey).total;
    return {
      attemptId, candidateId: state.candidateId, claimedBy, state, completeness, completenessNote, completenessCause, devices, isClosedByVenue, score, venueTotal, rawTotal,
      isLateIgnored: inputs.lateIgnored.has(attemptId), isAnnulledByDecision: inputs.annulled.has(attemptId),
    };
  });
}
