/**
 * The venue's pull cursor over the hub's downward log for this venue (a sequence in
 * the hub's order, never a timestamp), with the last success and failure. One row.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const downlinkState = sqliteTable('downlink_state', {
  id: integer('id').primaryKey(),
  cursor: integer('cursor').notNull().default(0),
  lastSuccessAt: integer('last_success_at'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
});
