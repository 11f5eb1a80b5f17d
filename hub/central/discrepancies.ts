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
import type { DiscrepancyCandidate, DiscrepancyKind, DiscrepancyParamsByKind } from '../../sync/views/central';

export type { DiscrepancyCandidate, DiscrepancyKind, DiscrepancyParamsByKind };

type Resolution = { action: string; reason: string; resolvedBy: string; resolvedAt: number };

interface DiscrepancyBase {
  discrepancyId: string;
  sessionId: string;
  /** The attempt, candidate or device it is about. */
  subject: string;
  /** The explanation in English (logs, API readers, publication blockers); screens word `params` in the staff's language. */
  explanation: string;
  evidence: Record<string, unknown>;
  /** Actions that clear it; one is chosen with a reason. */
  actions: string[];
  resolution: Resolution | null;
}

/** One queue entry: a stable `kind` code with its `params`, plus the English wording. */
export type Discrepancy = { [K in DiscrepancyKind]: DiscrepancyBase & { kind: K; params: DiscrepancyParamsByKind[K] } }[DiscrepancyKind];

export interface DiscrepancyInputs {
  session: Session;
  durationMinutes: number;
  maxExtraMinutes: number;
  attempts: readonly AttemptRecord[];
  checkIns: readonly StoredEvent[];
  events: readonly StoredEvent[];
  alarms: ReadonlyArray<{ alarmId: number; kind: string; detail: Record<string, unknown>; raisedAt: number }>;
  resolutions: ReadonlyMap<string, Resolution>;
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
  const add = <K extends DiscrepancyKind>(kind: K, subject: string, explanation: string, params: DiscrepancyParamsByKind[K], evidence: Record<string, unknown>, actions: string[]) => {
    const discrepancyId = `${kind}/${session.sessionId}/${subject}`;
    out.push({ discrepancyId, kind, params, sessionId: session.sessionId, subject, explanation, evidence, actions, resolution: inputs.resolutions.get(discrepancyId) ?? null } as Discrepancy);
  };
  const attemptsByCandidate = new Map<string, AttemptRecord[]>();
  for (const attempt of inputs.attempts) {
    for (const candidateId of attempt.claimedBy) attemptsByCandidate.set(candidateId, [...(attemptsByCandidate.get(candidateId) ?? []), attempt]);
  }
  const checkedIn = new Map<string, StoredEvent>();
  for (const stored of inputs.checkIns) {
    if (stored.event.type === 'proctor.check-in') checkedIn.set(stored.event.data.candidateId, stored);
  }
  for (const rostered of session.candidates) {
    const attempts = attemptsByCandidate.get(rostered.candidateId) ?? [];
    const checkIn = checkedIn.get(rostered.candidateId);
    const candidate: DiscrepancyCandidate = { candidateId: rostered.candidateId, fullName: `${rostered.lastName} ${rostered.firstName}`, iin: rostered.iin };
    const name = `${candidate.fullName} (IIN ${candidate.iin})`;
    if (attempts.length === 0 && !checkIn) {
      add('no-show', rostered.candidateId, `${name} was on the roster, but the venue recorded neither a check-in nor an attempt.`,
        { candidate, roomId: rostered.roomId, seatId: rostered.seatId },
        { candidateId: rostered.candidateId, roomId: rostered.roomId, seatId: rostered.seatId }, ['mark-absent']);
    } else if (attempts.length === 0 && checkIn) {
      add('checked-in-no-attempt', rostered.candidateId, `${name} was checked in at ${at(checkIn.event.at)}, but no attempt of theirs has reached the hub.`,
        { candidate, checkedInAt: checkIn.event.at, deviceId: checkIn.event.deviceId, seq: checkIn.event.seq },
        { candidateId: rostered.candidateId, checkIn: { deviceId: checkIn.event.deviceId, seq: checkIn.event.seq, at: checkIn.event.at, data: checkIn.event.data } }, ['mark-absent', 'mark-left-before-start']);
    }
    if (attempts.length > 1) {
      const listed = attempts.map((a) => ({ attemptId: a.attemptId, status: a.state.status, total: a.score.total, startedAt: a.state.startedAt }));
      add('duplicate-attempts', rostered.candidateId, `${name} has ${attempts.length} attempts; only one may count.`, { candidate, attempts: listed }, { attempts: listed }, attempts.map((a) => `keep:${a.attemptId}`));
    }
  }
  const latestEnd = session.startsAt + (inputs.durationMinutes + inputs.maxExtraMinutes) * 60_000 + NEVER_CLOSED_GRACE_MS;
  for (const attempt of inputs.attempts) {
    if (attempt.venueTotal !== null && attempt.venueTotal !== attempt.rawTotal) {
      add('score-mismatch', attempt.attemptId, `The venue closed attempt ${attempt.attemptId} with ${attempt.venueTotal} points; the hub computes ${attempt.rawTotal} from the events it holds, so events reached the venue after it closed the attempt or differ.`,
        { attemptId: attempt.attemptId, candidateId: attempt.candidateId, venueTotal: attempt.venueTotal, hubTotal: attempt.rawTotal },
        { venueTotal: attempt.venueTotal, hubTotal: attempt.rawTotal }, ['accept-hub-score']);
    }
    if (attempt.state.lateEventCount > 0) {
      const late = Object.entries(attempt.state.answers).filter(([, answer]) => answer.isLate).map(([itemId, answer]) => ({ itemId, at: answer.at, deviceId: answer.deviceId, seq: answer.seq }));
      const deadline = attempt.state.timer.deadline;
      add('late-events', attempt.attemptId, `${attempt.state.lateEventCount} event(s) of attempt ${attempt.attemptId} were written after its deadline (${deadline === null ? 'unknown' : at(deadline)}); ${late.length} answer(s) among them.`,
        { attemptId: attempt.attemptId, deadline, lateEventCount: attempt.state.lateEventCount, lateAnswers: late },
        { deadline, lateEventCount: attempt.state.lateEventCount, lateAnswers: late }, ['ignore-late-answers', 'accept-late-answers']);
    }
    if (!attempt.isClosedByVenue && inputs.now > latestEnd) {
      const devices = attempt.devices.map((d) => ({ deviceId: d.deviceId, lastSeq: d.lastSeq }));
      add('never-closed', attempt.attemptId, `Attempt ${attempt.attemptId} was never closed by the venue, although the session's latest end (${at(latestEnd - NEVER_CLOSED_GRACE_MS)}) has passed. Last seq received: ${devices.map((d) => `${d.deviceId} ${d.lastSeq}`).join(', ')}.`,
        { attemptId: attempt.attemptId, status: attempt.state.status, latestEnd: latestEnd - NEVER_CLOSED_GRACE_MS, devices },
        { status: attempt.state.status, devices: attempt.devices }, ['score-as-held', 'annul']);
    }
    const cause = attempt.completenessCause;
    if (attempt.completeness === 'conflict' && cause && (cause.code === 'two-claimants' || cause.code === 'chain-broken' || cause.code === 'venue-conflict')) {
      const params: DiscrepancyParamsByKind['chain-conflict'] = cause.code === 'two-claimants'
        ? { cause: cause.code, attemptId: attempt.attemptId, candidateIds: cause.candidateIds }
        : cause.code === 'chain-broken'
          ? { cause: cause.code, attemptId: attempt.attemptId, deviceId: cause.deviceId, verifiedUpTo: cause.verifiedUpTo }
          : { cause: cause.code, attemptId: attempt.attemptId, deviceId: cause.deviceId };
      add('chain-conflict', attempt.attemptId, `Attempt ${attempt.attemptId} is in conflict: ${attempt.completenessNote}.`, params, { devices: attempt.devices, claimedBy: attempt.claimedBy }, ['acknowledge-conflict']);
    }
  }
  const attemptDevices = new Set(inputs.attempts.flatMap((a) => a.devices.map((d) => d.deviceId)));
  for (const alarm of inputs.alarms) {
    const deviceId = typeof alarm.detail.deviceId === 'string' ? alarm.detail.deviceId : null;
    if (deviceId && !attemptDevices.has(deviceId)) continue;
    const seq = typeof alarm.detail.seq === 'number' ? alarm.detail.seq : null;
    add('chain-conflict', `alarm-${alarm.alarmId}`, `The venue sent ${alarm.kind === 'conflict' ? 'an event that conflicts with one the hub holds' : 'a chain that does not verify'}${deviceId ? ` for device ${deviceId}` : ''} at ${at(alarm.raisedAt)}; the hub kept its copy and refused the other.`,
      { cause: alarm.kind === 'conflict' ? 'alarm-conflict' : 'alarm-bad-chain', alarmId: alarm.alarmId, deviceId, seq, raisedAt: alarm.raisedAt }, { alarm }, ['acknowledge-conflict']);
  }
  const venueDevice = venueDeviceIdOf(session.venueId);
  const lastAt = new Map<string, { at: number; seq: number }>();
  const flagged = new Set<string>();
  for (const { event, receivedAt } of [...inputs.events].sort((a, b) => (a.event.deviceId === b.event.deviceId ? a.event.seq - b.event.seq : a.event.deviceId < b.event.deviceId ? -1 : 1))) {
    const device = `${event.deviceId}/${event.epoch}`;
    if (flagged.has(device) || event.deviceId === venueDevice) continue;
    const previous = lastAt.get(device);
    let anomaly: { reason: string; params: DiscrepancyParamsByKind['clock-anomaly'] } | null = null;
    if (event.at > receivedAt + CLOCK_AHEAD_TOLERANCE_MS) {
      anomaly = { reason: `event seq ${event.seq} is dated ${at(event.at)}, after the hub received it at ${at(receivedAt)}`, params: { cause: 'ahead', deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, at: event.at, receivedAt } };
    } else if (previous && previous.at - event.at > CLOCK_BACKWARDS_TOLERANCE_MS) {
      anomaly = {
        reason: `its clock went back from ${at(previous.at)} (seq ${previous.seq}) to ${at(event.at)} (seq ${event.seq})`,
        params: { cause: 'backwards', deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, at: event.at, previousSeq: previous.seq, previousAt: previous.at },
      };
    }
    if (anomaly) {
      flagged.add(device);
      add('clock-anomaly', device, `The clock of device ${event.deviceId} is not trustworthy: ${anomaly.reason}. The venue's clock decides deadlines; check the timeline of this device's attempts.`,
        anomaly.params, { deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, at: event.at, receivedAt, previous }, ['acknowledge-clock']);
    }
    lastAt.set(device, { at: event.at, seq: event.seq });
  }
  return out;
}
