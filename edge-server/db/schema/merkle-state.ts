/**
 * The frontier of the venue log's Merkle accumulator (RFC 6962), saved in the same
 * transaction as the events it covers, so the signed head always matches the log
 * without rehashing it at start. One row.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const merkleState = sqliteTable('merkle_state', {
  id: integer('id').primaryKey(),
  size: integer('size').notNull(),
  /** Frontier hashes, largest subtree first, as a JSON array of hex strings. */
  frontier: text('frontier', { mode: 'json' }).$type<string[]>().notNull(),
  root: text('root').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
