/**
 * Sealed exam packages, one per session, and the session key that opens each. The key
 * leaves the hub only in a key release (at start time) or wrapped under the release code.
 */
import { bigint, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { WrappedKey } from '../../../sync/seal';

export const packages = pgTable('packages', {
  sessionId: text('session_id').primaryKey(),
  examId: text('exam_id').notNull(),
  examVersion: integer('exam_version').notNull(),
  iv: text('iv').notNull(),
  ciphertext: text('ciphertext').notNull(),
  sha256: text('sha256').notNull(),
  sessionKey: text('session_key').notNull(),
  keyWrappedByReleaseCode: jsonb('key_wrapped_by_release_code').$type<WrappedKey>().notNull(),
  /** When the key release entry went into the downlink log; null until start time. */
  keyReleasedAt: bigint('key_released_at', { mode: 'number' }),
});
