/**
 * Alarms raised by device pushes that must never be merged silently: the same
 * (device id, epoch, seq) offered with a different hash than the one held. The push is
 * refused and changes nothing else; this row is the record that it happened.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const syncAlarms = sqliteTable('sync_alarms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  reason: text('reason').notNull(),
  deviceId: text('device_id').notNull(),
  epoch: integer('epoch').notNull(),
  seq: integer('seq').notNull(),
  heldHash: text('held_hash'),
  offeredHash: text('offered_hash'),
  raisedAt: integer('raised_at').notNull(),
});
