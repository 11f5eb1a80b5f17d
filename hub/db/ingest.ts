/**
 * Storage steps of a venue uplink, each one statement, for the ingest service to run
 * inside ONE transaction per batch: lock the venue's head, read the stored hashes a
 * resend overlaps, read device heads, insert the new events in one multi-row statement,
 * advance device heads and the venue head. No per-event round trips.
 */
import { and, between, eq, inArray, sql } from 'drizzle-orm';
import type { MerkleAccumulatorState } from '../../sync/merkle';
import type { SignedHead } from '../../sync/messages';
import { upsertAttemptSummaries } from './central/attempt-summaries';
import type { HubDb } from './client';
import { deviceHeads, nonces, venueEvents, venueHeads } from './schema';

/** A venue's head row, as the ingest reads and rewrites it. */
export interface VenueHeadRow {
  venueId: string;
  ackedVenueSeq: number;
  merkleState: MerkleAccumulatorState;
  root: string;
  signedHead: SignedHead | null;
  isHeadMatched: boolean;
}

/** One event row to insert. */
export interface VenueEventRow {
  venueSeq: number;
  deviceId: string;
  epoch: number;
  seq: number;
  type: string;
  attemptId: string | null;
  at: number;
  hash: string;
  prevHash: string;
  /** The event body as hashed, as JSON text. */
  bodyJson: string;
}

/** A device chain's cursor at the hub. */
export interface DeviceHeadRow {
  deviceId: string;
  epoch: number;
  ackedSeq: number;
  ackedHash: string;
}

/** Creates the empty head of a newly enrolled venue. */
export async function createVenueHead(db: HubDb, venueId: string, emptyRoot: string, now: number): Promise<void> {
  await db.insert(venueHeads).values({ venueId, ackedVenueSeq: 0, merkleState: { size: 0, frontier: [] }, root: emptyRoot, updatedAt: now }).onConflictDoNothing();
}

/** Reads a venue's head, locking it until the transaction ends (one uplink per venue at a time). */
export async function lockVenueHead(db: HubDb, venueId: string): Promise<VenueHeadRow | undefined> {
  const [row] = await db.select().from(venueHeads).where(eq(venueHeads.venueId, venueId)).for('update');
  return row ? { venueId: row.venueId, ackedVenueSeq: row.ackedVenueSeq, merkleState: row.merkleState, root: row.root, signedHead: row.signedHead ?? null, isHeadMatched: row.isHeadMatched } : undefined;
}

/** Reads a venue's head without locking (cursor queries). */
export async function readVenueHead(db: HubDb, venueId: string): Promise<VenueHeadRow | undefined> {
  const [row] = await db.select().from(venueHeads).where(eq(venueHeads.venueId, venueId));
  return row ? { venueId: row.venueId, ackedVenueSeq: row.ackedVenueSeq, merkleState: row.merkleState, root: row.root, signedHead: row.signedHead ?? null, isHeadMatched: row.isHeadMatched } : undefined;
}

/** Rewrites a venue's head after a batch and records the venue as seen, in one statement. */
export async function saveVenueHead(db: HubDb, head: VenueHeadRow, now: number): Promise<void> {
  await db.execute(sql`
    with saved as (
      update venue_heads set acked_venue_seq = ${head.ackedVenueSeq}, merkle_state = ${JSON.stringify(head.merkleState)}::jsonb, root = ${head.root},
        signed_head = ${head.signedHead === null ? null : JSON.stringify(head.signedHead)}::jsonb, is_head_matched = ${head.isHeadMatched}, updated_at = ${now}
      where venue_id = ${head.venueId}
    )
    update venues set last_seen_at = ${now} where venue_id = ${head.venueId}`);
}

/** Stored hashes of a venue's log between two venue seqs (inclusive), keyed by venue seq. */
export async function storedVenueHashes(db: HubDb, venueId: string, fromVenueSeq: number, toVenueSeq: number): Promise<Map<number, { hash: string; deviceId: string; epoch: number; seq: number }>> {
  const rows = await db
    .select({ venueSeq: venueEvents.venueSeq, hash: venueEvents.hash, deviceId: venueEvents.deviceId, epoch: venueEvents.epoch, seq: venueEvents.seq })
    .from(venueEvents)
    .where(and(eq(venueEvents.venueId, venueId), between(venueEvents.venueSeq, fromVenueSeq, toVenueSeq)));
  return new Map(rows.map((row) => [row.venueSeq, row]));
}

