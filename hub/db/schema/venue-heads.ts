/**
 * Per venue, the hub's cursor over the venue's log (highest gapless venue seq), the
 * Merkle accumulator over those events (so the root never needs a full rescan), and the
 * last head the venue signed, with whether our root matched it.
 */
import { bigint, boolean, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { MerkleAccumulatorState } from '../../../sync/merkle';
import type { SignedHead } from '../../../sync/messages';

export const venueHeads = pgTable('venue_heads', {
  venueId: text('venue_id').primaryKey(),
  ackedVenueSeq: bigint('acked_venue_seq', { mode: 'number' }).notNull(),
  merkleState: jsonb('merkle_state').$type<MerkleAccumulatorState>().notNull(),
  root: text('root').notNull(),
  signedHead: jsonb('signed_head').$type<SignedHead>(),
  isHeadMatched: boolean('is_head_matched').notNull().default(false),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});
