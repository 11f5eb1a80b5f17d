/**
 * Decisions central staff take, each kept for the record (the protocol is kept 5 years):
 * appeals commission decisions per item, reviewers' violation decisions per attempt, and
 * how each reconciliation discrepancy was cleared. Each row is written in the same
 * transaction as its audit-log entry.
 */
import { bigint, integer, jsonb, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import type { ItemKey } from '../../../sync/package';

export const centralItemDecisions = pgTable(
  'central_item_decisions',
  {
    examId: text('exam_id').notNull(),
    examVersion: integer('exam_version').notNull(),
    itemId: text('item_id').notNull(),
    outcome: text('outcome').$type<'voided' | 'key-corrected' | 'rejected'>().notNull(),
    correctedKey: jsonb('corrected_key').$type<ItemKey>(),
    reason: text('reason').notNull(),
    /** The re-scoring report: whose result changed. */
    report: jsonb('report').$type<Record<string, unknown>>().notNull(),
    decidedBy: text('decided_by').notNull(),
    decidedAt: bigint('decided_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.examId, table.examVersion, table.itemId] })],
);

export const centralViolationDecisions = pgTable('central_violation_decisions', {
  attemptId: text('attempt_id').primaryKey(),
  decision: text('decision').$type<'accept' | 'annul'>().notNull(),
  credibility: real('credibility').notNull(),
  reason: text('reason').notNull(),
  decidedBy: text('decided_by').notNull(),
  decidedAt: bigint('decided_at', { mode: 'number' }).notNull(),
});

export const centralDiscrepancyResolutions = pgTable('central_discrepancy_resolutions', {
  discrepancyId: text('discrepancy_id').primaryKey(),
  sessionId: text('session_id').notNull(),
  action: text('action').notNull(),
  reason: text('reason').notNull(),
  resolvedBy: text('resolved_by').notNull(),
  resolvedAt: bigint('resolved_at', { mode: 'number' }).notNull(),
});
