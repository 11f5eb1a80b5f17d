/**
 * Exam packages as the hub sealed them (AES-256-GCM under the session key), kept
 * encrypted until the key is released, plus the session key wrapped under the release
 * code, so a venue cut off from the hub at start time can still open the package with
 * the code a proctor types in.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const sealedPackages = sqliteTable('sealed_packages', {
  sessionId: text('session_id').primaryKey(),
  examId: text('exam_id').notNull(),
  examVersion: integer('exam_version').notNull(),
  iv: text('iv').notNull(),
  ciphertext: text('ciphertext').notNull(),
  sha256: text('sha256').notNull(),
  keyWrappedByReleaseCode: text('key_wrapped_by_release_code', { mode: 'json' })
    .$type<{ salt: string; iv: string; ciphertext: string }>()
    .notNull(),
  downlinkSeq: integer('downlink_seq').notNull(),
  receivedAt: integer('received_at').notNull(),
});
