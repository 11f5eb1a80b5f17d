/**
 * Enrolled venues: each venue's Ed25519 public key (SPKI DER, base64), against which
 * the hub verifies every uplink batch, signed head and signed query the venue sends.
 */
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

export const venues = pgTable('venues', {
  venueId: text('venue_id').primaryKey(),
  name: text('name').notNull(),
  publicKey: text('public_key').notNull(),
  enrolledAt: bigint('enrolled_at', { mode: 'number' }).notNull(),
  lastSeenAt: bigint('last_seen_at', { mode: 'number' }),
});
