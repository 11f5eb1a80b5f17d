/**
 * Prepared statements that more than one venue repository needs: the sessions the venue
 * holds, an attempt's rows of the venue log, the venue's identity, and a login-failure
 * table (one per kind of sign-in). Each helper prepares its statements once and returns
 * plain functions, so a repository keeps only the ones it uses.
 */
import type { Database } from 'better-sqlite3';
import type { Session } from '../../sync/roster';

/** Failed sign-ins counted for one rate-limit key within its window. */
export interface LoginFailureRow {
  key: string;
  failures: number;
  windowStartedAt: number;
}

/** A venue log row as stored, its body still JSON text. */
export interface RawLogRow {
  venueSeq: number;
  deviceId: string;
  receivedAt: number;
  body: string;
}

/** The venue log columns read as a {@link RawLogRow}. */
export const LOG_ROW_COLUMNS = 'venue_seq AS venueSeq, device_id AS deviceId, received_at AS receivedAt, body';

/** Reads, counts up and clears failed sign-ins in `table`. */
export interface LoginFailures {
  get(key: string): LoginFailureRow | undefined;
  set(row: LoginFailureRow): void;
  clear(key: string): void;
}

/** The statements over a login-failure table; `table` is one of the fixed names, never input. */
export function loginFailures(sqlite: Database, table: 'candidate_login_failures' | 'proctor_login_failures'): LoginFailures {
  const get = sqlite.prepare<[string], LoginFailureRow>(`SELECT key, failures, window_started_at AS windowStartedAt FROM ${table} WHERE key = ?`);
  const set = sqlite.prepare<LoginFailureRow>(
    `INSERT INTO ${table} (key, failures, window_started_at) VALUES (@key, @failures, @windowStartedAt)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_started_at = excluded.window_started_at`,
  );
  const clear = sqlite.prepare<[string]>(`DELETE FROM ${table} WHERE key = ?`);
  return { get: (key) => get.get(key), set: (row) => void set.run(row), clear: (key) => void clear.run(key) };
}

/** Every session the venue holds, latest start first. */
export function sessionsReader(sqlite: Database): () => Session[] {
  const statement = sqlite.prepare<[], { session: string }>('SELECT session FROM sessions ORDER BY starts_at DESC');
  return () => statement.all().map((row) => JSON.parse(row.session) as Session);
}

/** An attempt's rows of the venue log, in venue order. */
export function attemptRowsReader(sqlite: Database): (attemptId: string) => RawLogRow[] {
  const statement = sqlite.prepare<[string], RawLogRow>(`SELECT ${LOG_ROW_COLUMNS} FROM venue_log WHERE attempt_id = ? ORDER BY venue_seq`);
  return (attemptId) => statement.all(attemptId);
}

/** The venue's id and the creation time of its store (the epoch of the venue's own chain). */
export function venueIdentityReader(sqlite: Database): () => { venueId: string; createdAt: number } | undefined {
  const statement = sqlite.prepare<[], { venueId: string; createdAt: number }>('SELECT venue_id AS venueId, created_at AS createdAt FROM venue_config WHERE id = 1');
  return () => statement.get();
}
