/**
 * The reconciliation's discrepancy queue. Each entry is derived, never stored: it says in
 * words what does not add up, carries its evidence, and lists the actions that clear it.
 * Only the chosen action and its reason are stored (a resolution), under the entry's
 * stable id, so recomputing the queue after more events arrive keeps decisions attached.
 */
import type { StoredEvent } from '../db/central';
import type { Session } from '../../sync/roster';
import type { AttemptRecord } from './attempts';
import { venueDeviceIdOf } from './attempts';

export type DiscrepancyKind =
  | 'score-mismatch' | 'no-show' | 'checked-in-no-attempt' | 'duplicate-attempts' | 'late-events'
  | 'chain-conflict' | 'clock-anomaly' | 'never-closed';

export interface Discrepancy {
  discrepancyId: string;
  kind: DiscrepancyKind;
  sessionId: string;
  /** The attempt, candidate or device it is about. */
  subject: string;
  explanation: string;
  evidence: Record<string, unknown>;
  /** Actions that clear it; one is chosen with a reason. */
  actions: string[];
  resolution: { action: string; reason: string; resolvedBy: string; resolvedAt: number } | null;
}

export interface DiscrepancyInputs {
  session: Session;
  durationMinutes: number;
  maxExtraMinutes: number;
  attempts: readonly AttemptRecord[];
  checkIns: readonly StoredEvent[];
  events: readonly StoredEvent[];
  alarms: ReadonlyArray<{ alarmId: number; kind: string; detail: Record<string, unknown>; raisedAt: number }>;
  resolutions: ReadonlyMap<string, { action: string; reason: string; resolvedBy: string; resolvedAt: number }>;
  now: number;
}

/** A device clock more than this far ahead of the hub's receipt is suspicious. */
export const CLOCK_AHEAD_TOLERANCE_MS = 5 * 60_000;
/** A device clock going back more than this along its chain is suspicious. */
export const CLOCK_BACKWARDS_TOLERANCE_MS = 60_000;
/** How long after the latest possible end an unclosed attempt is flagged. */
export const NEVER_CLOSED_GRACE_MS = 60 * 60_000;

const at = (ms: number) => new Date(ms).toISOString();

