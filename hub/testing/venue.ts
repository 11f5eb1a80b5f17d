/**
 * A simulated venue for the hub's tests: an Ed25519 key pair, a log of chained events in
 * venue-seq order, and the signed, deflated batches, heads and queries a real venue sends.
 */
import { generateKeyPairSync, randomBytes, sign, createHash, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { bytesToHex, hexToBytes } from '../../sync/canonical';
import { encodeVenueBatch } from '../../sync/codec';
import type { ChainedEvent } from '../../sync/events';
import { merkleRoot } from '../../sync/merkle';
import { headSigningText, uplinkSigningText, type SignedHead, type UplinkEnvelope } from '../../sync/messages';
import { signedQueryText } from '../../sync/messages';

export interface SignedBatch {
  envelope: UplinkEnvelope;
  body: Uint8Array;
}

export class TestVenue {
  readonly publicKey: string;
  readonly #privateKey: KeyObject;
  /** The venue's log, venue seq 1 first. */
  readonly log: ChainedEvent[] = [];

  constructor(
    readonly venueId: string,
    readonly now: () => number = Date.now,
  ) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    this.#privateKey = privateKey;
  }

  sign(text: string): string {
    return sign(null, Buffer.from(text, 'utf8'), this.#privateKey).toString('base64');
  }

  /** Appends events to the venue's log. */
  append(events: readonly ChainedEvent[]): void {
    this.log.push(...events);
  }

  /** The venue's signed head over its first `size` events (all by default). */
  head(size = this.log.length): SignedHead {
    const root = bytesToHex(merkleRoot(this.log.slice(0, size).map((event) => hexToBytes(event.hash))));
    const unsigned = { venueId: this.venueId, size, root, at: this.now() };
    return { ...unsigned, signature: this.sign(headSigningText(unsigned)) };
  }

  /** A signed batch of log entries [fromVenueSeq, fromVenueSeq + count). */
  batch(fromVenueSeq: number, count: number, options: { events?: ChainedEvent[]; head?: SignedHead } = {}): SignedBatch {
    const events = options.events ?? this.log.slice(fromVenueSeq - 1, fromVenueSeq - 1 + count);
    const body = deflateSync(encodeVenueBatch({ venueId: this.venueId, fromVenueSeq, entries: events.map((event) => ({ event })) }));
    return this.envelop(body, fromVenueSeq, events.length, options.head ?? this.head());
  }

  /** Signs an envelope around any body. */
  envelop(body: Uint8Array, fromVenueSeq: number, count: number, head: SignedHead): SignedBatch {
    const unsigned = {
      venueId: this.venueId, nonce: randomBytes(16).toString('hex'), sentAt: this.now(), fromVenueSeq, count,
      bodySha256: createHash('sha256').update(body).digest('hex'), head,
    };
    return { envelope: { ...unsigned, signature: this.sign(uplinkSigningText(unsigned)) }, body };
  }

  /** The request init of an uplink POST. */
  static post(batch: SignedBatch): RequestInit {
    return { method: 'POST', body: new Uint8Array(batch.body), headers: { 'content-type': 'application/octet-stream', 'x-uplink-envelope': JSON.stringify(batch.envelope) } };
  }

  /** Headers of a signed query. */
  queryHeaders(): Record<string, string> {
    const nonce = randomBytes(16).toString('hex');
    const sentAt = this.now();
    return { 'x-venue-id': this.venueId, 'x-nonce': nonce, 'x-sent-at': String(sentAt), 'x-signature': this.sign(signedQueryText(this.venueId, nonce, sentAt)) };
  }
}
