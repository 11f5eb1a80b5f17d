/**
 * Device → venue ingest: the venue's receive verb. Each push is decided against the held
 * device head (sync/receiver.ts) and writes the new log rows with consecutive venue seqs
 * and the device head; every few thousand events the group also saves a checkpoint of the
 * Merkle frontier (the log is the truth: a restart continues the frontier from it).
 *
 * Group commit: pushes that arrive in the same event-loop turn (which includes every push
 * that arrived while the previous commit was being fsynced) are applied in ONE transaction,
 * each inside its own SAVEPOINT, so a refused push is rolled back alone and never changes
 * another push's outcome. A receipt (or refusal) is answered only after the group's
 * COMMIT has returned, so it never names an event the venue could lose; if the COMMIT
 * fails, no push of the group gets a receipt. A refused push changes nothing, except that
 * a conflict leaves an alarm row.
 */
import { canonicalBody, GENESIS_HASH, verifyChain, verifyChainBodies } from '../../sync/chain';
import { ATTEMPT_EVENT_TYPES, type ChainedEvent, type EventType } from '../../sync/events';
import { MerkleAccumulator } from '../../sync/merkle';
import type { DevicePush, DeviceReceipt } from '../../sync/messages';
import { decideBatch, decideVerifiedBatch } from '../../sync/receiver';
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

/** What one commit added to the log: told to listeners after the commit, never before. */
export interface LogMoved {
  /** The log's size (= its last venue seq) after the commit. */
  venueSeq: number;
  attemptIds: ReadonlySet<string>;
  deviceIds: ReadonlySet<string>;
}

/** Events only the venue itself writes, being the clock authority: never accepted from a device. */
export const VENUE_AUTHORED_TYPES: ReadonlySet<EventType> = new Set<EventType>(['timer.started', 'timer.paused', 'timer.resumed', 'timer.extended', 'attempt.closed']);

/**
 * The saved Merkle frontier is a checkpoint, written in the transaction of the group that
 * takes the log this many events past the last one: the log itself is the truth, and a
 * restart appends the leaves of the events after the checkpoint (at most this many).
 */
const FRONTIER_CHECKPOINT_EVENTS = 4096;

/** Most pushes, and events, one group transaction takes (it blocks the event loop while it runs); the rest wait for the next turn. */
const MAX_GROUP_PUSHES = 256;
const MAX_GROUP_EVENTS = 5000;

type Outcome = { receipt: DeviceReceipt } | { refusal: unknown };

interface QueuedPush {
  push: DevicePush;
  resolve(receipt: DeviceReceipt): void;
  reject(refusal: unknown): void;
}

export class DeviceIngest {
  readonly #store: VenueStore;
  readonly #hooks: IngestHook[] = [];
  readonly #listeners = new Set<(moved: LogMoved) => void>();
  readonly #now: () => number;
  /** The log size at the last saved frontier checkpoint (see FRONTIER_CHECKPOINT_EVENTS). */
  #checkpointSize = 0;
  /** Always equal to the committed frontier: replaced only after a commit. */
  #accumulator: MerkleAccumulator;
  readonly #queue: QueuedPush[] = [];
  #isFlushScheduled = false;
  #isApplying = false;
  /** The venue's own chain id, once the venue has one (a venue's id never changes after set-up). */
  #ownChainId: string | undefined;

  constructor(store: VenueStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
    this.#accumulator = this.#loadAccumulator();
  }

  /** Adds a hook that runs in every accepted push's transaction (see {@link IngestHook}). */
  onIngested(hook: IngestHook): void {
    this.#hooks.push(hook);
  }

