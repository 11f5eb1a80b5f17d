/**
 * The hub's central staff API as the browser calls it (same origin, httpOnly cookie
 * session). Every failure becomes a `CentralApiError` carrying the hub's `code` and
 * `details` (or `offline`), so pages show a clear message in the staff member's language.
 */
import type { CompletenessCause, DiscrepancyCandidate, DiscrepancyKind, DiscrepancyParamsByKind, SessionOverview, SessionState, SessionStatus } from '../../sync/views/central';

export type { CompletenessCause, DiscrepancyCandidate, DiscrepancyKind, DiscrepancyParamsByKind, SessionState, SessionStatus };

export type StaffRole = 'admin' | 'reviewer' | 'appeals' | 'auditor';

export class CentralApiError extends Error {
  override readonly name = 'CentralApiError';
  constructor(readonly code: string, message: string, readonly status: number, readonly details: unknown) {
    super(message);
  }
}

/** Calls the hub; JSON in and out. */
export async function callHub<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { method, credentials: 'same-origin', headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new CentralApiError('offline', 'the hub cannot be reached', 0, null);
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: string; message?: string; details?: unknown };
    throw new CentralApiError(error.code ?? 'http-error', error.message ?? response.statusText, response.status, error.details ?? null);
  }
  return parsed as T;
}

export interface ImportProblem { code: string; blockId?: string; itemId?: string; field: string; language?: 'kk' | 'ru'; message: string }
export interface RosterProblem { line: number; code: string; column?: string; message: string }
export interface JobView { jobId: string; kind: string; state: 'running' | 'done' | 'failed'; done: number; total: number; result?: unknown; error?: { code: string; message: string; details?: unknown } }

export interface VenueCard {
  venueId: string;
  name: string;
  isOnline: boolean;
  lastSeenAt: number | null;
  eventsReceived: number;
  backlog: number;
  /** Events the hub holds of the venue's log, and how many the venue's last signed head covers. */
  heldVenueSeq: number;
  attestedSize: number;
  isHeadMatched: boolean;
  /** matched, empty (no events yet: nothing to compare), pending (the hub holds another number of events than the venue's last signed head covers) or mismatch. */
  headState: 'matched' | 'empty' | 'pending' | 'mismatch';
  devices: Array<{ deviceId: string; epoch: number; events: number; ackedSeq: number; maxSeq: number; isGapless: boolean }>;
}

export const SESSION_STATES: readonly SessionState[] = ['scheduled', 'published', 'key-released', 'results-published'];

/** One session of the hub as the home page lists it (GET /api/central/sessions). */
export type SessionListEntry = SessionOverview;
export interface ScheduledSession { sessionId: string; venueId: string; examId: string; examVersion: number; startsAt: number; candidates: number; publishedAt: number | null; resultsPublishedAt: number | null }

export const DISCREPANCY_KINDS: readonly DiscrepancyKind[] = ['score-mismatch', 'no-show', 'checked-in-no-attempt', 'duplicate-attempts', 'late-events', 'chain-conflict', 'clock-anomaly', 'never-closed'];

interface DiscrepancyBase {
  discrepancyId: string;
  subject: string;
  /** The hub's English wording; the screens word `params` in the staff member's language instead. */
  explanation: string;
  evidence: Record<string, unknown>;
  actions: string[];
  resolution: { action: string; reason: string; resolvedBy: string; resolvedAt: number } | null;
}

/** One entry of a session's discrepancy queue: a stable kind code with its figures. */
export type Discrepancy = { [K in DiscrepancyKind]: DiscrepancyBase & { kind: K; params: DiscrepancyParamsByKind[K] } }[DiscrepancyKind];

/** One reason a session's results cannot be published yet (the details of a `not-ready` refusal). */
export type PublicationBlocker =
  | ({ code: 'open-discrepancy'; text: string } & Pick<Discrepancy, 'discrepancyId' | 'kind' | 'params'>)
  | { code: 'attempt-not-complete'; text: string; attemptId: string; completeness: 'complete' | 'incomplete' | 'conflict'; cause: CompletenessCause | null }
  | { code: 'pending-marking'; text: string; attemptId: string }
  | { code: 'appeal-undecided'; text: string; itemId: string };

export interface AttemptSummary { attemptId: string; candidateId: string | null; status: string; completeness: 'complete' | 'incomplete' | 'conflict'; completenessNote: string | null; completenessCause?: CompletenessCause | null; total: number; totalMax: number; isPassed: boolean; isAnnulled: boolean; violationCount: number }

export interface SessionReport { sessionId: string; venueId: string; examId: string; counts: Record<string, number>; attempts: AttemptSummary[]; discrepancies: Discrepancy[]; openDiscrepancies: number; resultsPublishedAt: number | null }

export interface AuditEntry { seq: number; at: number; actor: string; action: string; subject: string | null; hash: string }
export interface AuditVerification { isIntact: boolean; count: number; headHash: string; firstBad?: { seq: number; reason: string } }

export interface VerifiedCertificate { isValid: boolean; isExpired: boolean; isRevoked: boolean; certificateNumber: string; fullName: string; examId: string; total: number; totalMax: number; issuedAt: number; validUntil: number }

/** One issued certificate in the journal. */
export interface JournalEntry {
  certificateNumber: string;
  attemptId: string;
  sessionId: string;
  examId: string;
  iin: string;
  fullName: string;
  individualCode: string;
  total: number;
  totalMax: number;
  issuedAt: number;
  validUntil: number;
  isRevoked: boolean;
  isExpired: boolean;
}

/** Reads a file chosen in an <input type=file> as text. */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
