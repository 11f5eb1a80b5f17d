/**
 * Device → venue ingest: the venue's receive verb. Each push is decided against the held
 * device head (sync/receiver.ts) and applied in ONE transaction: the new log rows with
 * consecutive venue seqs, the device head and the Merkle frontier. The receipt is built
 * only after that transaction has committed, so it never names an event the venue could
 * lose. A refused push changes nothing, except that a conflict leaves an alarm row.
 */
import { GENESIS_HASH, verifyChain } from '../../sync/chain';
import { ATTEMPT_EVENT_TYPES, type ChainedEvent, type EventType } from '../../sync/events';
import { MerkleAccumulator } from '../../sync/merkle';
import type { DevicePush, DeviceReceipt } from '../../sync/messages';
import { decideBatch, type BatchDecision } from '../../sync/receiver';
import { SyncRefusal } from '../../sync/refusals';
import type { VenueStore } from '../db/store';
import { venueLeafHash } from './venue-leaf';

export interface VenueHead {
  size: number;
  root: string;
}

/** What an ingest hook may do inside the push's transaction. */
export interface IngestContext {
  deviceId: string;
  epoch: number;
  receivedAt: number;
  /**
   * Appends a segment of another chain (the venue's own events) in this same transaction.
   * It must continue that chain's held head; otherwise it throws and the whole push is undone.
   */
  appendChain(events: readonly ChainedEvent[]): void;
}

/**
 * Runs inside the push's transaction after the device's new events are in the log (and for
 * an accepted push with nothing new, with an empty list). Throwing undoes the whole push.
 */
export type IngestHook = (appended: readonly ChainedEvent[], context: IngestContext) => void;

/** Events only the venue itself writes, being the clock authority: never accepted from a device. */
export const VENUE_AUTHORED_TYPES: ReadonlySet<EventType> = new Set<EventType>(['timer.started', 'timer.paused', 'timer.resumed', 'timer.extended', 'attempt.closed']);

export class DeviceIngest {
  readonly #store: VenueStore;
  readonly #hooks: IngestHook[] = [];
  readonly #now: () => number;
  /** Always equal to the committed frontier: replaced only after a commit. */
  #accumulator: MerkleAccumulator;

  constructor(store: VenueStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
    this.#accumulator = this.#loadAccumulator();
  }

  /** Adds a hook that runs in every accepted push's transaction (see {@link IngestHook}). */
  onIngested(hook: IngestHook): void {
    this.#hooks.push(hook);
  }

