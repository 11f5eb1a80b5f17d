/**
 * Exam packages imported by central staff, with their answer keys: the hub's bank of
 * exam versions. A session is scheduled against one of these and sealed from it when
 * published. Rows are written whole by one import (all-or-nothing), never patched.
 */
import { bigint, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { AnswerKey, ExamPackage } from '../../../sync/package';

export const centralExams = pgTable(
  'central_exams',
  {
    examId: text('exam_id').notNull(),
    examVersion: integer('exam_version').notNull(),
    examPackage: jsonb('exam_package').$type<ExamPackage>().notNull(),
    answerKey: jsonb('answer_key').$type<AnswerKey>().notNull(),
    sha256: text('sha256').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: bigint('imported_at', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.examId, table.examVersion] })],
);
