/**
 * Storage steps of a venue uplink, each one statement, for the ingest service to run
 * inside ONE transaction per batch: lock the venue's head, read the stored hashes a
 * resend overlaps, read device heads, bulk-load the new events (one COPY), advance device
 * heads and the venue head. No per-event round trips.
 */
import { and, between, eq, inArray, sql } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import type { MerkleAccumulatorState } from '../../sync/merkle';
import type { SignedHead } from '../../sync/messages';
import { upsertAttemptSummaries } from './central/attempt-summaries';
import { transactionConnectionOf, type HubDb } from './client';
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

// PGlite: one statement per chunk; columns travel as arrays (a dozen parameters, however many rows).
const INSERT_CHUNK = 5000;

const EVENT_COLUMNS = 'venue_id, venue_seq, device_id, epoch, seq, type, attempt_id, at, received_at, hash, prev_hash, body';

// COPY's text format: a backslash, tab, newline or carriage return in a value must be escaped.
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyText = (value: string) => (COPY_SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : value);

/** The rows as COPY text-format lines (tab-separated, `\N` for null), in EVENT_COLUMNS order. */
function copyLines(venueId: string, rows: readonly VenueEventRow[], receivedAt: number): string {
  const venue = copyText(venueId);
  let text = '';
  for (const r of rows) {
    text += `${venue}\t${r.venueSeq}\t${copyText(r.deviceId)}\t${r.epoch}\t${r.seq}\t${copyText(r.type)}\t${r.attemptId === null ? '\\N' : copyText(r.attemptId)}\t${r.at}\t${receivedAt}\t${copyText(r.hash)}\t${copyText(r.prevHash)}\t${copyText(r.bodyJson)}\n`;
  }
  return text;
}

/**
 * Rows in the bulk load's wire form on PostgreSQL (COPY text, UTF-8), made ahead of the
 * batch's transaction so that the hub encodes one batch while the database stores another.
 */
export function encodeVenueEventRows(venueId: string, rows: readonly VenueEventRow[], receivedAt: number): Uint8Array {
  return Buffer.from(copyLines(venueId, rows, receivedAt), 'utf8');
}

/**
 * A bulk load of one batch's new events, inside the batch's transaction. On PostgreSQL it is
 * one COPY streamed as the rows are written, so the server stores the first rows while the
 * hub still decodes the rest. On PGlite (in-process, nothing to overlap, and its COPY slower
 * than its inserts) one `insert … select from unnest` of column arrays per 5000 rows at
 * `finish`. A duplicate event identity fails the load with the unique violation; either way
 * the caller's transaction rolls the whole batch back.
 */
export interface VenueEventSink {
  /**
   * Queues rows, in venue-seq order; rejects early if the database already refused the load.
   * `encoded`, when given, is {@link encodeVenueEventRows} of the same rows and the same
   * venue and receive time as the sink's.
   */
  write(rows: readonly VenueEventRow[], encoded?: Uint8Array): Promise<void>;
  /** Completes the load; resolves once the database holds every row (uncommitted). */
  finish(): Promise<void>;
  /** Abandons the load after a refusal (the transaction is about to roll back). */
  abort(reason: Error): Promise<void>;
}

/** Opens the bulk load of a batch's events; `db` must be the batch's transaction. */
export function openVenueEventSink(db: HubDb, venueId: string, receivedAt: number): VenueEventSink {
  const connection = transactionConnectionOf(db);
  if (!connection) throw new Error('openVenueEventSink: run it inside the batch\'s transaction');
  if (connection.kind === 'pglite') {
    const pending: VenueEventRow[] = [];
    return {
      write: async (rows) => {
        for (const row of rows) pending.push(row);
      },
      finish: async () => {
        for (let start = 0; start < pending.length; start += INSERT_CHUNK) {
          const chunk = pending.slice(start, start + INSERT_CHUNK);
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
      },
      abort: async () => undefined,
    };
  }
  const statement = `copy venue_events (${EVENT_COLUMNS}) from stdin`;
  let copy: ReturnType<typeof copyFrom> | undefined;
  let failure: Error | undefined;
  let done: Promise<void> = Promise.resolve();
  return {
    write: async (rows, encoded) => {
      if (failure) throw failure;
      if (rows.length === 0) return;
      if (!copy) {
        const stream = connection.client.query(copyFrom(statement));
        copy = stream;
        done = new Promise<void>((resolve, reject) => {
          stream.on('finish', resolve);
          stream.on('error', (error: Error) => {
            failure = error;
            reject(error);
          });
        });
        // Observed by finish() or abort(); never an unhandled rejection in between.
        done.catch(() => undefined);
      }
      // Buffered by the stream when the socket is busy: a batch's rows are bounded by the uplink's
      // size limits, and writing every ready slice at once keeps the server's load going.
      copy.write(encoded ?? encodeVenueEventRows(venueId, rows, receivedAt));
    },
    finish: async () => {
      copy?.end();
      await done;
    },
    abort: async (reason) => {
      // A load the server already refused is over; destroying it again would touch a released connection.
      if (copy && !failure && !copy.writableFinished) copy.destroy(reason);
      await done.catch(() => undefined);
    },
  };
}

/**
 * Inserts a venue's new events with one bulk load (see {@link openVenueEventSink}), inside
 * the caller's transaction, then folds them into their attempts' summaries.
 */
export async function insertVenueEvents(db: HubDb, venueId: string, rows: readonly VenueEventRow[], receivedAt: number): Promise<void> {
  const sink = openVenueEventSink(db, venueId, receivedAt);
  try {
    await sink.write(rows);
    await sink.finish();
  } catch (error) {
    await sink.abort(error as Error);
    throw error;
  }
  await summarizeVenueEvents(db, venueId, rows);
}

/** Folds newly stored events into their attempts' summaries (one upsert, same transaction). */
export async function summarizeVenueEvents(db: HubDb, venueId: string, rows: readonly VenueEventRow[]): Promise<void> {
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

/** Marks a savepoint in the caller's transaction (`name` is a fixed identifier of the caller's, never input). */
export async function createSavepoint(db: HubDb, name: string): Promise<void> {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a savepoint name: ${name}`);
  await db.execute(sql.raw(`savepoint ${name}`));
}

/** Undoes the caller's transaction back to a savepoint, leaving the transaction usable. */
export async function rollbackToSavepoint(db: HubDb, name: string): Promise<void> {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`not a savepoint name: ${name}`);
  await db.execute(sql.raw(`rollback to savepoint ${name}`));
}
