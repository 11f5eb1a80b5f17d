/**
 * The venue's candidate API as the PWA calls it (same origin, cookie session).
 * Every failure becomes a `CandidateApiError` with the venue's `code` (or `offline`),
 * so pages can show a clear message in the candidate's language.
 */

import type { AttemptResult, AttemptView, CandidateProfile, SealedPackageView } from '../../sync/views/candidate';

export type { AttemptResult, AttemptView, CandidateProfile, SealedPackageView };
export type { TimerSnapshot } from '../../sync/messages';
/** An answer the venue holds, with when it was given. */
export type { HeldAnswer as HeldAnswerView } from '../../sync/fold';
/** What the attempt stream reports on every change and every few seconds. */
export type { AttemptStreamUpdate as StreamUpdate } from '../../sync/views/candidate';

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
