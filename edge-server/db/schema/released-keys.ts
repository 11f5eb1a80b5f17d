/**
 * Session keys released for the start of an exam: from the hub through the downlink,
 * or unwrapped locally by a proctor's release code when the hub is out of reach.
 * Holding a row here is what lets the venue open that session's sealed package.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const releasedKeys = sqliteTable('released_keys', {
  sessionId: text('session_id').primaryKey(),
  /** AES-256 key, hex. */
  key: text('key').notNull(),
  source: text('source', { enum: ['hub', 'release-code'] }).notNull(),
  downlinkSeq: integer('downlink_seq'),
  releasedAt: integer('released_at').notNull(),
});
