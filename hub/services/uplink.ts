/**
 * Venue → hub ingest. A batch is checked outside any transaction (signature, body digest,
 * signed head, clock, inflating, the batch's structure and chain headers), then decoded
 * (batch-decoding.ts: every event rebuilt, validated and re-hashed, every chain checked to end
 * at its stated hash) while it waits for its turn (uplink-order.ts: a venue may send the next
 * batch before the receipt of the one before, and the hub decodes it while the database
 * commits that one). It is stored in ONE transaction: nonce, venue head lock, gap check,
 * overlap with what is held, per-device chain decisions (sync/receiver.ts), the events in one
 * bulk load fed as the decoding goes (a chain that does not end at its stated hash fails the
 * batch before the load completes), attempt summaries, device heads, and the venue's Merkle
 * accumulator. On PostgreSQL, a batch expected to follow one still being stored loads its
 * events in its own transaction (behind a savepoint) before it queues on the lock, so the
 * database stores two batches at once; the gap check, the decisions and everything else still
 * happen under the lock. The receipt goes out only after that commits, so it never covers an
 * event the hub does not hold. A refusal, wherever it is found, rolls everything back; its
 * alarm is written in a transaction of its own.
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { GENESIS_HASH } from '../../sync/chain';
import { readVenueBatch, type VenueBatchReader } from '../../sync/codec';
import type { ChainedEvent } from '../../sync/events';
import { MerkleAccumulator } from '../../sync/merkle';
import { headSigningText, uplinkSigningText, type UplinkEnvelope, type UplinkReceipt } from '../../sync/messages';
import { decideVerifiedBatch, type HeldChain } from '../../sync/receiver';
import { SyncRefusal, isSyncRefusal } from '../../sync/refusals';
import type { HubContext } from '../context';
import {
  claimNonce, createSavepoint, encodeVenueEventRows, rollbackToSavepoint, isDeadlock, isUniqueViolation, lockVenueHead, openVenueEventSink, raiseAlarm, readDeviceHeads, readVenueHead, saveVenueHead,
  storedVenueHashes, summarizeVenueEvents, upsertDeviceHeads, type HubDb, type VenueEventRow, type VenueEventSink, type VenueHeadRow,
} from '../db';
import { BatchDecoding } from './batch-decoding';
import { UplinkOrder, type UplinkTurn } from './uplink-order';
import { isVenueSignature, type VenueKeys } from './venue-auth';

const chainKey = (deviceId: string, epoch: number) => `${deviceId}\u0000${epoch}`;

/** A run of new events of one device chain in a batch: where it starts and where it ends. */
interface ChainRun {
  deviceId: string;
  epoch: number;
  firstSeq: number;
  prevHash: string;
  lastSeq: number;
  lastHash: string;
}

