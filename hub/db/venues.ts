/**
 * Venue enrolment storage: one-time tokens (hashed) and the enrolled venues' public
 * keys. Consuming a token and inserting the venue happen in one transaction, so a token
 * can enrol exactly one venue even under concurrent attempts.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { HubDb } from './client';
import { enrolmentTokens, venues } from './schema';

export interface VenueRow {
  venueId: string;
  name: string;
  publicKey: string;
  enrolledAt: number;
  lastSeenAt: number | null;
}

/** Stores a new enrolment token by its hash. */
export async function insertEnrolmentToken(db: HubDb, token: { tokenHash: string; venueId: string | null; createdBy: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.insert(enrolmentTokens).values(token);
}

/**
 * Marks an unused, unexpired token as used by a venue; returns the venue id the token was
 * bound to (or null when it was unbound), or `undefined` when no usable token matched.
 */
export async function consumeEnrolmentToken(db: HubDb, tokenHash: string, venueId: string, now: number): Promise<{ boundVenueId: string | null } | undefined> {
  const rows = await db
    .update(enrolmentTokens)
    .set({ usedAt: now, usedByVenueId: venueId })
    .where(and(eq(enrolmentTokens.tokenHash, tokenHash), isNull(enrolmentTokens.usedAt), sql`${enrolmentTokens.expiresAt} > ${now}`))
    .returning({ boundVenueId: enrolmentTokens.venueId });
  return rows[0];
}

/** Why a token did not match: never issued, already used, or expired. */
export async function enrolmentTokenState(db: HubDb, tokenHash: string, now: number): Promise<'unknown' | 'used' | 'expired' | 'usable'> {
  const [row] = await db.select().from(enrolmentTokens).where(eq(enrolmentTokens.tokenHash, tokenHash));
  if (!row) return 'unknown';
  if (row.usedAt !== null) return 'used';
  return row.expiresAt <= now ? 'expired' : 'usable';
}

/** Inserts a venue; false if the id is taken. */
export async function insertVenue(db: HubDb, venue: { venueId: string; name: string; publicKey: string; enrolledAt: number }): Promise<boolean> {
  const rows = await db.insert(venues).values(venue).onConflictDoNothing().returning({ venueId: venues.venueId });
  return rows.length === 1;
}

/** One venue, or undefined. */
export async function findVenue(db: HubDb, venueId: string): Promise<VenueRow | undefined> {
  const [row] = await db.select().from(venues).where(eq(venues.venueId, venueId));
  return row;
}

/** All venues. */
export async function listVenues(db: HubDb): Promise<VenueRow[]> {
  return db.select().from(venues).orderBy(venues.venueId);
}

/** Records the last time a venue reached the hub. */
export async function touchVenue(db: HubDb, venueId: string, now: number): Promise<void> {
  await db.update(venues).set({ lastSeenAt: now }).where(eq(venues.venueId, venueId));
}
