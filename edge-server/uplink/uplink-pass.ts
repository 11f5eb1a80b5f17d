/**
 * One uplink pass: make sure the venue is enrolled, ask the hub where it stands, then
 * send the venue log after that point in ordered batches until the hub holds all of it.
 * Each batch is the compact venue codec, deflated, with a signed envelope carrying a
 * fresh nonce and the signed Merkle head of the whole venue log. A 413 halves the batch
 * (never drops it); any other failure ends the pass and the scheduler backs off.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encodeVenueBatch } from '../../sync/codec';
import type { ChainedEvent } from '../../sync/events';
import { headSigningText, type SignedHead } from '../../sync/messages';
import type { VenueStore } from '../db/store';
import type { VenueLogRow } from '../db/device-log';
import type { VenueIdentity } from '../identity';
import type { DeviceIngest } from '../services/device-ingest';
import { HubError, newNonce, type HubClient, type UplinkCursor } from './hub-client';

export interface UplinkContext {
  store: VenueStore;
  ingest: DeviceIngest;
  identity: VenueIdentity;
  hub: HubClient;
  enrolToken?: string;
  venueName: string;
  now: () => number;
}

export function rowToEvent(row: VenueLogRow): ChainedEvent {
  return { ...(JSON.parse(row.body) as object), prevHash: row.prevHash, hash: row.hash } as ChainedEvent;
}

/** The venue's signed statement of everything it holds now. */
export function signedHead(ingest: DeviceIngest, identity: VenueIdentity, at: number): SignedHead {
  const { size, root } = ingest.head();
  const head = { venueId: identity.venueId, size, root, at };
  return { ...head, signature: identity.sign(headSigningText(head)) };
}

/** Enrols on first contact if needed, then returns where the hub stands. */
async function ensureEnrolled(context: UplinkContext): Promise<UplinkCursor> {
  const { store, hub, enrolToken } = context;
  if (store.config.get()?.isEnrolled) return hub.cursor();
  try {
    // A venue that enrolled but crashed before recording it is already known by its key.
    const cursor = await hub.cursor();
    store.config.markEnrolled(context.now());
    return cursor;
  } catch (error) {
    if (!(error instanceof HubError) || error.status !== 401) throw error;
    if (!enrolToken) throw new HubError(401, 'not-enrolled', 'the hub does not know this venue yet; start it once with an enrolment token (VENUE_ENROL_TOKEN)');
  }
  await hub.enrol(enrolToken, context.venueName);
  store.config.markEnrolled(context.now());
  return hub.cursor();
}

/**
 * Largest encoded (uncompressed) batch the venue sends: the hub caps what a body may
 * inflate to, and a batch of evidence photos can be large in few events. Checked before
 * sending, so such a batch is halved here rather than refused there.
 */
export const MAX_ENCODED_BATCH_BYTES = 16 * 1024 * 1024;

/** A batch read from the log and compressed, ready to sign and send. */
interface PreparedBatch {
  rows: VenueLogRow[];
  fromVenueSeq: number;
  body: Uint8Array;
}

export class UplinkPass {
  readonly #context: UplinkContext;
  readonly #maxBatch: number;
  #batchSize: number;
  /** Largest batch worth trying in this pass: lowered by each 413, so a halved size is not regrown into another refusal. */
  #ceiling: number;

  readonly #maxEncodedBytes: number;

  constructor(context: UplinkContext, maxBatch = 1000, maxEncodedBytes = MAX_ENCODED_BATCH_BYTES) {
    this.#context = context;
    this.#maxEncodedBytes = maxEncodedBytes;
    this.#maxBatch = maxBatch;
    this.#batchSize = maxBatch;
    this.#ceiling = maxBatch;
  }

  /** Batches refused as too large and halved so far (shown to tests and logs). */
  splits = 0;

  /**
   * Runs until the hub holds the whole log (returns its acked venue seq) or a failure (throws).
   * While the hub stores one batch, the next one is read and compressed, so the venue's work
   * overlaps the hub's; it is still sent only after the receipt of the one before, and thrown
   * away if that receipt is not the expected one (a refusal, a split, a different cursor).
   */
  async run(): Promise<number> {
    const { store, identity, hub, now } = this.#context;
    const record = (receipt: UplinkCursor) => store.uplink.recordSuccess(receipt, now());
    this.#ceiling = this.#maxBatch;
    const start = await ensureEnrolled(this.#context);
    record(start);
    let acked = start.ackedVenueSeq;
    let prepared: PreparedBatch | 'too-large' | null = null;
    for (;;) {
      const batch = prepared ?? this.#prepare(acked);
      prepared = null;
      if (batch === null) return acked;
      if (batch === 'too-large') continue;
      const { rows, fromVenueSeq, body } = batch;
      const sentAt = hub.hubTime();
      try {
        const sending = hub.sendBatch(body, {
          venueId: identity.venueId, nonce: newNonce(), sentAt, fromVenueSeq, count: rows.length,
          bodySha256: createHash('sha256').update(body).digest('hex'), head: signedHead(this.#context.ingest, identity, sentAt),
        });
        const lastVenueSeq = rows[rows.length - 1]!.venueSeq;
        const next = this.#prepare(lastVenueSeq);
        const receipt = await sending;
        if (receipt.ackedVenueSeq <= acked) throw new HubError(200, 'no-progress', `hub acknowledged ${receipt.ackedVenueSeq} after a batch from ${fromVenueSeq}`);
        record(receipt);
        acked = receipt.ackedVenueSeq;
        this.#batchSize = Math.min(this.#ceiling, this.#batchSize * 2);
        if (acked === lastVenueSeq) prepared = next;
      } catch (error) {
        if (error instanceof HubError && error.status === 413 && rows.length > 1) {
          this.#halve(rows.length);
          continue;
        }
        // The hub owns the cursor: on a gap, ask where it stands and go on from there.
        if (error instanceof HubError && error.code === 'gap') {
          const cursor = await hub.cursor();
          if (cursor.ackedVenueSeq === acked) throw error;
          record(cursor);
          acked = cursor.ackedVenueSeq;
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * Reads and compresses the batch after venue seq `after`: null when the log ends there,
   * 'too-large' when it encodes past the size limit (the batch size is halved for the next try).
   */
  #prepare(after: number): PreparedBatch | 'too-large' | null {
    const { store, identity } = this.#context;
    const rows = store.log.readAfter(after, this.#batchSize);
    if (rows.length === 0) return null;
    const fromVenueSeq = rows[0]!.venueSeq;
    const encoded = encodeVenueBatch({ venueId: identity.venueId, fromVenueSeq, entries: rows.map((row) => ({ event: rowToEvent(row) })) });
    if (encoded.length > this.#maxEncodedBytes && rows.length > 1) {
      this.#halve(rows.length);
      return 'too-large';
    }
    return { rows, fromVenueSeq, body: deflateSync(encoded) };
  }

  #halve(count: number): void {
    this.#batchSize = Math.ceil(count / 2);
    this.#ceiling = this.#batchSize;
    this.splits++;
  }
}
