/**
 * A room as the proctor's tablet shows it, derived on every read from the venue log by
 * the fold (never stored, so it cannot drift): each seat's one status, the candidates
 * rostered in the room, the violation feed, technical appeals and the incident log.
 */
import { foldAttempt, remainingMs } from '../../sync/fold';
import type { RosterCandidate, Session } from '../../sync/roster';
import type { ActView, AppealView, CandidateView, ClosureView, HubSyncView, IncidentView, RefusedDecisionView, RoomView, SeatStatus, SeatView, ViolationView } from '../../sync/views/proctor';
import { attemptIdFor, isTrustedEvent } from './clock';
import type { LogEntry } from './repo';
import { isRefusedByClosure, refusedDecisionView, roomClosureOf } from './room-closure';

/** A PC silent for longer than this during an attempt shows as "not heard from". */
export const NOT_HEARD_FROM_AFTER_MS = 60_000;

export type { ActView, AppealView, CandidateView, ClosureView, HubSyncView, IncidentView, RefusedDecisionView, RoomView, SeatStatus, SeatView, ViolationView } from '../../sync/views/proctor';

/** What the derivation reads; the service supplies it from the venue database. */
export interface RoomSources {
  session: Session;
  roomId: string;
  venueDeviceId: string | null;
  trustedTablets: ReadonlySet<string>;
  attemptLog(attemptId: string): LogEntry[];
  roomEvents: readonly LogEntry[];
  lastContact(attemptId: string, attemptDeviceIds: readonly string[]): number | null;
  itemCount: number | null;
  isReleased: boolean;
  hubSync: HubSyncView;
  venueSeq: number;
  now: number;
}

function fullName(candidate: RosterCandidate): string {
  return [candidate.lastName, candidate.firstName, candidate.middleName].filter(Boolean).join(' ');
}

function seatStatusOf(view: Omit<CandidateView, 'status'>, now: number): SeatStatus {
  switch (view.attemptStatus) {
    case 'removed':
      return 'removed';
    case 'finished':
      return 'finished';
    case 'in-progress':
    case 'paused':
      if (view.lastContactAt !== null && now - view.lastContactAt > NOT_HEARD_FROM_AFTER_MS) return 'not-heard-from';
      return view.attemptStatus;
    case 'authorised':
      return 'ready';
    default:
      if (view.isIdentityVerified) return 'ready';
      if (view.hasIdentityPhoto) return 'identity-to-verify';
      return view.isCheckedIn ? 'checked-in' : 'empty';
  }
}

/** Whether a room-level decision (no attempt) concerns this room or one of its candidates. */
function isAboutRoom(body: LogEntry['body'], roomId: string, rosteredIds: ReadonlySet<string>): boolean {
  switch (body.type) {
    case 'proctor.check-in':
    case 'proctor.incident':
      return body.data.roomId === roomId;
    case 'proctor.identity-verified':
    case 'proctor.move-seat':
      return rosteredIds.has(body.data.candidateId);
    default:
      return false;
  }
}

