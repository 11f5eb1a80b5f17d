/**
 * Reads and writes for the candidate's sign-in (tables in schema/candidate.ts) and the
 * read-only lookups the candidate routes need from the rest of the venue database:
 * the roster by IIN, and an attempt's events in the venue's order.
 */
import type { Statement } from 'better-sqlite3';
import type { Session } from '../../sync/roster';
import type { VenueDatabase } from './client';
import { attemptRowsReader, loginFailures, sessionsReader, venueIdentityReader, type LoginFailures, type RawLogRow } from './venue-reads';

export type { LoginFailureRow } from './venue-reads';

export interface CandidateSessionRow {
  tokenHash: string;
  candidateId: string;
  sessionId: string;
  attemptId: string;
  seatId: string;
  deviceId: string;
  createdAt: number;
  revokedAt: number | null;
}

/** One venue log row of an attempt, with its body parsed. */
export interface AttemptLogRow {
  venueSeq: number;
  deviceId: string;
  receivedAt: number;
  body: unknown;
}

export class CandidateRepository {
  readonly #db: VenueDatabase;
  readonly #sessions: () => Session[];
  readonly #insert: Statement<CandidateSessionRow>;
  readonly #revokeOthers: Statement<[number, string, string]>;
  readonly #byToken: Statement<[string], CandidateSessionRow>;
  /** Failed sign-ins per rate-limit key. */
  readonly loginFailures: LoginFailures;
  readonly #attemptRows: (attemptId: string) => RawLogRow[];
  readonly #venueIdentity: () => { venueId: string; createdAt: number } | undefined;

  constructor(db: VenueDatabase) {
    const { sqlite } = db;
    this.#db = db;
    this.#sessions = sessionsReader(sqlite);
    this.#insert = sqlite.prepare(
      `INSERT INTO candidate_sessions (token_hash, candidate_id, session_id, attempt_id, seat_id, device_id, created_at, revoked_at)
       VALUES (@tokenHash, @candidateId, @sessionId, @attemptId, @seatId, @deviceId, @createdAt, @revokedAt)`,
    );
    this.#revokeOthers = sqlite.prepare('UPDATE candidate_sessions SET revoked_at = ? WHERE attempt_id = ? AND token_hash <> ? AND revoked_at IS NULL');
    this.#byToken = sqlite.prepare(
      `SELECT token_hash AS tokenHash, candidate_id AS candidateId, session_id AS sessionId, attempt_id AS attemptId, seat_id AS seatId,
              device_id AS deviceId, created_at AS createdAt, revoked_at AS revokedAt
       FROM candidate_sessions WHERE token_hash = ?`,
    );
    this.loginFailures = loginFailures(sqlite, 'candidate_login_failures');
    this.#attemptRows = attemptRowsReader(sqlite);
    this.#venueIdentity = venueIdentityReader(sqlite);
  }

  /** Every session the venue holds, latest start first. */
  sessions(): Session[] {
    return this.#sessions();
  }

  /** Stores a new sign-in and revokes every earlier one of the same attempt, in one transaction. */
  openSession(row: Omit<CandidateSessionRow, 'revokedAt'>): void {
    this.#db.transaction(() => {
      this.#insert.run({ ...row, revokedAt: null });
      this.#revokeOthers.run(row.createdAt, row.attemptId, row.tokenHash);
    });
  }

  sessionByTokenHash(tokenHash: string): CandidateSessionRow | undefined {
    return this.#byToken.get(tokenHash);
  }

  /** The attempt's events as the venue holds them, in venue order. */
  attemptLog(attemptId: string): AttemptLogRow[] {
    return this.#attemptRows(attemptId).map((row) => ({ venueSeq: row.venueSeq, deviceId: row.deviceId, receivedAt: row.receivedAt, body: JSON.parse(row.body) as unknown }));
  }

  /** The venue's id and the creation time of its store (the epoch of the venue's own chain). */
  venueIdentity(): { venueId: string; createdAt: number } | undefined {
    return this.#venueIdentity();
  }
}
