/**
 * The pure receive decision both servers make for one device chain (venue for devices,
 * hub for each device inside a venue uplink). It never writes: the caller applies
 * `toAppend` and the new cursor in ONE transaction and sends the receipt only after that
 * commits, so a receipt never covers an event that is not durably held.
 */
import { verifyChain } from './chain';
import type { ChainedEvent } from './events';
import type { SyncRefusalDetail, SyncRefusalReason } from './refusals';
import { SyncRefusal } from './refusals';

/** What the receiver holds for one (deviceId, epoch): the highest gapless seq and its hash (genesis hash at seq 0). */
export interface HeldChain {
  deviceId: string;
  epoch: number;
  heldSeq: number;
  heldHash: string;
}

/** The receiver's answer after a commit: everything up to `ackedSeq` is durably held. */
export interface ChainReceipt {
  deviceId: string;
  epoch: number;
  ackedSeq: number;
  ackedHash: string;
}

/** The outcome of {@link decideBatch}. */
export type BatchDecision =
  | { isAccepted: true; toAppend: ChainedEvent[]; receipt: ChainReceipt }
  | { isAccepted: false; reason: SyncRefusalReason; message: string; detail: SyncRefusalDetail };

/**
 * The seqs of a batch that overlap what is already held, whose stored hashes
 * {@link decideBatch} will look up; `null` when none do. An async store (PGlite,
 * PostgreSQL) fetches exactly this range first, then passes a synchronous lookup.
 */
export function overlapRange(held: Pick<HeldChain, 'heldSeq'>, events: readonly ChainedEvent[]): { fromSeq: number; toSeq: number } | null {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last || first.seq > held.heldSeq) return null;
  return { fromSeq: first.seq, toSeq: Math.min(last.seq, held.heldSeq) };
}

function refuse(reason: SyncRefusalReason, message: string, detail: SyncRefusalDetail): BatchDecision {
  return { isAccepted: false, reason, message, detail };
}

/**
 * Decides what to do with a batch of one device's chained events, given what is held.
 * - The batch must be one internally valid chain of that (deviceId, epoch), else `malformed` / `bad-chain`.
 * - Events at or below `heldSeq` must carry the hash held at their seq: identical ones are no-ops,
 *   a different hash refuses the whole batch as `conflict` (an alarm, never merged).
 * - A batch starting beyond heldSeq + 1 is a `gap`: the sender resends from the receipt's cursor.
 * - The first new event must link to `heldHash`; if it does not, the sender's earlier event differs: `conflict`.
 * `hashAt(seq)` returns the hash held at a seq ≤ heldSeq.
 */
export function decideBatch(held: HeldChain, events: readonly ChainedEvent[], hashAt: (seq: number) => string | undefined): BatchDecision {
  const { deviceId, epoch } = held;
  const first = events[0];
  if (!first) return refuse('malformed', 'an empty batch', { deviceId, epoch });
  if (first.deviceId !== deviceId || first.epoch !== epoch) {
    return refuse('malformed', `batch is for ${first.deviceId}/${first.epoch}, not ${deviceId}/${epoch}`, { deviceId, epoch });
  }
  const fault = verifyChain(events, { seq: first.seq - 1, hash: first.prevHash });
  if (fault) {
    const seq = events[fault.index]?.seq;
    const reason = fault.reason === 'bad-chain' ? 'bad-chain' : 'malformed';
    return refuse(reason, `batch breaks at index ${fault.index}: ${fault.reason}`, { deviceId, epoch, seq });
  }
  return decideVerifiedBatch(held, events, hashAt);
}

/**
 * {@link decideBatch} for events already known to form one internally valid chain of the held
 * (deviceId, epoch), e.g. rebuilt link by link from a batch's header by the wire codec, which
 * recomputed every hash: the same decisions (gap, conflict, no-op overlap, continuation)
 * without hashing the events a second time.
 */
export function decideVerifiedBatch(held: HeldChain, events: readonly ChainedEvent[], hashAt: (seq: number) => string | undefined): BatchDecision {
  const { deviceId, epoch, heldSeq, heldHash } = held;
  const receipt = (ackedSeq: number, ackedHash: string): ChainReceipt => ({ deviceId, epoch, ackedSeq, ackedHash });
  const first = events[0];
  if (!first) return refuse('malformed', 'an empty batch', { deviceId, epoch });
  if (first.deviceId !== deviceId || first.epoch !== epoch) {
    return refuse('malformed', `batch is for ${first.deviceId}/${first.epoch}, not ${deviceId}/${epoch}`, { deviceId, epoch });
  }
  if (first.seq > heldSeq + 1) {
    return refuse('gap', `batch starts at seq ${first.seq}, receiver holds up to ${heldSeq}`, { deviceId, epoch, ackedSeq: heldSeq });
  }
  // Every overlapping event must be exactly what is held: one differing hash refuses the whole batch.
  let index = 0;
  for (; index < events.length && events[index]!.seq <= heldSeq; index++) {
    const event = events[index]!;
    if (hashAt(event.seq) !== event.hash) {
      return refuse('conflict', `seq ${event.seq} is held with a different hash`, { deviceId, epoch, seq: event.seq, ackedSeq: heldSeq });
    }
  }
  const toAppend = events.slice(index);
  const firstNew = toAppend[0];
  if (!firstNew) return { isAccepted: true, toAppend, receipt: receipt(heldSeq, heldHash) };
  if (firstNew.prevHash !== heldHash) {
    return refuse('conflict', `seq ${firstNew.seq} does not follow the held seq ${heldSeq}`, { deviceId, epoch, seq: heldSeq, ackedSeq: heldSeq });
  }
  const last = toAppend[toAppend.length - 1]!;
  return { isAccepted: true, toAppend, receipt: receipt(last.seq, last.hash) };
}

/** Like {@link decideBatch}, but throws the refusal as a {@link SyncRefusal} (for routes with one onError). */
export function acceptBatch(held: HeldChain, events: readonly ChainedEvent[], hashAt: (seq: number) => string | undefined): { toAppend: ChainedEvent[]; receipt: ChainReceipt } {
  const decision = decideBatch(held, events, hashAt);
  if (!decision.isAccepted) throw new SyncRefusal(decision.reason, decision.message, decision.detail);
  return { toAppend: decision.toAppend, receipt: decision.receipt };
}

/**
 * Splits a batch in half, for a sender answered `too-large` (413): never drop, halve and resend.
 * Throws a RangeError for a single event, which no split can shrink.
 */
export function splitBatch<T>(events: readonly T[]): [T[], T[]] {
  if (events.length < 2) throw new RangeError('splitBatch: a single event cannot be split; the receiver limit is below one event');
  const middle = Math.ceil(events.length / 2);
  return [events.slice(0, middle), events.slice(middle)];
}