/** Every chain held after a batch (held before, or advanced by it), and the keys of those it advanced. */
interface DecidedChains {
  all: Map<string, HeldChain>;
  touched: Set<string>;
}

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
  readonly #order = new UplinkOrder();

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
    // Registered on arrival, before any await, so that pipelined batches queue in the order they
    // came whatever order their checks finish in. A batch that fails its checks leaves at once;
    // one that claims to be another venue's only delays that venue's next batch by its own check.
    const turn = this.#order.enter(envelope.venueId, envelope.fromVenueSeq, envelope.count);
    let batch: VenueBatchReader;
    try {
      // Checking a batch is a long stretch of CPU: let the batches ahead of it, whose database
      // answers may already be waiting, run first.
      await new Promise((resolve) => setImmediate(resolve));
      batch = await this.#authenticate(envelope, compressed);
    } catch (error) {
      turn.settle();
      throw error;
    }
    const now = this.ctx.now();
    const encode = this.ctx.database.kind === 'postgres' ? (rows: readonly VenueEventRow[]) => encodeVenueEventRows(envelope.venueId, rows, now) : undefined;
    const decoding = new BatchDecoding(batch, encode);
    let outcome: { receipt: UplinkReceipt; ackedVenueSeq: number; chains: Map<string, HeldChain> };
    try {
      await turn.ready;
      outcome = await this.ctx.database.db.transaction((tx) => this.#store(tx, envelope, batch, decoding, turn, now));
      // The cache is valid before the next batch of the venue takes its turn.
      this.#heads.commit(envelope.venueId, outcome.ackedVenueSeq, outcome.chains);
      turn.settle(outcome.ackedVenueSeq);
    } catch (caught) {
      turn.settle();
      decoding.cancel();
      // The unique keys are the last line of defence: an event stored twice is a conflict, never a 500.
      // Two overlapping batches of one venue stored at once may wait on each other; the database
      // aborts one of them, which the venue sends again from where the hub stands.
      const error = isUniqueViolation(caught)
        ? new SyncRefusal('conflict', 'an event in this batch is already held elsewhere in the hub')
        : isDeadlock(caught)
          ? new SyncRefusal('gap', 'another batch of this venue overlapped this one while it was stored; send again from the hub\'s cursor', { ackedSeq: (await readVenueHead(this.ctx.database.db, envelope.venueId))?.ackedVenueSeq ?? 0 })
          : caught;
      if (isSyncRefusal(error) && error.reason === 'bad-chain') await this.keys.alarm(envelope.venueId, 'bad-chain', { nonce: envelope.nonce, message: error.message, ...error.detail });
      if (isSyncRefusal(error) && (error.reason === 'conflict' || error.reason === 'stale-nonce')) {
        const kind = error.reason === 'conflict' ? 'conflict' : 'replayed-batch';
        await this.keys.alarm(envelope.venueId, kind, { nonce: envelope.nonce, fromVenueSeq: envelope.fromVenueSeq, message: error.message, ...error.detail });
      }
      throw error;
    }
    await this.keys.pruneNonces();
    return outcome.receipt;
  }

  /** Everything that needs no database write: a failure here changes nothing but an alarm row. */
  async #authenticate(envelope: UplinkEnvelope, compressed: Uint8Array): Promise<VenueBatchReader> {
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
    // The structure and headers only: the events are rebuilt (and their chains checked) as they are stored.
    const batch = readVenueBatch(raw);
    if (batch.venueId !== venueId || batch.fromVenueSeq !== envelope.fromVenueSeq || batch.count !== envelope.count) {
      throw new SyncRefusal('malformed', 'the body does not match its envelope (venue, first venue seq or count)');
    }
    return batch;
  }

  async #store(tx: HubDb, envelope: UplinkEnvelope, batch: VenueBatchReader, decoding: BatchDecoding, turn: UplinkTurn, now: number) {
    const { venueId } = envelope;
    if (!(await claimNonce(tx, venueId, envelope.nonce, now))) throw new SyncRefusal('stale-nonce', 'this nonce was already used');
    // Expected to follow the batch ahead of it: its events are loaded while that one finishes.
    const preloaded = turn.isExpectedNext() && this.ctx.database.kind === 'postgres' ? await this.#preload(tx, venueId, decoding, now) : undefined;
    const head = await lockVenueHead(tx, venueId);
    turn.locked();
    // The batches ahead of this one committed or rolled back before the lock was granted; their
    // outcome (the device head cache) is in this process once they settle.
    await turn.followed();
    if (!head) throw new SyncRefusal('unknown-venue', `no enrolled venue ${venueId}`);
    const acked = head.ackedVenueSeq;
    if (batch.fromVenueSeq > acked + 1) {
      throw new SyncRefusal('gap', `batch starts at venue seq ${batch.fromVenueSeq}, the hub holds up to ${acked}`, { ackedSeq: acked });
    }
    const tree = MerkleAccumulator.fromState(head.merkleState);
    let stored: { rows: VenueEventRow[]; chains: DecidedChains };
    if (preloaded) {
      // Loaded without conflict, so nothing at its venue seqs was held: it starts at acked + 1.
      const chains = await this.#decideChains(tx, venueId, acked, runsOf(batch));
      for (const leaf of preloaded.leaves) tree.appendLeafHash(leaf);
      stored = { rows: preloaded.rows, chains };
    } else {
      const sink = openVenueEventSink(tx, venueId, now);
      try {
        stored = batch.fromVenueSeq > acked ? await this.#storeNew(tx, venueId, acked, batch, decoding, sink, tree) : await this.#storeResend(tx, venueId, acked, batch, decoding, sink, tree);
        await sink.finish();
      } catch (error) {
        await sink.abort(error as Error);
        throw error;
      }
    }
    const { rows, chains } = stored;
    await summarizeVenueEvents(tx, venueId, rows);
    await upsertDeviceHeads(tx, venueId, [...chains.touched].map((key) => {
      const held = chains.all.get(key)!;
      return { deviceId: held.deviceId, epoch: held.epoch, ackedSeq: held.heldSeq, ackedHash: held.heldHash };
    }));
    const next = advanceHead(head, tree, envelope);
    const isNewComparison = next.signedHead?.signature !== head.signedHead?.signature || next.ackedVenueSeq !== head.ackedVenueSeq;
    if (next.signedHead && next.signedHead.size === next.ackedVenueSeq && !next.isHeadMatched && isNewComparison) {
      await raiseAlarm(tx, { venueId, kind: 'head-mismatch', detail: { size: next.ackedVenueSeq, signedRoot: next.signedHead.root, hubRoot: next.root } }, now);
    }
    await saveVenueHead(tx, next, now);
    const receipt: UplinkReceipt = { venueId, ackedVenueSeq: next.ackedVenueSeq, root: next.root, isHeadMatched: next.isHeadMatched };
    return { receipt, ackedVenueSeq: next.ackedVenueSeq, chains: chains.all };
  }

  /**
   * Loads a batch's events before its venue's lock, while the batch ahead of it still holds
   * the lock: two database sessions work at once. Nothing is decided on them yet; they stay
   * uncommitted until the chain decisions and the gap check under the lock pass, and any
   * refusal rolls them back with the rest. A unique violation means the batch is not the
   * next after all (its events, or some at its venue seqs, are held): the load is undone to
   * its savepoint and the batch goes the usual way under the lock (resend or conflict).
   */
  async #preload(tx: HubDb, venueId: string, decoding: BatchDecoding, now: number): Promise<{ rows: VenueEventRow[]; leaves: Uint8Array[] } | undefined> {
    await createSavepoint(tx, 'preload');
    const sink = openVenueEventSink(tx, venueId, now);
    const rows: VenueEventRow[] = [];
    const leaves: Uint8Array[] = [];
    try {
      for await (const slice of decoding.slices()) {
        await sink.write(slice.rows, slice.encoded);
        for (const row of slice.rows) rows.push(row);
        for (const leaf of slice.leaves) leaves.push(leaf);
      }
      await sink.finish();
    } catch (error) {
      await sink.abort(error as Error);
      if (!isUniqueViolation(error)) throw error;
      await rollbackToSavepoint(tx, 'preload');
      return undefined;
    }
    return { rows, leaves };
  }

  /**
   * The usual case, a batch wholly after what is held: each chain's run is known from its
   * header (first seq and prevHash, count, last hash), so the chain decisions come first and
   * the decoded slices then go straight into the bulk load. A chain that does not end at its
   * stated hash throws at the end of the slices, before the load completes.
   */
  async #storeNew(tx: HubDb, venueId: string, acked: number, batch: VenueBatchReader, decoding: BatchDecoding, sink: VenueEventSink, tree: MerkleAccumulator) {
    const chains = await this.#decideChains(tx, venueId, acked, runsOf(batch));
    const rows: VenueEventRow[] = [];
    for await (const slice of decoding.slices()) {
      // The database takes the rows in while the tree is advanced here.
      await sink.write(slice.rows, slice.encoded);
      for (const row of slice.rows) rows.push(row);
      for (const leaf of slice.leaves) tree.appendLeafHash(leaf);
    }
    return { rows, chains };
  }

  /** A resend overlapping what is held: decoded whole, its overlap checked against the stored hashes, then only its new events stored. */
  async #storeResend(tx: HubDb, venueId: string, acked: number, batch: VenueBatchReader, decoding: BatchDecoding, sink: VenueEventSink, tree: MerkleAccumulator) {
    const slices = await decoding.all();
    const entries = slices.flatMap((slice) => slice.rows);
    const leaves = slices.flatMap((slice) => slice.leaves);
    await this.#checkOverlap(tx, venueId, acked, batch.fromVenueSeq, entries);
    const firstFresh = entries.findIndex((row) => row.venueSeq > acked);
    const rows = firstFresh < 0 ? [] : entries.slice(firstFresh);
    const runs = new Map<string, ChainRun>();
    for (const row of rows) {
      const key = chainKey(row.deviceId, row.epoch);
      const run = runs.get(key);
      if (run) Object.assign(run, { lastSeq: row.seq, lastHash: row.hash });
      else runs.set(key, { deviceId: row.deviceId, epoch: row.epoch, firstSeq: row.seq, prevHash: row.prevHash, lastSeq: row.seq, lastHash: row.hash });
    }
    const chains = await this.#decideChains(tx, venueId, acked, [...runs.values()]);
    if (firstFresh >= 0) for (const leaf of leaves.slice(firstFresh)) tree.appendLeafHash(leaf);
    await sink.write(rows);
    return { rows, chains };
  }

  /** A resend must repeat exactly what is held at each venue seq it overlaps; identical events are no-ops. */
  async #checkOverlap(tx: HubDb, venueId: string, acked: number, fromVenueSeq: number, entries: readonly VenueEventRow[]): Promise<void> {
    const stored = await storedVenueHashes(tx, venueId, fromVenueSeq, Math.min(acked, fromVenueSeq + entries.length - 1));
    for (const { venueSeq, hash, deviceId, epoch, seq } of entries) {
      if (venueSeq > acked) break;
      if (stored.get(venueSeq)?.hash !== hash) {
        throw new SyncRefusal('conflict', `venue seq ${venueSeq} (${deviceId}/${epoch} seq ${seq}) is held with a different hash`, {
          deviceId, epoch, seq, ackedSeq: acked,
        });
      }
    }
  }

  /**
   * Runs the receiver's decision for each device chain's run of new events; any refusal refuses
   * the batch. The codec rebuilds every run link by link (consecutive seqs, each prevHash the
   * previous hash, each hash recomputed, ending at the stated last hash), so only the run's
   * start has anything left to check: that it follows what is held. Deciding on it alone, as an
   * already verified chain, saves hashing the batch a second time. New venue seqs never repeat
   * a held device event: a start at or below heldSeq is a second copy, refused as a conflict.
   */
  async #decideChains(tx: HubDb, venueId: string, acked: number, runs: readonly ChainRun[]): Promise<DecidedChains> {
    const all = new Map(this.#heads.forVenue(venueId, acked));
    const missing = runs.filter((run) => !all.has(chainKey(run.deviceId, run.epoch)));
    if (missing.length > 0) {
      const deviceIds = [...new Set(missing.map((run) => run.deviceId))];
      for (const row of await readDeviceHeads(tx, deviceIds)) {
        all.set(chainKey(row.deviceId, row.epoch), { deviceId: row.deviceId, epoch: row.epoch, heldSeq: row.ackedSeq, heldHash: row.ackedHash });
      }
    }
    const touched = new Set<string>();
    for (const run of runs) {
      const key = chainKey(run.deviceId, run.epoch);
      const held = all.get(key) ?? { deviceId: run.deviceId, epoch: run.epoch, heldSeq: 0, heldHash: GENESIS_HASH };
      // The run's start as the one event decided on (its own hash is not read: only seq and prevHash matter here).
      const start = { deviceId: run.deviceId, epoch: run.epoch, seq: run.firstSeq, prevHash: run.prevHash, hash: run.lastHash } as ChainedEvent;
      const decision = decideVerifiedBatch(held, [start], () => undefined);
      if (!decision.isAccepted) throw new SyncRefusal(decision.reason, decision.message, decision.detail);
      all.set(key, { ...held, heldSeq: run.lastSeq, heldHash: run.lastHash });
      touched.add(key);
    }
    return { all, touched };
  }
}

/** Each device chain's run in a batch wholly after what is held, from the batch's chain headers. */
function runsOf(batch: VenueBatchReader): ChainRun[] {
  return batch.chains.map((chain) => ({
    deviceId: chain.deviceId, epoch: chain.epoch, firstSeq: chain.firstSeq, prevHash: chain.prevHash, lastSeq: chain.firstSeq + chain.count - 1, lastHash: chain.lastHash,
  }));
}

/** The venue head after a batch whose events `tree` now holds; keeps the newest signed head. */
function advanceHead(head: VenueHeadRow, tree: MerkleAccumulator, envelope: UplinkEnvelope): VenueHeadRow {
  const ackedVenueSeq = head.ackedVenueSeq + (tree.size - head.merkleState.size);
  const root = tree.rootHex();
  const signedHead = !head.signedHead || envelope.head.size >= head.signedHead.size ? envelope.head : head.signedHead;
  const isHeadMatched = signedHead.size === ackedVenueSeq && signedHead.root === root;
  return { venueId: head.venueId, ackedVenueSeq, merkleState: tree.toState(), root, signedHead, isHeadMatched };
}
