/**
 * One uplink pass: make sure the venue is enrolled, ask the hub where it stands, then
 * send the venue log after that point in ordered batches until the hub holds all of it.
 * Each batch is the compact venue codec, deflated, with a signed envelope carrying a
 * fresh nonce and the signed Merkle head of the whole venue log. Batches are pipelined:
 * the next one is sent before the receipt of the one before (UPLINK_WINDOW in flight), so
 * the hub checks it while it commits that one; the hub stores them in order, and receipts
 * are taken in order. A 413 halves the batch (never drops it); any other failure ends the
 * pass and the scheduler backs off.
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

/** Uplink batches in flight at once: one being committed by the hub while the next is checked. */
export const UPLINK_WINDOW = 2;

/** A batch read from the log and compressed, ready to sign and send. */
interface PreparedBatch {
  rows: VenueLogRow[];
  fromVenueSeq: number;
  lastVenueSeq: number;
  body: Uint8Array;
}

/** A batch sent and not yet answered. */
interface SentBatch {
  rows: VenueLogRow[];
  fromVenueSeq: number;
  lastVenueSeq: number;
  /** Sent while the batch before it was still unanswered: a gap may only mean the hub took it first. */
  isPipelined: boolean;
  receipt: Promise<UplinkCursor>;
}

export class UplinkPass {
  readonly #context: UplinkContext;
  readonly #maxBatch: number;
  #batchSize: number;
  /** Largest batch worth trying in this pass: lowered by each 413, so a halved size is not regrown into another refusal. */
  #ceiling: number;

  readonly #maxEncodedBytes: number;
  readonly #window: number;

  constructor(context: UplinkContext, maxBatch = 1000, maxEncodedBytes = MAX_ENCODED_BATCH_BYTES, window = UPLINK_WINDOW) {
    this.#context = context;
    this.#maxEncodedBytes = maxEncodedBytes;
    this.#window = Math.max(1, Math.floor(window));
    this.#maxBatch = maxBatch;
    this.#batchSize = maxBatch;
    this.#ceiling = maxBatch;
  }

  /** Batches refused as too large and halved so far (shown to tests and logs). */
  splits = 0;

  /**
   * Runs until the hub holds the whole log (returns its acked venue seq) or a failure (throws).
   * Up to the window's worth of batches are in flight, each starting where the one before ends,
   * and the batch after them is read and compressed while their receipts are awaited. Receipts
   * are taken oldest first, and each must show progress. When one fails or acknowledges
   * anything but the end of its batch, the batches sent after it are awaited and their answers
   * dropped (they were sent for a cursor that did not come true), and the pass goes on from
   * what the hub acknowledged: resending is always safe, the hub keeps a gapless prefix.
   */
  async run(): Promise<number> {
    const { store, hub, now } = this.#context;
    const record = (receipt: UplinkCursor) => store.uplink.recordSuccess(receipt, now());
    this.#ceiling = this.#maxBatch;
    const start = await ensureEnrolled(this.#context);
    record(start);
    let acked = start.ackedVenueSeq;
    const inFlight: SentBatch[] = [];
    let prepared: PreparedBatch | null = null;
    try {
      for (;;) {
        while (inFlight.length < this.#window) {
          const after = inFlight.at(-1)?.lastVenueSeq ?? acked;
          const batch = prepared?.fromVenueSeq === after + 1 ? prepared : this.#prepare(after);
          prepared = null;
          if (batch === 'too-large') continue;
          if (batch === null) break;
          inFlight.push(this.#send(batch, inFlight.length > 0));
        }
        const sent = inFlight.shift();
        if (!sent) return acked;
        // Read and compress the next batch while the hub works.
        const next = this.#prepare(inFlight.at(-1)?.lastVenueSeq ?? sent.lastVenueSeq);
        prepared = next === 'too-large' ? null : next;
        try {
          const receipt = await sent.receipt;
          if (receipt.ackedVenueSeq <= acked) throw new HubError(200, 'no-progress', `hub acknowledged ${receipt.ackedVenueSeq} after a batch from ${sent.fromVenueSeq}`);
          record(receipt);
          acked = receipt.ackedVenueSeq;
          this.#batchSize = Math.min(this.#ceiling, this.#batchSize * 2);
          if (acked !== sent.lastVenueSeq) await settleAll(inFlight);
        } catch (error) {
          await settleAll(inFlight);
          if (error instanceof HubError && error.status === 413 && sent.rows.length > 1) {
            this.#halve(sent.rows.length);
            continue;
          }
          if (error instanceof HubError && error.code === 'gap') {
            // It overtook the batch before it on the way (or that one failed): send it again, alone first.
            if (sent.isPipelined && sent.fromVenueSeq === acked + 1) continue;
            // The hub owns the cursor: on a gap, ask where it stands and go on from there.
            const cursor = await hub.cursor();
            if (cursor.ackedVenueSeq === acked) throw error;
            record(cursor);
            acked = cursor.ackedVenueSeq;
            continue;
          }
          throw error;
        }
      }
    } finally {
      // A pass that throws leaves no request unobserved.
      await settleAll(inFlight);
    }
  }

  /** Signs and sends a prepared batch; its receipt is awaited later, in order. */
  #send(batch: PreparedBatch, isPipelined: boolean): SentBatch {
    const { identity, hub } = this.#context;
    const { rows, fromVenueSeq, lastVenueSeq, body } = batch;
    const sentAt = hub.hubTime();
    const receipt = hub.sendBatch(body, {
      venueId: identity.venueId, nonce: newNonce(), sentAt, fromVenueSeq, count: rows.length,
      bodySha256: createHash('sha256').update(body).digest('hex'), head: signedHead(this.#context.ingest, identity, sentAt),
    });
    // Observed when its turn comes, or dropped with the batches after a failure: never unhandled.
    receipt.catch(() => undefined);
    return { rows, fromVenueSeq, lastVenueSeq, isPipelined, receipt };
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
    return { rows, fromVenueSeq, lastVenueSeq: rows[rows.length - 1]!.venueSeq, body: deflateSync(encoded) };
  }

  #halve(count: number): void {
    this.#batchSize = Math.ceil(count / 2);
    this.#ceiling = this.#batchSize;
    this.splits++;
  }
}

/** Waits for every batch still in flight and forgets them; their answers no longer count. */
async function settleAll(inFlight: SentBatch[]): Promise<void> {
  const dropped = inFlight.splice(0);
  await Promise.allSettled(dropped.map((batch) => batch.receipt));
}
