/**
 * Sessions as central staff schedule them: the exam version, venue, start time and the
 * imported roster, before and after publication. The release code is kept so staff can
 * read it to a venue that is offline at start time; it opens only that session's key.
 */
import { bigint, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Proctor, RosterCandidate } from '../../../sync/roster';

export const centralSessions = pgTable('central_sessions', {
  sessionId: text('session_id').primaryKey(),
  venueId: text('venue_id').notNull(),
  examId: text('exam_id').notNull(),
  examVersion: integer('exam_version').notNull(),
  startsAt: bigint('starts_at', { mode: 'number' }).notNull(),
  candidates: jsonb('candidates').$type<RosterCandidate[]>().notNull(),
  /** The venue's proctors for this session, PINs as scrypt hashes only. */
  proctors: jsonb('proctors').$type<Proctor[]>().notNull().default([]),
  createdBy: text('created_by').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  publishedAt: bigint('published_at', { mode: 'number' }),
  releaseCode: text('release_code'),
  /** When results were published (after reconciliation and appeals). */
  resultsPublishedAt: bigint('results_published_at', { mode: 'number' }),
});
