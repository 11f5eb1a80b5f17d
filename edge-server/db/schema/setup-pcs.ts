/**
 * The classroom PCs registered at venue set-up: which PC (by its computer name) stands at
 * which seat of which room. It comes from the technician's `pc-name,room,seat` CSV, so
 * the proctor's room plan and a candidate's seat check can name a PC, and a re-run of
 * set-up with the same CSV leaves it unchanged.
 */
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const setupPcs = sqliteTable(
  'setup_pcs',
  {
    pcName: text('pc_name').primaryKey(),
    room: text('room').notNull(),
    seat: text('seat').notNull(),
    registeredAt: integer('registered_at').notNull(),
  },
  (table) => [uniqueIndex('setup_pcs_room_seat').on(table.room, table.seat)],
);