/** Builds the queue for one session. */
export function buildDiscrepancies(inputs: DiscrepancyInputs): Discrepancy[] {
  const { session } = inputs;
  const out: Discrepancy[] = [];
  const add = (kind: DiscrepancyKind, subject: string, explanation: string, evidence: Record<string, unknown>, actions: string[]) => {
    const discrepancyId = `${kind}/${session.sessionId}/${subject}`;
    out.push({ discrepancyId, kind, sessionId: session.sessionId, subject, explanation, evidence, actions, resolution: inputs.resolutions.get(discrepancyId) ?? null });
  };
  const attemptsByCandidate = new Map<string, AttemptRecord[]>();
  for (const attempt of inputs.attempts) {
    for (const candidateId of attempt.claimedBy) attemptsByCandidate.set(candidateId, [...(attemptsByCandidate.get(candidateId) ?? []), attempt]);
  }
  const checkedIn = new Map<string, StoredEvent>();
  for (const stored of inputs.checkIns) {
    if (stored.event.type === 'proctor.check-in') checkedIn.set(stored.event.data.candidateId, stored);
  }
  for (const candidate of session.candidates) {
    const attempts = attemptsByCandidate.get(candidate.candidateId) ?? [];
    const checkIn = checkedIn.get(candidate.candidateId);
    const name = `${candidate.lastName} ${candidate.firstName} (IIN ${candidate.iin})`;
    if (attempts.length === 0 && !checkIn) {
      add('no-show', candidate.candidateId, `${name} was on the roster, but the venue recorded neither a check-in nor an attempt.`, { candidateId: candidate.candidateId, roomId: candidate.roomId, seatId: candidate.seatId }, ['mark-absent']);
    } else if (attempts.length === 0 && checkIn) {
      add('checked-in-no-attempt', candidate.candidateId, `${name} was checked in at ${at(checkIn.event.at)}, but no attempt of theirs has reached the hub.`, { candidateId: candidate.candidateId, checkIn: { deviceId: checkIn.event.deviceId, seq: checkIn.event.seq, at: checkIn.event.at, data: checkIn.event.data } }, ['mark-absent', 'mark-left-before-start']);
    }
    if (attempts.length > 1) {
      add('duplicate-attempts', candidate.candidateId, `${name} has ${attempts.length} attempts; only one may count.`, { attempts: attempts.map((a) => ({ attemptId: a.attemptId, status: a.state.status, total: a.score.total, startedAt: a.state.startedAt })) }, attempts.map((a) => `keep:${a.attemptId}`));
    }
  }
  const latestEnd = session.startsAt + (inputs.durationMinutes + inputs.maxExtraMinutes) * 60_000 + NEVER_CLOSED_GRACE_MS;
  for (const attempt of inputs.attempts) {
    if (attempt.venueTotal !== null && attempt.venueTotal !== attempt.rawTotal) {
      add('score-mismatch', attempt.attemptId, `The venue closed attempt ${attempt.attemptId} with ${attempt.venueTotal} points; the hub computes ${attempt.rawTotal} from the events it holds, so events reached the venue after it closed the attempt or differ.`, { venueTotal: attempt.venueTotal, hubTotal: attempt.rawTotal }, ['accept-hub-score']);
    }
    if (attempt.state.lateEventCount > 0) {
      const late = Object.entries(attempt.state.answers).filter(([, answer]) => answer.isLate).map(([itemId, answer]) => ({ itemId, at: answer.at, deviceId: answer.deviceId, seq: answer.seq }));
      add('late-events', attempt.attemptId, `${attempt.state.lateEventCount} event(s) of attempt ${attempt.attemptId} were written after its deadline (${attempt.state.timer.deadline === null ? 'unknown' : at(attempt.state.timer.deadline)}); ${late.length} answer(s) among them.`, { deadline: attempt.state.timer.deadline, lateEventCount: attempt.state.lateEventCount, lateAnswers: late }, ['ignore-late-answers', 'accept-late-answers']);
    }
    if (!attempt.isClosedByVenue && inputs.now > latestEnd) {
      add('never-closed', attempt.attemptId, `Attempt ${attempt.attemptId} was never closed by the venue, although the session's latest end (${at(latestEnd - NEVER_CLOSED_GRACE_MS)}) has passed. Last seq received: ${attempt.devices.map((d) => `${d.deviceId} ${d.lastSeq}`).join(', ')}.`, { status: attempt.state.status, devices: attempt.devices }, ['score-as-held', 'annul']);
    }
    if (attempt.completeness === 'conflict') {
      add('chain-conflict', attempt.attemptId, `Attempt ${attempt.attemptId} is in conflict: ${attempt.completenessNote}.`, { devices: attempt.devices, claimedBy: attempt.claimedBy }, ['acknowledge-conflict']);
    }
  }
  const attemptDevices = new Set(inputs.attempts.flatMap((a) => a.devices.map((d) => d.deviceId)));
  for (const alarm of inputs.alarms) {
    const deviceId = typeof alarm.detail.deviceId === 'string' ? alarm.detail.deviceId : null;
    if (deviceId && !attemptDevices.has(deviceId)) continue;
    add('chain-conflict', `alarm-${alarm.alarmId}`, `The venue sent ${alarm.kind === 'conflict' ? 'an event that conflicts with one the hub holds' : 'a chain that does not verify'}${deviceId ? ` for device ${deviceId}` : ''} at ${at(alarm.raisedAt)}; the hub kept its copy and refused the other.`, { alarm }, ['acknowledge-conflict']);
  }
  const venueDevice = venueDeviceIdOf(session.venueId);
  const lastAt = new Map<string, { at: number; seq: number }>();
  const flagged = new Set<string>();
  for (const { event, receivedAt } of [...inputs.events].sort((a, b) => (a.event.deviceId === b.event.deviceId ? a.event.seq - b.event.seq : a.event.deviceId < b.event.deviceId ? -1 : 1))) {
    const device = `${event.deviceId}/${event.epoch}`;
    if (flagged.has(device) || event.deviceId === venueDevice) continue;
    const previous = lastAt.get(device);
    let reason: string | null = null;
    if (event.at > receivedAt + CLOCK_AHEAD_TOLERANCE_MS) reason = `event seq ${event.seq} is dated ${at(event.at)}, after the hub received it at ${at(receivedAt)}`;
    else if (previous && previous.at - event.at > CLOCK_BACKWARDS_TOLERANCE_MS) reason = `its clock went back from ${at(previous.at)} (seq ${previous.seq}) to ${at(event.at)} (seq ${event.seq})`;
    if (reason) {
      flagged.add(device);
      add('clock-anomaly', device, `The clock of device ${event.deviceId} is not trustworthy: ${reason}. The venue's clock decides deadlines; check the timeline of this device's attempts.`, { deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, at: event.at, receivedAt, previous }, ['acknowledge-clock']);
    }
    lastAt.set(device, { at: event.at, seq: event.seq });
  }
  return out;
}
