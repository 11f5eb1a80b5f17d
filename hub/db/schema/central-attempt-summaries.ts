/**
 * One summary row per attempt, kept up to date by the uplink ingest in the same
 * transaction that stores the attempt's events, so the reconciliation dashboard reads
 * a row per attempt instead of aggregating millions of raw events. It is derived data:
 * everything in it can be recomputed from venue_events (the evidence), and the tests do.
 * Its pages are kept half full (migration 0005) so that each batch's rewrite of a row is a
 * HOT update, with no new index entry.
 */
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const attemptSummaries = pgTable(
  'attempt_summaries',
  {
    venueId: text('venue_id').notNull(),
    attemptId: text('attempt_id').notNull(),
    /** From the attempt's `attempt.started` (the least, if several claim it); null until one arrives. */
    sessionId: text('session_id'),
    candidateId: text('candidate_id'),
    /** Last seq received per device chain that wrote to the attempt, keyed `deviceId#epoch`. */
    deviceSeqs: jsonb('device_seqs').$type<Record<string, number>>().notNull(),
    eventCount: integer('event_count').notNull(),
    firstAt: bigint('first_at', { mode: 'number' }).notNull(),
    lastAt: bigint('last_at', { mode: 'number' }).notNull(),
    /** Earliest `attempt.closed` / `attempt.finished` time; null while open. */
    closedAt: bigint('closed_at', { mode: 'number' }),
    isClosed: boolean('is_closed').notNull(),
    /** Events of the attempt timed after it was closed. */
    lateCount: integer('late_count').notNull(),
    /** Two different candidates claimed the attempt. */
    isConflict: boolean('is_conflict').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.venueId, table.attemptId] }),
    index('attempt_summaries_session').on(table.sessionId, table.attemptId),
  ],
);
