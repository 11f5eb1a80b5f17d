/**
 * Alarms for central staff: conflicting events, forged or replayed batches, heads that do
 * not match. Written in their own transaction so a refused batch still leaves its trace.
 */
import { bigint, bigserial, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

export const alarms = pgTable('alarms', {
  alarmId: bigserial('alarm_id', { mode: 'number' }).primaryKey(),
  venueId: text('venue_id'),
  kind: text('kind').notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  raisedAt: bigint('raised_at', { mode: 'number' }).notNull(),
});
