/**
 * Nonces of signed venue requests already accepted, so a captured batch or query cannot
 * be replayed. Rows older than the time window may be pruned: the timestamp check
 * refuses those requests anyway.
 */
import { bigint, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const nonces = pgTable(
  'nonces',
  {
    venueId: text('venue_id').notNull(),
    nonce: text('nonce').notNull(),
    seenAt: bigint('seen_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.venueId, table.nonce] }), index('nonces_seen_at').on(table.seenAt)],
);
