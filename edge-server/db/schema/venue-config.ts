/**
 * The venue's own identity: its id, its Ed25519 public key (the private key lives in
 * the data folder as a 0600 file, never in the database), the hub it reports to and
 * whether the hub has accepted its key. One row; the uplink cannot sign without it.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const venueConfig = sqliteTable('venue_config', {
  id: integer('id').primaryKey(),
  venueId: text('venue_id').notNull(),
  /** Ed25519 public key, SPKI DER, base64: exactly what enrolment sends to the hub. */
  publicKey: text('public_key').notNull(),
  hubUrl: text('hub_url'),
  isEnrolled: integer('is_enrolled', { mode: 'boolean' }).notNull().default(false),
  enrolledAt: integer('enrolled_at'),
  createdAt: integer('created_at').notNull(),
});
