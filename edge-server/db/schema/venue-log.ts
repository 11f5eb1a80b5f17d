/**
 * The venue log: every device event the venue has accepted, in the order it committed
 * them. `venue_seq` runs 1, 2, 3… without gaps; it is the uplink's cursor and the leaf
 * index of the venue's Merkle log, so a row is never updated or deleted. The venue is
 * the durable copy of these events (the hub may lose its tail), so they stay here for
 * the whole retention period, even after the hub has acknowledged them.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const venueLog = sqliteTable(
  'venue_log',
  {
    venueSeq: integer('venue_seq').primaryKey(),
    deviceId: text('device_id').notNull(),
    epoch: integer('epoch').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    attemptId: text('attempt_id'),
    /** Time on the writing device's clock. */
    at: integer('at').notNull(),
    /** Time on the venue's clock, the authority. */
    receivedAt: integer('received_at').notNull(),
    hash: text('hash').notNull(),
    prevHash: text('prev_hash').notNull(),
    /** The event body exactly as hashed (without prevHash and hash), as JSON. */
    body: text('body', { mode: 'json' }).notNull(),
  },
  (table) => [
    uniqueIndex('venue_log_device_seq').on(table.deviceId, table.epoch, table.seq),
    index('venue_log_attempt').on(table.attemptId),
  ],
);
