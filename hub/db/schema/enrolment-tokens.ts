/**
 * One-time enrolment tokens. Only a SHA-256 of each token is stored, so a copy of the
 * database cannot enrol a venue; `usedAt` makes a token single-use.
 */
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

export const enrolmentTokens = pgTable('enrolment_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  /** The venue id the token is for; null lets the venue choose its id at enrolment. */
  venueId: text('venue_id'),
  createdBy: text('created_by').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  usedAt: bigint('used_at', { mode: 'number' }),
  usedByVenueId: text('used_by_venue_id'),
});