/** Device heads of the given device ids (all epochs). */
export async function readDeviceHeads(db: HubDb, deviceIds: readonly string[]): Promise<DeviceHeadRow[]> {
  if (deviceIds.length === 0) return [];
  return db
    .select({ deviceId: deviceHeads.deviceId, epoch: deviceHeads.epoch, ackedSeq: deviceHeads.ackedSeq, ackedHash: deviceHeads.ackedHash })
    .from(deviceHeads)
    .where(inArray(deviceHeads.deviceId, [...deviceIds]));
}

/** Inserts or advances device heads, one statement whatever their number. */
export async function upsertDeviceHeads(db: HubDb, venueId: string, heads: readonly DeviceHeadRow[]): Promise<void> {
  if (heads.length === 0) return;
  const column = <T>(pick: (head: DeviceHeadRow) => T) => sql.param(heads.map(pick));
  await db.execute(sql`
    insert into device_heads (device_id, epoch, venue_id, acked_seq, acked_hash)
    select u.device_id, u.epoch, ${venueId}, u.acked_seq, u.acked_hash
    from unnest(${column((h) => h.deviceId)}::text[], ${column((h) => h.epoch)}::bigint[], ${column((h) => h.ackedSeq)}::int[], ${column((h) => h.ackedHash)}::text[])
      as u(device_id, epoch, acked_seq, acked_hash)
    on conflict (device_id, epoch) do update set acked_seq = excluded.acked_seq, acked_hash = excluded.acked_hash, venue_id = excluded.venue_id`);
}

// One statement per chunk; columns travel as arrays (a dozen parameters, however many rows).
const INSERT_CHUNK = 5000;

/**
 * Inserts a venue's new events: one `insert … select from unnest(arrays)` per 5000 rows,
 * then folds them into their attempts' summaries with one upsert (same transaction).
 */
export async function insertVenueEvents(db: HubDb, venueId: string, rows: readonly VenueEventRow[], receivedAt: number): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    const column = <T>(pick: (row: VenueEventRow) => T) => sql.param(chunk.map(pick));
    await db.execute(sql`
      insert into venue_events (venue_id, venue_seq, device_id, epoch, seq, type, attempt_id, at, received_at, hash, prev_hash, body)
      select ${venueId}, u.venue_seq, u.device_id, u.epoch, u.seq, u.type, u.attempt_id, u.at, ${receivedAt}::bigint, u.hash, u.prev_hash, u.body::jsonb
      from unnest(
        ${column((r) => r.venueSeq)}::bigint[], ${column((r) => r.deviceId)}::text[], ${column((r) => r.epoch)}::bigint[],
        ${column((r) => r.seq)}::int[], ${column((r) => r.type)}::text[], ${column((r) => r.attemptId)}::text[],
        ${column((r) => r.at)}::bigint[], ${column((r) => r.hash)}::text[], ${column((r) => r.prevHash)}::text[],
        ${column((r) => r.bodyJson)}::text[]
      ) as u(venue_seq, device_id, epoch, seq, type, attempt_id, at, hash, prev_hash, body)`);
  }
  await upsertAttemptSummaries(db, venueId, rows);
}

/** Records a signed request's nonce; false if the venue already used it. */
export async function claimNonce(db: HubDb, venueId: string, nonce: string, now: number): Promise<boolean> {
  const rows = await db.insert(nonces).values({ venueId, nonce, seenAt: now }).onConflictDoNothing().returning({ nonce: nonces.nonce });
  return rows.length === 1;
}

/** Forgets nonces older than a time: requests that old are refused by their timestamp anyway. */
export async function pruneNonces(db: HubDb, olderThan: number): Promise<void> {
  await db.delete(nonces).where(sql`${nonces.seenAt} < ${olderThan}`);
}

/** Counts a venue's stored events (tests, status pages). */
export async function countVenueEvents(db: HubDb, venueId: string): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(venueEvents).where(eq(venueEvents.venueId, venueId));
  return row?.count ?? 0;
}

/** The stored hashes of a venue's log in venue-seq order (Merkle checks, audits). */
export async function venueLogHashes(db: HubDb, venueId: string): Promise<string[]> {
  const rows = await db.select({ hash: venueEvents.hash }).from(venueEvents).where(eq(venueEvents.venueId, venueId)).orderBy(venueEvents.venueSeq);
  return rows.map((row) => row.hash);
}
