/**
 * The hub's ordered downward log: sessions, sealed packages and key releases for each
 * venue. Venues pull it by cursor over `seq`, never by timestamp, so nothing is skipped.
 */
import { bigint, bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

export const downlinkLog = pgTable(
  'downlink_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    venueId: text('venue_id').notNull(),
    kind: text('kind').notNull(),
    /** The entry without its seq (DownlinkEntry minus `seq`). */
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (table) => [index('downlink_log_venue_seq').on(table.venueId, table.seq)],
);
