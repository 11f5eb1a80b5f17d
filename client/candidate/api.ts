/**
 * The venue's candidate API as the PWA calls it (same origin, cookie session).
 * Every failure becomes a `CandidateApiError` with the venue's `code` (or `offline`),
 * so pages can show a clear message in the candidate's language.
 */
import type { AnswerValue } from '../../sync/events';
import type { AttemptStatus } from '../../sync/fold';
import type { AttemptScore } from '../../sync/scoring';
import type { SealedFields } from '../../sync/seal';

export interface CandidateProfile {
  candidateId: string;
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  language: 'kk' | 'ru';
  sessionId: string;
  attemptId: string;
  roomId: string;
  roomName: string | null;
  seatId: string;
  seatLabel: string | null;
  deviceId: string;
  startsAt: number;
}

export interface TimerSnapshot {
  state: 'not-started' | 'running' | 'paused' | 'ended';
  remainingMs: number | null;
  deadline: number | null;
  now: number;
}

export interface HeldAnswerView {
  value: AnswerValue;
  at: number;
}

export interface AttemptView {
  attemptId: string;
  status: AttemptStatus;
  isKeyReleased: boolean;
  timer: TimerSnapshot;
  answers: Record<string, HeldAnswerView>;
  flaggedItemIds: string[];
  audioPlays: Record<string, number>;
  appealIds: string[];
  finishedAt: number | null;
}

export type SealedPackageView = SealedFields & { sessionId: string; examId: string; examVersion: number };

export type AttemptResult =
  | { withheld: false; score: AttemptScore; answers: Record<string, AnswerValue>; finishedAt: number; appealDeadline: number; now: number }
  | { withheld: true; reason: 'policy' | 'not-scored'; finishedAt: number | null; appealDeadline: number | null; now: number };

/** What the attempt stream reports on every change and every few seconds. */
export interface StreamUpdate {
  status: AttemptStatus;
  isKeyReleased: boolean;
  timer: TimerSnapshot;
}

export class CandidateApiError extends Error {
  override readonly name = 'CandidateApiError';
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
    response = await fetch(`/api/candidate${path}`, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  } catch {
    throw new CandidateApiError('offline', 0, 'the venue server cannot be reached');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const details = typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : {};
    throw new CandidateApiError(typeof body.code === 'string' ? body.code : 'server-error', response.status, typeof body.message === 'string' ? body.message : `HTTP ${response.status}`, details);
  }
  return body as T;
}

export const candidateApi = {
  login: (input: { iin: string; accessCode: string; deviceId: string }) =>
    call<{ profile: CandidateProfile }>('/login', { method: 'POST', body: JSON.stringify(input) }).then((r) => r.profile),
  me: () => call<{ profile: CandidateProfile }>('/me').then((r) => r.profile),
  sealedPackage: () => call<{ sealed: SealedPackageView }>('/package').then((r) => r.sealed),
  sessionKey: () => call<{ key: string }>('/key').then((r) => r.key),
  attempt: () => call<{ attempt: AttemptView }>('/attempt').then((r) => r.attempt),
  result: () => call<{ result: AttemptResult }>('/result').then((r) => r.result),
};
