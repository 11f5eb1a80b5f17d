/**
 * The venue's proctor API as the tablet calls it (same origin, cookie session). Every
 * failure becomes a `ProctorApiError` with the venue's `code` (or `offline`), so pages
 * show a clear message in the proctor's language. Decisions never go through here:
 * they are events of the tablet's own chain (see useProctorActions).
 */
import type { ProctorProfile, RoomView } from '../../sync/views/proctor';

export type { ActView, AppealView, CandidateView, ClosureView, HubSyncView, IncidentView, ProctorProfile, RefusedDecisionView, RoomAssignment, RoomView, SeatStatus, SeatView, ViolationView } from '../../sync/views/proctor';

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
