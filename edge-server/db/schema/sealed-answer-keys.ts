/**
 * Answer keys as the hub sealed them (AES-256-GCM under the session key). The venue
 * scores with them for the analysis card; they open only once the session key is
 * released here, and are never served on any candidate route.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const sealedAnswerKeys = sqliteTable('sealed_answer_keys', {
  sessionId: text('session_id').primaryKey(),
  examId: text('exam_id').notNull(),
  examVersion: integer('exam_version').notNull(),
  iv: text('iv').notNull(),
  ciphertext: text('ciphertext').notNull(),
  sha256: text('sha256').notNull(),
  downlinkSeq: integer('downlink_seq').notNull(),
  receivedAt: integer('received_at').notNull(),
});
