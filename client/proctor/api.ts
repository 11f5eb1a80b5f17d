/**
 * The venue's proctor API as the tablet calls it (same origin, cookie session). Every
 * failure becomes a `ProctorApiError` with the venue's `code` (or `offline`), so pages
 * show a clear message in the proctor's language. Decisions never go through here:
 * they are events of the tablet's own chain (see useProctorActions).
 */
export type SeatStatus = 'empty' | 'checked-in' | 'identity-to-verify' | 'ready' | 'in-progress' | 'paused' | 'not-heard-from' | 'finished' | 'removed';

export interface RoomAssignment {
  sessionId: string;
  roomId: string;
  roomName: string;
  startsAt: number;
}

export interface ProctorProfile {
  username: string;
  displayName: string;
  deviceId: string;
  rooms: RoomAssignment[];
}

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
  attemptStatus: 'not-started' | 'authorised' | 'in-progress' | 'paused' | 'finished' | 'removed';
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

export interface SeatView {
  seatId: string;
  label: string;
  row: number;
  col: number;
  status: SeatStatus;
  candidateId: string | null;
}

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

export interface IncidentView {
  incidentId: string;
  category: string;
  text: string;
  at: number;
}

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

export interface ClosureView {
  closedAt: number;
  deviceId: string;
  unfinishedAttemptIds: string[];
  note: string | null;
}

export interface HubSyncView {
  isConfigured: boolean;
  pendingEvents: number;
  lastSuccessAt: number | null;
  lastError: string | null;
}

export interface RoomView {
  sessionId: string;
  roomId: string;
  roomName: string;
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
  hubSync: HubSyncView;
}

export class ProctorApiError extends Error {
  override readonly name = 'ProctorApiError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/proctor${path}`, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  } catch {
    throw new ProctorApiError('offline', 0, 'the venue server cannot be reached');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const details = typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : {};
    throw new ProctorApiError(typeof body.code === 'string' ? body.code : 'server-error', response.status, typeof body.message === 'string' ? body.message : `HTTP ${response.status}`, details);
  }
  return body as T;
}

/** The path of a room under the proctor API. */
export const roomPath = (sessionId: string, roomId: string): string => `/sessions/${encodeURIComponent(sessionId)}/rooms/${encodeURIComponent(roomId)}`;

export const proctorApi = {
  signIn: (input: { username: string; pin: string; deviceId: string }) =>
    call<{ proctor: ProctorProfile }>('/sign-in', { method: 'POST', body: JSON.stringify(input) }).then((r) => r.proctor),
  signOut: () => call<{ isSignedOut: boolean }>('/sign-out', { method: 'POST' }),
  me: () => call<{ proctor: ProctorProfile | null }>('/me').then((r) => r.proctor),
  room: (sessionId: string, roomId: string) => call<RoomView>(roomPath(sessionId, roomId)),
  streamUrl: (sessionId: string, roomId: string) => `/api/proctor${roomPath(sessionId, roomId)}/stream`,
  photos: (sessionId: string, roomId: string, candidateId: string) =>
    call<{ rosterPhoto: string | null; identityPhoto: string | null }>(`${roomPath(sessionId, roomId)}/candidates/${encodeURIComponent(candidateId)}/photos`),
  releaseCode: (sessionId: string, roomId: string, code: string) =>
    call<{ isReleased: boolean }>(`${roomPath(sessionId, roomId)}/release-code`, { method: 'POST', body: JSON.stringify({ code }) }),
  /** Where the room's PDFs are: `seating-list.pdf`, `report.pdf`, `acts/<actId>.pdf`. */
  paperUrl: (sessionId: string, roomId: string, name: string) => `/api/proctor${roomPath(sessionId, roomId)}/${name}`,
  evidence: (sessionId: string, roomId: string, candidateId: string, violationId: string) =>
    call<{ evidence: string }>(`${roomPath(sessionId, roomId)}/candidates/${encodeURIComponent(candidateId)}/violations/${encodeURIComponent(violationId)}/evidence`).then((r) => r.evidence),
};