/** Derives the room's view from the venue log. */
export function deriveRoomView(sources: RoomSources): RoomView {
  const { session, roomId, trustedTablets, now } = sources;
  const room = session.rooms.find((r) => r.roomId === roomId);
  const rostered = session.candidates.filter((c) => c.roomId === roomId);
  const rosteredIds = new Set(rostered.map((c) => c.candidateId));
  const roomEvents = sources.roomEvents.filter((entry) => isTrustedEvent(entry, trustedTablets));
  // Decisions received after the room was closed are kept in the log but change nothing here.
  const roomClosure = roomClosureOf(roomEvents, session.sessionId, roomId, trustedTablets);
  const refused: RefusedDecisionView[] = [];
  const checkedIn = new Set<string>();
  const verified = new Map<string, boolean>();
  const movedTo = new Map<string, string>();
  const incidents: IncidentView[] = [];
  let closure: ClosureView | null = null;
  for (const entry of roomEvents) {
    const { body } = entry;
    if (isRefusedByClosure(entry, roomClosure)) {
      if (isAboutRoom(body, roomId, rosteredIds)) refused.push(refusedDecisionView(entry));
      continue;
    }
    if (body.type === 'proctor.check-in' && body.data.roomId === roomId && rosteredIds.has(body.data.candidateId)) {
      checkedIn.add(body.data.candidateId);
      if (body.data.seatId) movedTo.set(body.data.candidateId, body.data.seatId);
    } else if (body.type === 'proctor.identity-verified' && rosteredIds.has(body.data.candidateId)) {
      verified.set(body.data.candidateId, body.data.isMatch);
    } else if (body.type === 'proctor.move-seat' && rosteredIds.has(body.data.candidateId)) {
      movedTo.set(body.data.candidateId, body.data.toSeatId);
    } else if (body.type === 'proctor.incident' && body.data.roomId === roomId && (body.data.sessionId === undefined || body.data.sessionId === session.sessionId)) {
      incidents.push({ incidentId: body.data.incidentId, category: body.data.category, text: body.data.text, at: body.at });
    } else if (body.type === 'proctor.room-closed' && body.data.sessionId === session.sessionId && body.data.roomId === roomId && closure === null) {
      closure = { closedAt: body.at, deviceId: body.deviceId, unfinishedAttemptIds: body.data.unfinishedAttemptIds, note: body.data.note ?? null };
    }
  }
  const acknowledged = new Set(roomEvents.flatMap((entry) => (entry.body.type === 'proctor.appeal-acknowledged' && !isRefusedByClosure(entry, roomClosure) ? [entry.body.data.appealId] : [])));
  const venueDeviceIds = sources.venueDeviceId ? [sources.venueDeviceId] : [];
  const candidates: CandidateView[] = [];
  const violations: ViolationView[] = [];
  const appeals: AppealView[] = [];
  const acts: ActView[] = [];
  for (const candidate of rostered) {
    const attemptId = attemptIdFor(session.sessionId, candidate.candidateId);
    const log = sources.attemptLog(attemptId).filter((entry) => {
      if (!trustedTablets.has(entry.deviceId) || !isRefusedByClosure(entry, roomClosure)) return true;
      refused.push(refusedDecisionView(entry));
      return false;
    });
    const state = foldAttempt(log.map((entry) => entry.body), { attemptId, venueDeviceIds, proctorDeviceIds: [...trustedTablets] });
    const attemptDevices = [...new Set(log.filter((e) => e.deviceId !== sources.venueDeviceId && !trustedTablets.has(e.deviceId)).map((e) => e.deviceId))];
    const seatId = movedTo.get(candidate.candidateId) ?? candidate.seatId;
    const base = {
      candidateId: candidate.candidateId, attemptId, iin: candidate.iin, fullName: fullName(candidate), language: candidate.language,
      accommodations: candidate.accommodations, rosterSeatId: candidate.seatId, seatId, attemptStatus: state.status,
      isCheckedIn: checkedIn.has(candidate.candidateId), isIdentityVerified: verified.get(candidate.candidateId) === true,
      hasRosterPhoto: candidate.photo !== undefined, hasIdentityPhoto: log.some((e) => e.body.type === 'identity.photo'),
      remainingMs: remainingMs(state.timer, now), answeredCount: Object.keys(state.answers).length, itemCount: sources.itemCount,
      lastContactAt: sources.lastContact(attemptId, attemptDevices),
      openViolationCount: state.violations.filter((v) => v.endedAt === null).length,
    };
    candidates.push({ ...base, status: seatStatusOf(base, now) });
    for (const v of state.violations) {
      violations.push({
        attemptId, candidateId: candidate.candidateId, seatId, deviceId: v.deviceId, violationId: v.violationId, kind: v.kind,
        startedAt: v.startedAt, durationMs: v.durationMs ?? now - v.startedAt, isOpen: v.endedAt === null, hasEvidence: v.hasEvidence, review: v.review,
      });
    }
    for (const entry of log) {
      if (entry.body.type === 'proctor.remove' && trustedTablets.has(entry.deviceId) && !acts.some((act) => act.actId === (entry.body.data as { actId: string }).actId)) {
        const { actId, actType, text, cosigners } = entry.body.data;
        acts.push({ actId, actType, text, cosigners, at: entry.body.at, candidateId: candidate.candidateId, fullName: base.fullName, iin: candidate.iin, seatId });
      }
    }
    for (const a of state.appeals.filter((appeal) => appeal.kind === 'technical')) {
      appeals.push({
        attemptId, candidateId: candidate.candidateId, seatId, appealId: a.appealId, itemIds: a.itemIds, ground: a.ground,
        text: a.text ?? null, at: a.at, isAcknowledged: a.isAcknowledged || acknowledged.has(a.appealId),
      });
    }
  }
  // Two candidates can name one seat (a move onto the seat of someone removed): the seat shows who is there now.
  const presence = (c: CandidateView): number => (c.status === 'empty' ? 0 : c.status === 'finished' || c.status === 'removed' ? 1 : 2);
  const bySeat = new Map<string, CandidateView>();
  for (const c of candidates) {
    const held = bySeat.get(c.seatId);
    if (!held || presence(c) > presence(held)) bySeat.set(c.seatId, c);
  }
  const seats: SeatView[] = (room?.seats ?? []).map((seat) => {
    const occupant = bySeat.get(seat.seatId);
    return { seatId: seat.seatId, label: seat.label, row: seat.row, col: seat.col, status: occupant?.status ?? 'empty', candidateId: occupant?.candidateId ?? null };
  });
  violations.sort((a, b) => b.startedAt - a.startedAt);
  appeals.sort((a, b) => b.at - a.at);
  incidents.sort((a, b) => b.at - a.at);
  refused.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    sessionId: session.sessionId, roomId, roomName: room?.name ?? roomId, venueSeq: sources.venueSeq, now, isReleased: sources.isReleased,
    seats, candidates, violations, appeals, incidents, acts, closure, refused, hubSync: sources.hubSync,
  };
}