  /** The Merkle head of everything the venue holds. */
  head(): VenueHead {
    return { size: this.#accumulator.size, root: this.#accumulator.rootHex() };
  }

  cursor(deviceId: string, epoch: number): DeviceReceipt {
    const held = this.#store.log.head(deviceId, epoch);
    return { deviceId, epoch, ackedSeq: held?.ackedSeq ?? 0, ackedHash: held?.ackedHash ?? GENESIS_HASH };
  }

  /**
   * Receives a push from a device on the LAN: as {@link push}, but a device may neither write
   * into the venue's own chain (`venue-<venueId>`) nor write events only the venue authors.
   */
  pushFromDevice(push: DevicePush): DeviceReceipt {
    const venueId = this.#store.config.get()?.venueId;
    if (venueId !== undefined && push.deviceId === `venue-${venueId}`) {
      throw new SyncRefusal('unknown-device', `${push.deviceId} is the venue's own chain; no device may push to it`, { deviceId: push.deviceId });
    }
    const authored = (push.events as ChainedEvent[]).find((event) => VENUE_AUTHORED_TYPES.has(event.type));
    if (authored) throw new SyncRefusal('malformed', `${authored.type} is written by the venue only, not by a device`, { deviceId: push.deviceId, seq: authored.seq });
    return this.push(push);
  }

  /** Receives one push; returns the receipt after commit or throws a SyncRefusal. */
  push(push: DevicePush): DeviceReceipt {
    const events = push.events as ChainedEvent[];
    const missingAttempt = events.find((event) => ATTEMPT_EVENT_TYPES.has(event.type) && !event.attemptId);
    if (missingAttempt) throw new SyncRefusal('malformed', `${missingAttempt.type} at seq ${missingAttempt.seq} needs an attemptId`, { deviceId: push.deviceId, seq: missingAttempt.seq });
    const { log, merkle, db } = this.#store;
    const receivedAt = this.#now();
    let next: MerkleAccumulator | undefined;
    const decision: BatchDecision = db.transaction(() => {
      const held = log.head(push.deviceId, push.epoch);
      const chain = { deviceId: push.deviceId, epoch: push.epoch, heldSeq: held?.ackedSeq ?? 0, heldHash: held?.ackedHash ?? GENESIS_HASH };
      const decided = decideBatch(chain, events, (seq) => log.heldHash(push.deviceId, push.epoch, seq));
      if (!decided.isAccepted) {
        if (decided.reason === 'conflict') this.#raiseConflict(decided.detail.seq ?? chain.heldSeq, events, push, receivedAt);
        return decided;
      }
      if (decided.toAppend.length === 0 && this.#hooks.length === 0) return decided;
      const accumulator = MerkleAccumulator.fromState(this.#accumulator.toState());
      const appendRows = (rows: readonly ChainedEvent[]) => {
        for (const event of rows) {
          const { prevHash, hash, ...body } = event;
          log.append({
            venueSeq: accumulator.size + 1, deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, type: event.type,
            attemptId: event.attemptId ?? null, at: event.at, receivedAt, hash, prevHash, body: JSON.stringify(body),
          });
          accumulator.appendLeafHash(venueLeafHash(hash));
        }
      };
      appendRows(decided.toAppend);
      if (decided.toAppend.length > 0) log.setHead(push.deviceId, push.epoch, { ackedSeq: decided.receipt.ackedSeq, ackedHash: decided.receipt.ackedHash }, receivedAt);
      const appendChain = (own: readonly ChainedEvent[]) => {
        const first = own[0];
        if (!first) return;
        const held = log.head(first.deviceId, first.epoch) ?? { ackedSeq: 0, ackedHash: GENESIS_HASH };
        const fault = verifyChain(own, { seq: held.ackedSeq, hash: held.ackedHash });
        if (fault) throw new Error(`an ingest hook's chain segment does not continue ${first.deviceId}: ${fault.reason} at ${fault.index}`);
        appendRows(own);
        const last = own[own.length - 1]!;
        log.setHead(last.deviceId, last.epoch, { ackedSeq: last.seq, ackedHash: last.hash }, receivedAt);
      };
      for (const hook of this.#hooks) hook(decided.toAppend, { deviceId: push.deviceId, epoch: push.epoch, receivedAt, appendChain });
      if (accumulator.size === this.#accumulator.size) return decided;
      merkle.save(accumulator.toState(), accumulator.rootHex(), receivedAt);
      next = accumulator;
      return decided;
    });
    // Committed (or refused with nothing written but an alarm): only now may anything be answered.
    if (!decision.isAccepted) throw new SyncRefusal(decision.reason, decision.message, decision.detail);
    if (next) this.#accumulator = next;
    return decision.receipt;
  }

  #raiseConflict(seq: number, events: readonly ChainedEvent[], push: DevicePush, raisedAt: number): void {
    const offered = events.find((event) => event.seq === seq) ?? events.find((event) => event.seq === seq + 1);
    const offeredHash = offered ? (offered.seq === seq ? offered.hash : offered.prevHash) : null;
    this.#store.log.raiseAlarm({
      reason: 'conflict', deviceId: push.deviceId, epoch: push.epoch, seq,
      heldHash: this.#store.log.heldHash(push.deviceId, push.epoch, seq) ?? null, offeredHash, raisedAt,
    });
  }

  /** The saved frontier, or (if it ever disagrees with the log's length) a rebuild from the log itself. */
  #loadAccumulator(): MerkleAccumulator {
    const saved = MerkleAccumulator.fromState(this.#store.merkle.load());
    if (saved.size === this.#store.log.lastVenueSeq()) return saved;
    const rebuilt = new MerkleAccumulator();
    for (const hash of this.#store.log.hashesInOrder()) rebuilt.appendLeafHash(venueLeafHash(hash));
    this.#store.db.transaction(() => this.#store.merkle.save(rebuilt.toState(), rebuilt.rootHex(), this.#now()));
    return rebuilt;
  }
}
