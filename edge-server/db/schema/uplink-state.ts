/**
 * Progress of the uplink to the hub: the highest venue seq the hub has acknowledged,
 * and the last success and failure, shown in health. One row. Nothing in the venue log
 * depends on it: the hub owns the cursor, and the pump asks for it after any failure.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const uplinkState = sqliteTable('uplink_state', {
  id: integer('id').primaryKey(),
  ackedVenueSeq: integer('acked_venue_seq').notNull().default(0),
  hubRoot: text('hub_root'),
  isHeadMatched: integer('is_head_matched', { mode: 'boolean' }),
  lastSuccessAt: integer('last_success_at'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  /** Consecutive failures since the last success. */
  attempts: integer('attempts').notNull().default(0),
});
