/**
 * The JSON shapes the venue sends to the proctor's tablet: the signed-in proctor and a
 * room as the tablet shows it. The venue derives them (edge-server/proctor/room-state.ts)
 * and the tablet reads them (client/proctor/api.ts); both import them from here so the
 * two sides cannot drift apart.
 */
import type { AttemptStatus } from '../fold';

/** The one status a seat shows on the room's map. */
export type SeatStatus = 'empty' | 'checked-in' | 'identity-to-verify' | 'ready' | 'in-progress' | 'paused' | 'not-heard-from' | 'finished' | 'removed';

/** A room a proctor is assigned to, in one session. */
export interface RoomAssignment {
  sessionId: string;
  roomId: string;
  roomName: string;
  startsAt: number;
}

/** The signed-in proctor as the venue shows them to their tablet. */
export interface ProctorProfile {
  username: string;
  displayName: string;
  deviceId: string;
  rooms: RoomAssignment[];
}

/** A candidate rostered in the room, with their attempt's progress. */
export interface CandidateView {
  candidateId: string;
  attemptId: string;
  iin: string;
  fullName: string;
  language: 'kk' | 'ru';
  accommodations: string[];
  rosterSeatId: string;
  seatId: string;
  status: SeatStatus;
  attemptStatus: AttemptStatus;
  isCheckedIn: boolean;
  isIdentityVerified: boolean;
  hasRosterPhoto: boolean;
  hasIdentityPhoto: boolean;
  remainingMs: number | null;
  answeredCount: number;
  itemCount: number | null;
  lastContactAt: number | null;
  openViolationCount: number;
}

/** A seat of the room's map and who sits there now. */
export interface SeatView {
  seatId: string;
  label: string;
  row: number;
  col: number;
  status: SeatStatus;
  candidateId: string | null;
}

/** A violation in the room's live feed. */
export interface ViolationView {
  attemptId: string;
  candidateId: string;
  seatId: string;
  deviceId: string;
  violationId: string;
  kind: string;
  startedAt: number;
  durationMs: number | null;
  isOpen: boolean;
  hasEvidence: boolean;
  review: 'confirmed' | 'dismissed' | null;
}

/** A technical appeal a candidate filed during the attempt. */
export interface AppealView {
  attemptId: string;
  candidateId: string;
  seatId: string;
  appealId: string;
  itemIds: string[];
  ground: string;
  text: string | null;
  at: number;
  isAcknowledged: boolean;
}

/** An entry of the room's incident log. */
export interface IncidentView {
  incidentId: string;
  category: string;
  text: string;
  at: number;
}

/** An act written when a candidate was removed from the room. */
export interface ActView {
  actId: string;
  actType: 'prohibited-item' | 'impostor' | 'rule-violation';
  text: string;
  cosigners: string[];
  at: number;
  candidateId: string;
  fullName: string;
  iin: string;
  seatId: string;
}

/** The room as closed by its proctor (the first `proctor.room-closed` from a trusted tablet). */
export interface ClosureView {
  closedAt: number;
  deviceId: string;
  unfinishedAttemptIds: string[];
  note: string | null;
}

/**
 * A proctor decision the venue received but did not apply, and why: `room-closed` for a
 * decision on a room (or one of its attempts) received after the room was closed. The
 * event stays in the log; the tablet tells the proctor it changed nothing.
 */
export interface RefusedDecisionView {
  deviceId: string;
  seq: number;
  type: string;
  candidateId: string | null;
  at: number;
  reason: 'room-closed';
}

/** How far the venue's log has reached the hub, shown on the close-room checklist. */
export interface HubSyncView {
  isConfigured: boolean;
  /** Venue log events the hub has not acknowledged yet; the venue keeps them and sends them later. */
  pendingEvents: number;
  lastSuccessAt: number | null;
  lastError: string | null;
}

/** A room as the proctor's tablet shows it, derived by the venue on every read. */
export interface RoomView {
  sessionId: string;
  roomId: string;
  roomName: string;
  /** The venue log position this view was derived at; the stream sends a new view when it moves. */
  venueSeq: number;
  now: number;
  isReleased: boolean;
  seats: SeatView[];
  candidates: CandidateView[];
  violations: ViolationView[];
  appeals: AppealView[];
  incidents: IncidentView[];
  acts: ActView[];
  closure: ClosureView | null;
  /** Decisions on this room the venue refused (kept in its log, not applied), oldest first. */
  refused: RefusedDecisionView[];
  hubSync: HubSyncView;
}
