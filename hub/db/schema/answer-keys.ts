/** Answer keys by exam version: the hub scores with them; they never reach a candidate's device. */
import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { AnswerKey } from '../../../sync/package';

export const answerKeys = pgTable(
  'answer_keys',
  {
    examId: text('exam_id').notNull(),
    examVersion: integer('exam_version').notNull(),
    body: jsonb('body').$type<AnswerKey>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.examId, table.examVersion] })],
);
