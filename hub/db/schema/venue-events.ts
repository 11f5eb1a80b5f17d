/**
 * Every event each venue has forwarded, in the venue's own log order. This is the hub's
 * copy of the evidence: rows are only ever inserted. (venue_id, venue_seq) orders the
 * venue's Merkle log; (device_id, epoch, seq) is the event's identity, so the same event
 * can never be stored twice.
 */
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';

export const venueEvents = pgTable(
  'venue_events',
  {
    venueId: text('venue_id').notNull(),
    venueSeq: bigint('venue_seq', { mode: 'number' }).notNull(),
    deviceId: text('device_id').notNull(),
    // A device's epoch is its store's creation time in ms: past 32 bits.
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    attemptId: text('attempt_id'),
    at: bigint('at', { mode: 'number' }).notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    prevHash: text('prev_hash').notNull(),
    /** The event body exactly as hashed (without prevHash and hash). */
    body: jsonb('body').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.venueId, table.venueSeq] }),
    unique('venue_events_device_seq').on(table.deviceId, table.epoch, table.seq),
    index('venue_events_attempt').on(table.attemptId),
  ],
);
