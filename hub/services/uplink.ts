/**
 * Venue → hub ingest. A batch is checked outside any transaction (signature, body digest,
 * signed head, clock, decoding), then stored in ONE transaction: nonce, venue head lock,
 * overlap with what is held, per-device chain decisions (sync/receiver.ts), the events
 * in one multi-row insert, device heads, and the venue's Merkle accumulator. The receipt
 * goes out only after that commits, so it never covers an event the hub does not hold.
 * A refusal rolls everything back; its alarm is written in a transaction of its own.
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { hexToBytes } from '../../sync/canonical';
import { GENESIS_HASH } from '../../sync/chain';
import { decodeVenueBatch, type DecodedVenueBatch } from '../../sync/codec';
import type { ChainedEvent } from '../../sync/events';
import { MerkleAccumulator } from '../../sync/merkle';
import { headSigningText, uplinkSigningText, type UplinkEnvelope, type UplinkReceipt } from '../../sync/messages';
import { decideBatch, type HeldChain } from '../../sync/receiver';
import { SyncRefusal, isSyncRefusal } from '../../sync/refusals';
import type { HubContext } from '../context';
import {
  claimNonce, insertVenueEvents, isUniqueViolation, lockVenueHead, raiseAlarm, readDeviceHeads, readVenueHead, saveVenueHead,
  storedVenueHashes, upsertDeviceHeads, type HubDb, type VenueEventRow, type VenueHeadRow,
} from '../db';
import { isVenueSignature, type VenueKeys } from './venue-auth';

const chainKey = (deviceId: string, epoch: number) => `${deviceId}\u0000${epoch}`;

/**
 * Device heads per venue, valid as of the venue's acked seq. Device heads only move with
 * their venue's uplink, which holds the venue head's row lock; if the locked head is not
 * the seq the cache was filled at (another hub process ingested), the venue's cache is dropped.
 */
class DeviceHeadCache {
  readonly #venues = new Map<string, { ackedVenueSeq: number; chains: Map<string, HeldChain> }>();

  forVenue(venueId: string, ackedVenueSeq: number): Map<string, HeldChain> {
    const entry = this.#venues.get(venueId);
    if (entry && entry.ackedVenueSeq === ackedVenueSeq) return entry.chains;
    return new Map();
  }

  commit(venueId: string, ackedVenueSeq: number, chains: Map<string, HeldChain>): void {
    this.#venues.set(venueId, { ackedVenueSeq, chains });
  }
}

export class UplinkService {
  readonly #heads = new DeviceHeadCache();

  constructor(
    private readonly ctx: HubContext,
    private readonly keys: VenueKeys,
  ) {}

  /** Where the hub stands for a venue: its gapless venue seq, its root over those events, and whether the venue's last signed head matched. */
  async cursor(venueId: string): Promise<{ ackedVenueSeq: number; root: string; isHeadMatched: boolean }> {
    const head = await readVenueHead(this.ctx.database.db, venueId);
    if (!head) throw new SyncRefusal('unknown-venue', `no enrolled venue ${venueId}`);
    return { ackedVenueSeq: head.ackedVenueSeq, root: head.root, isHeadMatched: head.isHeadMatched };
  }

