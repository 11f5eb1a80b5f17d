/**
 * The JSON shapes the hub sends to the central staff's screens: where a session stands,
 * why an attempt is not complete, and the figures of each discrepancy kind. The hub derives
 * them (hub/central/) and the screens word them in the staff member's language
 * (client/central/); both import them from here so the two sides cannot drift apart.
 */

/** Where a session stands, from scheduled to results published. */
export type SessionState = 'scheduled' | 'published' | 'key-released' | 'results-published';

/** What every view of a session names: its exam, venue, start, size and the dates it moved on. */
interface SessionHeader {
  sessionId: string;
  venueId: string;
  examId: string;
  examVersion: number;
  startsAt: number;
  candidates: number;
  publishedAt: number | null;
  keyReleasedAt: number | null;
  resultsPublishedAt: number | null;
}

/** What the session list shows of a session. */
export interface SessionOverview extends SessionHeader {
  state: SessionState;
}

/** Where one session stands at the hub, with its proctors (never their PINs). */
export interface SessionStatus extends SessionHeader {
  proctors: Array<{ username: string; displayName: string; roomIds: string[] }>;
  hasReleaseCode: boolean;
}

/** Why an attempt is not complete, as a code with its figures. */
export type CompletenessCause =
  | { code: 'two-claimants'; candidateIds: string[] }
  | { code: 'chain-broken'; deviceId: string; verifiedUpTo: number }
  | { code: 'venue-conflict'; deviceId: string }
  | { code: 'not-closed'; devices: Array<{ deviceId: string; lastSeq: number }> }
  | { code: 'chain-short'; devices: Array<{ deviceId: string; verifiedUpTo: number; lastSeq: number }> };

/** The rostered candidate a discrepancy is about. */
export interface DiscrepancyCandidate { candidateId: string; fullName: string; iin: string }

/**
 * The figures of each kind of discrepancy: what the staff's screens put into the
 * explanation, evidence and clearing action in the staff member's own language. Times are
 * epoch milliseconds, left for the reader's screen to format.
 */
export interface DiscrepancyParamsByKind {
  'score-mismatch': { attemptId: string; candidateId: string | null; venueTotal: number; hubTotal: number };
  'no-show': { candidate: DiscrepancyCandidate; roomId: string; seatId: string };
  'checked-in-no-attempt': { candidate: DiscrepancyCandidate; checkedInAt: number; deviceId: string; seq: number };
  'duplicate-attempts': { candidate: DiscrepancyCandidate; attempts: Array<{ attemptId: string; status: string; total: number; startedAt: number | null }> };
  'late-events': { attemptId: string; deadline: number | null; lateEventCount: number; lateAnswers: Array<{ itemId: string; at: number; deviceId: string; seq: number }> };
  'chain-conflict':
    | { cause: 'two-claimants'; attemptId: string; candidateIds: string[] }
    | { cause: 'chain-broken'; attemptId: string; deviceId: string; verifiedUpTo: number }
    | { cause: 'venue-conflict'; attemptId: string; deviceId: string }
    | { cause: 'alarm-conflict' | 'alarm-bad-chain'; alarmId: number; deviceId: string | null; seq: number | null; raisedAt: number };
  'clock-anomaly':
    | { cause: 'ahead'; deviceId: string; epoch: number; seq: number; at: number; receivedAt: number }
    | { cause: 'backwards'; deviceId: string; epoch: number; seq: number; at: number; previousSeq: number; previousAt: number };
  'never-closed': { attemptId: string; status: string; latestEnd: number; devices: Array<{ deviceId: string; lastSeq: number }> };
}

/** The eight kinds of discrepancy the queue knows. */
export type DiscrepancyKind = keyof DiscrepancyParamsByKind;
