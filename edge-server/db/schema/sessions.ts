/**
 * Sessions published to this venue by the hub (exam, start time, rooms, roster,
 * proctors), as pulled by the downlink. A later entry for the same session replaces the
 * earlier one: the hub's log is the authority, and its seq is kept to show which.
 */
import type { Session } from '../../../sync/roster';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const sessions = sqliteTable('sessions', {
  sessionId: text('session_id').primaryKey(),
  examId: text('exam_id').notNull(),
  examVersion: integer('exam_version').notNull(),
  startsAt: integer('starts_at').notNull(),
  session: text('session', { mode: 'json' }).$type<Session>().notNull(),
  downlinkSeq: integer('downlink_seq').notNull(),
  receivedAt: integer('received_at').notNull(),
});