  /** Verifies, decodes and stores one signed, compressed venue batch. */
  async receive(envelope: UplinkEnvelope, compressed: Uint8Array): Promise<UplinkReceipt> {
    const batch = await this.#authenticate(envelope, compressed);
    const now = this.ctx.now();
    let outcome: { receipt: UplinkReceipt; ackedVenueSeq: number; chains: Map<string, HeldChain> };
    try {
      outcome = await this.ctx.database.db.transaction((tx) => this.#store(tx, envelope, batch, now));
    } catch (caught) {
      // The unique keys are the last line of defence: an event stored twice is a conflict, never a 500.
      const error = isUniqueViolation(caught) ? new SyncRefusal('conflict', 'an event in this batch is already held elsewhere in the hub') : caught;
      if (isSyncRefusal(error) && (error.reason === 'conflict' || error.reason === 'stale-nonce')) {
        const kind = error.reason === 'conflict' ? 'conflict' : 'replayed-batch';
        await this.keys.alarm(envelope.venueId, kind, { nonce: envelope.nonce, fromVenueSeq: envelope.fromVenueSeq, message: error.message, ...error.detail });
      }
      throw error;
    }
    this.#heads.commit(envelope.venueId, outcome.ackedVenueSeq, outcome.chains);
    await this.keys.pruneNonces();
    return outcome.receipt;
  }

  /** Everything that needs no database write: a failure here changes nothing but an alarm row. */
  async #authenticate(envelope: UplinkEnvelope, compressed: Uint8Array): Promise<DecodedVenueBatch> {
    const { venueId } = envelope;
    const key = await this.keys.keyOf(venueId);
    const { signature, ...signed } = envelope;
    const forged = async (what: string): Promise<never> => {
      await this.keys.alarm(venueId, 'forged-batch', { nonce: envelope.nonce, fromVenueSeq: envelope.fromVenueSeq, what });
      throw new SyncRefusal('bad-signature', what);
    };
    if (!isVenueSignature(key, uplinkSigningText(signed), signature)) await forged('the batch signature does not verify with the venue key');
    if (createHash('sha256').update(compressed).digest('hex') !== envelope.bodySha256) await forged('the body does not match its signed digest');
    const { signature: headSignature, ...head } = envelope.head;
    if (head.venueId !== venueId || !isVenueSignature(key, headSigningText(head), headSignature)) await forged('the signed head does not verify with the venue key');
    try {
      this.keys.checkClock(envelope.sentAt);
    } catch (error) {
      await this.keys.alarm(venueId, 'replayed-batch', { nonce: envelope.nonce, sentAt: envelope.sentAt, hubTime: this.ctx.now() });
      throw error;
    }
    let raw: Uint8Array;
    try {
      raw = inflateSync(compressed, { maxOutputLength: this.ctx.config.uplinkInflatedLimitBytes });
    } catch (error) {
      // Too large must say so, so the venue halves the batch instead of retrying it for ever.
      if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new SyncRefusal('too-large', 'the body inflates past the size limit; split the batch');
      }
      throw new SyncRefusal('malformed', 'the body is not deflate data');
    }
    let batch: DecodedVenueBatch;
    try {
      batch = decodeVenueBatch(raw);
    } catch (error) {
      if (isSyncRefusal(error) && error.reason === 'bad-chain') await this.keys.alarm(venueId, 'bad-chain', { nonce: envelope.nonce, message: error.message, ...error.detail });
      throw error;
    }
    if (batch.venueId !== venueId || batch.fromVenueSeq !== envelope.fromVenueSeq || batch.entries.length !== envelope.count) {
      throw new SyncRefusal('malformed', 'the body does not match its envelope (venue, first venue seq or count)');
    }
    return batch;
  }

  async #store(tx: HubDb, envelope: UplinkEnvelope, batch: DecodedVenueBatch, now: number) {
    const { venueId } = envelope;
    if (!(await claimNonce(tx, venueId, envelope.nonce, now))) throw new SyncRefusal('stale-nonce', 'this nonce was already used');
    const head = await lockVenueHead(tx, venueId);
    if (!head) throw new SyncRefusal('unknown-venue', `no enrolled venue ${venueId}`);
    const acked = head.ackedVenueSeq;
    if (batch.fromVenueSeq > acked + 1) {
      throw new SyncRefusal('gap', `batch starts at venue seq ${batch.fromVenueSeq}, the hub holds up to ${acked}`, { ackedSeq: acked });
    }
    await this.#checkOverlap(tx, venueId, acked, batch);
    const fresh = batch.entries.filter((entry) => entry.venueSeq > acked);
    const chains = await this.#decideChains(tx, venueId, acked, fresh.map((entry) => entry.event));
    const rows: VenueEventRow[] = fresh.map(({ venueSeq, event }) => toRow(venueSeq, event));
    await insertVenueEvents(tx, venueId, rows, now);
    await upsertDeviceHeads(tx, venueId, [...chains.touched].map((key) => {
      const held = chains.all.get(key)!;
      return { deviceId: held.deviceId, epoch: held.epoch, ackedSeq: held.heldSeq, ackedHash: held.heldHash };
    }));
    const next = advanceHead(head, fresh.map((entry) => entry.event.hash), envelope);
    const isNewComparison = next.signedHead?.signature !== head.signedHead?.signature || next.ackedVenueSeq !== head.ackedVenueSeq;
    if (next.signedHead && next.signedHead.size === next.ackedVenueSeq && !next.isHeadMatched && isNewComparison) {
      await raiseAlarm(tx, { venueId, kind: 'head-mismatch', detail: { size: next.ackedVenueSeq, signedRoot: next.signedHead.root, hubRoot: next.root } }, now);
    }
    await saveVenueHead(tx, next, now);
    const receipt: UplinkReceipt = { venueId, ackedVenueSeq: next.ackedVenueSeq, root: next.root, isHeadMatched: next.isHeadMatched };
    return { receipt, ackedVenueSeq: next.ackedVenueSeq, chains: chains.all };
  }

  /** A resend must repeat exactly what is held at each venue seq it overlaps; identical events are no-ops. */
  async #checkOverlap(tx: HubDb, venueId: string, acked: number, batch: DecodedVenueBatch): Promise<void> {
    if (batch.fromVenueSeq > acked) return;
    const stored = await storedVenueHashes(tx, venueId, batch.fromVenueSeq, Math.min(acked, batch.fromVenueSeq + batch.entries.length - 1));
    for (const { venueSeq, event } of batch.entries) {
      if (venueSeq > acked) break;
      if (stored.get(venueSeq)?.hash !== event.hash) {
        throw new SyncRefusal('conflict', `venue seq ${venueSeq} (${event.deviceId}/${event.epoch} seq ${event.seq}) is held with a different hash`, {
          deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, ackedSeq: acked,
        });
      }
    }
  }

  /** Runs the receiver's decision for each device chain among the new events; any refusal refuses the batch. */
  async #decideChains(tx: HubDb, venueId: string, acked: number, events: readonly ChainedEvent[]) {
    const all = new Map(this.#heads.forVenue(venueId, acked));
    const groups = new Map<string, ChainedEvent[]>();
    for (const event of events) {
      const key = chainKey(event.deviceId, event.epoch);
      const group = groups.get(key);
      if (group) group.push(event);
      else groups.set(key, [event]);
    }
    const missing = [...groups.keys()].filter((key) => !all.has(key));
    if (missing.length > 0) {
      const deviceIds = [...new Set(missing.map((key) => groups.get(key)![0]!.deviceId))];
      for (const row of await readDeviceHeads(tx, deviceIds)) {
        all.set(chainKey(row.deviceId, row.epoch), { deviceId: row.deviceId, epoch: row.epoch, heldSeq: row.ackedSeq, heldHash: row.ackedHash });
      }
    }
    for (const [key, group] of groups) {
      const first = group[0]!;
      const held = all.get(key) ?? { deviceId: first.deviceId, epoch: first.epoch, heldSeq: 0, heldHash: GENESIS_HASH };
      // decodeVenueBatch rebuilt every chain link by link (consecutive seqs, each prevHash the
      // previous hash), so only the group's first event has anything left to check: that it
      // follows what is held. Deciding on it alone saves re-hashing the whole batch.
      // New venue seqs never repeat a held device event: one at or below heldSeq is a second copy, refused as a conflict.
      const decision = decideBatch(held, [first], () => undefined);
      if (!decision.isAccepted) throw new SyncRefusal(decision.reason, decision.message, decision.detail);
      const last = group[group.length - 1]!;
      all.set(key, { ...held, heldSeq: last.seq, heldHash: last.hash });
    }
    return { all, touched: new Set(groups.keys()) };
  }
}

function toRow(venueSeq: number, event: ChainedEvent): VenueEventRow {
  const { prevHash, hash, ...body } = event;
  return {
    venueSeq, deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, type: event.type,
    attemptId: event.attemptId ?? null, at: event.at, hash, prevHash, bodyJson: JSON.stringify(body),
  };
}

/** Appends the new event hashes (leaf = hash bytes, venue-seq order) and keeps the newest signed head. */
function advanceHead(head: VenueHeadRow, hashes: readonly string[], envelope: UplinkEnvelope): VenueHeadRow {
  const accumulator = MerkleAccumulator.fromState(head.merkleState);
  for (const hash of hashes) accumulator.append(hexToBytes(hash));
  const ackedVenueSeq = head.ackedVenueSeq + hashes.length;
  const root = accumulator.rootHex();
  const signedHead = !head.signedHead || envelope.head.size >= head.signedHead.size ? envelope.head : head.signedHead;
  const isHeadMatched = signedHead.size === ackedVenueSeq && signedHead.root === root;
  return { venueId: head.venueId, ackedVenueSeq, merkleState: accumulator.toState(), root, signedHead, isHeadMatched };
}