  /** Calls `listener` after every commit that moved the log; returns the unsubscribe. */
  onLogMoved(listener: (moved: LogMoved) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves true as soon as the log holds more than `venueSeq` events (at once if it already
   * does), or false after `timeoutMs`: what a live view waits on instead of polling.
   */
  logMoved(venueSeq: number, timeoutMs: number): Promise<boolean> {
    if (this.#accumulator.size > venueSeq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const unsubscribe = this.onLogMoved(() => {
        clearTimeout(timer);
        unsubscribe();
        resolve(true);
      });
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(false);
      }, timeoutMs);
      timer.unref();
    });
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
    this.#assertFromDevice(push);
    return this.push(push);
  }

  /**
   * As {@link pushFromDevice}, but group-committed with every other push queued in this
   * event-loop turn: resolves with the receipt after the group's commit, or rejects with
   * this push's own refusal (or the group's failed commit).
   */
  submitFromDevice(push: DevicePush): Promise<DeviceReceipt> {
    try {
      this.#assertFromDevice(push);
    } catch (refusal) {
      return Promise.reject(refusal);
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ push, resolve, reject });
      this.#scheduleFlush();
    });
  }

  /** Receives one push at once, as a group of one; returns the receipt after commit or throws a SyncRefusal. */
  push(push: DevicePush): DeviceReceipt {
    const [outcome] = this.#applyGroup([push]);
    if ('refusal' in outcome!) throw outcome.refusal;
    return outcome!.receipt;
  }

  #assertFromDevice(push: DevicePush): void {
    const ownChainId = this.#ownChain();
    if (ownChainId !== undefined && push.deviceId === ownChainId) {
      throw new SyncRefusal('unknown-device', `${push.deviceId} is the venue's own chain; no device may push to it`, { deviceId: push.deviceId });
    }
    const authored = (push.events as ChainedEvent[]).find((event) => VENUE_AUTHORED_TYPES.has(event.type));
    if (authored) throw new SyncRefusal('malformed', `${authored.type} is written by the venue only, not by a device`, { deviceId: push.deviceId, seq: authored.seq });
  }

  #ownChain(): string | undefined {
    if (this.#ownChainId === undefined) {
      const venueId = this.#store.config.venueId();
      if (venueId !== undefined) this.#ownChainId = `venue-${venueId}`;
    }
    return this.#ownChainId;
  }

  #scheduleFlush(): void {
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    // setImmediate runs after this turn's I/O: every request read in this turn joins the group.
    setImmediate(() => {
      this.#isFlushScheduled = false;
      const group = this.#takeGroup();
      if (this.#queue.length > 0) this.#scheduleFlush();
      const outcomes = this.#applyGroup(group.map((queued) => queued.push));
      group.forEach((queued, index) => {
        const outcome = outcomes[index]!;
        if ('refusal' in outcome) queued.reject(outcome.refusal);
        else queued.resolve(outcome.receipt);
      });
    });
  }

  /** The oldest queued pushes, up to the group limits (always at least one). */
  #takeGroup(): QueuedPush[] {
    let size = 0;
    let events = 0;
    for (const queued of this.#queue) {
      events += queued.push.events.length;
      if (size > 0 && (size === MAX_GROUP_PUSHES || events > MAX_GROUP_EVENTS)) break;
      size++;
    }
    return this.#queue.splice(0, size);
  }

  /**
   * Applies the pushes in order in ONE transaction, each in its own savepoint, and returns
   * each one's outcome only after the COMMIT (all refused with the commit's error if it fails).
   */
  #applyGroup(pushes: readonly DevicePush[]): Outcome[] {
    if (this.#isApplying) throw new Error('DeviceIngest is not re-entrant: an ingest hook must use appendChain, not push');
    const outcomes: Array<Outcome | undefined> = pushes.map((push) => {
      const refusal = this.#malformed(push);
      return refusal ? { refusal } : undefined;
    });
    if (outcomes.every((outcome) => outcome !== undefined)) return outcomes as Outcome[];
    const { db, merkle } = this.#store;
    const receivedAt = this.#now();
    const committed = this.#accumulator;
    let accumulator = committed;
    const moved = { attemptIds: new Set<string>(), deviceIds: new Set<string>() };
    this.#isApplying = true;
    try {
      db.transaction(() => {
        pushes.forEach((push, index) => {
          if (outcomes[index]) return;
          try {
            // Nested in the group's transaction, this is a SAVEPOINT: a throw undoes this push only.
            const applied = db.transaction(() => this.#applyOne(push, receivedAt, accumulator));
            outcomes[index] = applied.outcome;
            if (applied.accumulator === accumulator) return;
            accumulator = applied.accumulator;
            for (const event of applied.appended) {
              moved.deviceIds.add(event.deviceId);
              if (event.attemptId) moved.attemptIds.add(event.attemptId);
            }
          } catch (error) {
            // An error that ended the whole transaction (not just the savepoint) fails the group.
            if (!db.sqlite.inTransaction) throw error;
            outcomes[index] = { refusal: error };
          }
        });
        if (accumulator.size - this.#checkpointSize >= FRONTIER_CHECKPOINT_EVENTS) merkle.save(accumulator.toState(), accumulator.rootHex(), receivedAt);
      });
    } catch (error) {
      // The COMMIT (or the group's transaction) failed: nothing of it is held, so nothing gets a
      // receipt. A push the receiver refused on its own merits keeps that refusal.
      return outcomes.map((outcome) => (outcome && 'refusal' in outcome && outcome.refusal instanceof SyncRefusal ? outcome : { refusal: error }));
    } finally {
      this.#isApplying = false;
    }
    // Committed: only now may anything be answered or told.
    this.#accumulator = accumulator;
    if (accumulator.size - this.#checkpointSize >= FRONTIER_CHECKPOINT_EVENTS) this.#checkpointSize = accumulator.size;
    if (accumulator !== committed) this.#tellLogMoved({ venueSeq: accumulator.size, ...moved });
    return outcomes as Outcome[];
  }

  #malformed(push: DevicePush): SyncRefusal | undefined {
    const missingAttempt = (push.events as ChainedEvent[]).find((event) => ATTEMPT_EVENT_TYPES.has(event.type) && !event.attemptId);
    if (!missingAttempt) return undefined;
    return new SyncRefusal('malformed', `${missingAttempt.type} at seq ${missingAttempt.seq} needs an attemptId`, { deviceId: push.deviceId, seq: missingAttempt.seq });
  }

  /** One push inside the open transaction, on top of `base` (the group's frontier so far). */
  #applyOne(push: DevicePush, receivedAt: number, base: MerkleAccumulator): { outcome: Outcome; accumulator: MerkleAccumulator; appended: ChainedEvent[] } {
    const events = push.events as ChainedEvent[];
    const { log } = this.#store;
    const held = log.head(push.deviceId, push.epoch);
    const chain = { deviceId: push.deviceId, epoch: push.epoch, heldSeq: held?.ackedSeq ?? 0, heldHash: held?.ackedHash ?? GENESIS_HASH };
    const hashAt = (seq: number) => log.heldHash(push.deviceId, push.epoch, seq);
    // The chain is verified once, keeping the bodies' canonical text for the log; a batch that
    // fails (or names another chain) goes through the full decision for its exact refusal.
    const first = events[0];
    const verified = first && first.deviceId === push.deviceId && first.epoch === push.epoch ? verifyChainBodies(events, { seq: first.seq - 1, hash: first.prevHash }) : null;
    const decided = verified?.bodies ? decideVerifiedBatch(chain, events, hashAt) : decideBatch(chain, events, hashAt);
    if (!decided.isAccepted) {
      if (decided.reason === 'conflict') this.#raiseConflict(decided.detail.seq ?? chain.heldSeq, events, push, receivedAt);
      return { outcome: { refusal: new SyncRefusal(decided.reason, decided.message, decided.detail) }, accumulator: base, appended: [] };
    }
    const outcome = { receipt: decided.receipt };
    if (decided.toAppend.length === 0 && this.#hooks.length === 0) return { outcome, accumulator: base, appended: [] };
    const accumulator = MerkleAccumulator.fromState(base.toState());
    const appended: ChainedEvent[] = [];
    // The log stores each body as the canonical JSON its hash covers.
    const appendRows = (rows: readonly ChainedEvent[], bodies: readonly string[] | null, bodiesFrom: number) => {
      for (let index = 0; index < rows.length; index++) {
        const event = rows[index]!;
        log.append({
          venueSeq: accumulator.size + 1, deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, type: event.type,
          attemptId: event.attemptId ?? null, at: event.at, receivedAt, hash: event.hash, prevHash: event.prevHash,
          body: bodies?.[bodiesFrom + index] ?? canonicalBody(event),
        });
        accumulator.appendLeafHash(venueLeafHash(event.hash));
        appended.push(event);
      }
    };
    appendRows(decided.toAppend, verified?.bodies ?? null, events.length - decided.toAppend.length);
    if (decided.toAppend.length > 0) log.setHead(push.deviceId, push.epoch, { ackedSeq: decided.receipt.ackedSeq, ackedHash: decided.receipt.ackedHash }, receivedAt);
    const appendChain = (own: readonly ChainedEvent[]) => {
      const first = own[0];
      if (!first) return;
      const ownHead = log.head(first.deviceId, first.epoch) ?? { ackedSeq: 0, ackedHash: GENESIS_HASH };
      const fault = verifyChain(own, { seq: ownHead.ackedSeq, hash: ownHead.ackedHash });
      if (fault) throw new Error(`an ingest hook's chain segment does not continue ${first.deviceId}: ${fault.reason} at ${fault.index}`);
      appendRows(own, null, 0);
      const last = own[own.length - 1]!;
      log.setHead(last.deviceId, last.epoch, { ackedSeq: last.seq, ackedHash: last.hash }, receivedAt);
    };
    for (const hook of this.#hooks) hook(decided.toAppend, { deviceId: push.deviceId, epoch: push.epoch, receivedAt, appendChain });
    return { outcome, accumulator: appended.length > 0 ? accumulator : base, appended };
  }

  #tellLogMoved(moved: LogMoved): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(moved);
      } catch (error) {
        // A listener is told after the commit; its failure changes nothing already answered.
        console.error('[ingest] a log listener failed', error);
      }
    }
  }

  #raiseConflict(seq: number, events: readonly ChainedEvent[], push: DevicePush, raisedAt: number): void {
    const offered = events.find((event) => event.seq === seq) ?? events.find((event) => event.seq === seq + 1);
    const offeredHash = offered ? (offered.seq === seq ? offered.hash : offered.prevHash) : null;
    this.#store.log.raiseAlarm({
      reason: 'conflict', deviceId: push.deviceId, epoch: push.epoch, seq,
      heldHash: this.#store.log.heldHash(push.deviceId, push.epoch, seq) ?? null, offeredHash, raisedAt,
    });
  }

  /**
   * The saved frontier checkpoint plus the leaves of the events logged after it; or, if the
   * checkpoint is ever ahead of the log (it never should be), a rebuild from the whole log.
   */
  #loadAccumulator(): MerkleAccumulator {
    const logSize = this.#store.log.lastVenueSeq();
    const saved = MerkleAccumulator.fromState(this.#store.merkle.load());
    const accumulator = saved.size <= logSize ? saved : new MerkleAccumulator();
    for (const hash of this.#store.log.hashesInOrder(accumulator.size)) accumulator.appendLeafHash(venueLeafHash(hash));
    if (accumulator.size !== saved.size) this.#store.db.transaction(() => this.#store.merkle.save(accumulator.toState(), accumulator.rootHex(), this.#now()));
    this.#checkpointSize = accumulator.size;
    return accumulator;
  }
}
