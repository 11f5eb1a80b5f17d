/**
 * Per device chain, the highest gapless seq the hub holds and its hash: the hub's cursor
 * for that chain, advanced in the same transaction as the events it covers. Its pages are
 * kept half full (migration 0005) so that each advance is a HOT update, with no new index entry.
 */
import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const deviceHeads = pgTable(
  'device_heads',
  {
    deviceId: text('device_id').notNull(),
    // A device's epoch is its store's creation time in ms: past 32 bits.
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    venueId: text('venue_id').notNull(),
    ackedSeq: integer('acked_seq').notNull(),
    ackedHash: text('acked_hash').notNull(),
  },
  (table) => [primaryKey({ columns: [table.deviceId, table.epoch] })],
);
