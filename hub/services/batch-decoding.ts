/**
 * Decodes an authenticated venue batch ahead of its transaction: every event rebuilt,
 * validated and re-hashed by the codec, its Merkle leaf hashed and its bulk-load line
 * encoded, slice by slice, yielding to the event loop between slices. It starts as soon as
 * the batch is authenticated, so a pipelined batch is decoded while its predecessor is
 * still being stored and committed, and the transaction consumes the slices as they come.
 *
 * Nothing here decides anything against what the hub holds: the chain starts, the overlap
 * with held events and the nonce are checked in the transaction. A refusal the codec finds
 * (malformed event, chain not ending at its stated hash) is thrown to the consumer at the
 * point the decoding reached it, after the slices before it, as the codec itself would.
 */
import * as crypto from 'node:crypto';
import type { DecodedVenueBatch, VenueBatchReader } from '../../sync/codec';
import type { VenueEventRow } from '../db';

/**
 * Events decoded at a time: the consumer stores each slice while the next is decoded. The
 * first slice is small, so the database starts early when nothing is ahead of the batch.
 */
const DECODE_SLICE = 250;
const FIRST_DECODE_SLICE = 200;

/** A run of decoded events in venue-seq order. */
export interface DecodedSlice {
  rows: VenueEventRow[];
  /** The Merkle leaf hash of each row's event hash, in the same order. */
  leaves: Uint8Array[];
  /** The rows in the bulk load's wire form, when the database takes one. */
  encoded: Uint8Array | undefined;
}

// One-shot hashing (Node ≥ 20.12) skips a Hash object per digest; older Nodes use createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;
const sha256 = oneShot ? (bytes: Uint8Array) => oneShot('sha256', bytes, 'buffer') : (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest();

// 0x00 ‖ the event hash's 32 bytes, rewritten in place for every event.
const leafInput = Buffer.alloc(33);

/**
 * The Merkle leaf hash of an event, SHA-256(0x00 ‖ hash bytes) as sync/merkle.ts's `leafHash`
 * defines it, without allocating the hash's bytes: it is computed for every event ingested.
 */
export function eventLeafHash(hashHex: string): Uint8Array {
  leafInput.write(hashHex, 1, 32, 'hex');
  return sha256(leafInput);
}

/** The body is stored as the canonical JSON the codec hashed it from: no second encoding. */
function toRow({ venueSeq, event, bodyJson }: DecodedVenueBatch['entries'][number]): VenueEventRow {
  return {
    venueSeq, deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, type: event.type,
    attemptId: event.attemptId ?? null, at: event.at, hash: event.hash, prevHash: event.prevHash, bodyJson,
  };
}

export class BatchDecoding {
  readonly #slices: DecodedSlice[] = [];
  #isDone = false;
  #hasFailed = false;
  #failure: unknown;
  #isCancelled = false;
  #wake: (() => void) | undefined;

  /** Starts decoding `reader` at once; `encode` makes a slice's bulk-load form (omitted where there is none). */
  constructor(
    private readonly reader: VenueBatchReader,
    private readonly encode?: (rows: readonly VenueEventRow[]) => Uint8Array,
  ) {
    void this.#run();
  }

  /** The decoded slices in order, as they become ready; throws the codec's refusal where it was found. */
  async *slices(): AsyncGenerator<DecodedSlice> {
    for (let index = 0; ; ) {
      if (index < this.#slices.length) {
        yield this.#slices[index++]!;
        continue;
      }
      if (this.#hasFailed) throw this.#failure;
      if (this.#isDone) return;
      await new Promise<void>((wake) => (this.#wake = wake));
    }
  }

  /** Every slice, once the whole batch is decoded and its chains end where their headers say. */
  async all(): Promise<DecodedSlice[]> {
    const slices: DecodedSlice[] = [];
    for await (const slice of this.slices()) slices.push(slice);
    return slices;
  }

  /** Stops decoding (the batch was refused or stored); the slices already made are dropped with it. */
  cancel(): void {
    this.#isCancelled = true;
  }

  async #run(): Promise<void> {
    try {
      for (let size = FIRST_DECODE_SLICE; ; size = DECODE_SLICE) {
        if (this.#isCancelled) return;
        const entries = this.reader.next(size);
        if (entries.length === 0) break;
        const rows = entries.map(toRow);
        const leaves = rows.map((row) => eventLeafHash(row.hash));
        this.#slices.push({ rows, leaves, encoded: this.encode?.(rows) });
        this.#wake?.();
        // Let the batch ahead (its database answers, its commit) and the consumer run between slices.
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.reader.finish();
      this.#isDone = true;
    } catch (error) {
      this.#hasFailed = true;
      this.#failure = error;
    }
    this.#wake?.();
  }
}
