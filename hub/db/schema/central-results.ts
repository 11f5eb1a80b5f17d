/**
 * Results as the hub computed them with the shared fold and scoring, one row per attempt,
 * rewritten whenever an appeal decision re-scores the exam (the previous figures go into
 * that decision's report). Certificates are issued from published, passing rows only;
 * the certificate journal is kept for verification by IIN plus individual code.
 */
import { bigint, boolean, jsonb, pgTable, real, text } from 'drizzle-orm/pg-core';
import type { AttemptScore } from '../../../sync/scoring';

export const centralResults = pgTable('central_results', {
  attemptId: text('attempt_id').primaryKey(),
  sessionId: text('session_id').notNull(),
  candidateId: text('candidate_id').notNull(),
  total: real('total').notNull(),
  isPassed: boolean('is_passed').notNull(),
  score: jsonb('score').$type<AttemptScore>().notNull(),
  computedAt: bigint('computed_at', { mode: 'number' }).notNull(),
});

export const centralCertificates = pgTable('central_certificates', {
  certificateNumber: text('certificate_number').primaryKey(),
  attemptId: text('attempt_id').notNull().unique(),
  sessionId: text('session_id').notNull(),
  examId: text('exam_id').notNull(),
  iin: text('iin').notNull(),
  fullName: text('full_name').notNull(),
  /** The candidate's individual code (ИКТ), printed on the certificate; with the IIN it verifies it. */
  individualCode: text('individual_code').notNull(),
  total: real('total').notNull(),
  totalMax: real('total_max').notNull(),
  issuedAt: bigint('issued_at', { mode: 'number' }).notNull(),
  validUntil: bigint('valid_until', { mode: 'number' }).notNull(),
});
