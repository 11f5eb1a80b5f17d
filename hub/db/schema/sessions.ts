/** Exam sessions the hub has scheduled, with their rosters, as published to their venue. */
import { bigint, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Session } from '../../../sync/roster';

export const sessions = pgTable('sessions', {
  sessionId: text('session_id').primaryKey(),
  venueId: text('venue_id').notNull(),
  examId: text('exam_id').notNull(),
  examVersion: integer('exam_version').notNull(),
  startsAt: bigint('starts_at', { mode: 'number' }).notNull(),
  body: jsonb('body').$type<Session>().notNull(),
  publishedAt: bigint('published_at', { mode: 'number' }).notNull(),
});
