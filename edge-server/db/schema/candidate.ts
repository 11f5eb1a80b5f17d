/**
 * Candidate sign-ins at the venue.
 * - `candidate_sessions`: one row per successful sign-in: the SHA-256 of the cookie
 *   token (never the token itself), the rostered candidate, their attempt, seat and the
 *   device (PC) that signed in. A later sign-in of the same candidate revokes the earlier
 *   rows, so only one PC at a time speaks for an attempt.
 * - `candidate_login_failures`: failed sign-ins per (client address, IIN) in the
 *   current window, so guessing access codes is rate-limited. Kept only as counters:
 *   no code that was typed is ever stored.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const candidateSessions = sqliteTable(
  'candidate_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    candidateId: text('candidate_id').notNull(),
    sessionId: text('session_id').notNull(),
    attemptId: text('attempt_id').notNull(),
    seatId: text('seat_id').notNull(),
    deviceId: text('device_id').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (table) => [index('candidate_sessions_attempt').on(table.attemptId)],
);

export const candidateLoginFailures = sqliteTable('candidate_login_failures', {
  /** `<client address>|<IIN>`. */
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at').notNull(),
});
