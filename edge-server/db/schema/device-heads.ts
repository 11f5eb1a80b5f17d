/**
 * Per device chain (device id, epoch): the highest gapless seq the venue has committed
 * and its hash. This is the receiver's cursor that a device asks for after a reconnect,
 * and the point from which the next push's chain is verified.
 */
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const deviceHeads = sqliteTable(
  'device_heads',
  {
    deviceId: text('device_id').notNull(),
    epoch: integer('epoch').notNull(),
    ackedSeq: integer('acked_seq').notNull(),
    ackedHash: text('acked_hash').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.deviceId, table.epoch] })],
);
