import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, bodyOfEvent, chainEvent } from './chain';
import type { ChainedEvent } from './events';
import { SyncRefusal } from './refusals';
import { acceptBatch, decideBatch, decideVerifiedBatch, overlapRange, splitBatch, type HeldChain } from './receiver';
import { candidateChain } from './testkit';

const chain = candidateChain({ deviceId: 'pc-1', answers: 9 }); // seq 1..10
const hashes = new Map(chain.map((event) => [event.seq, event.hash]));
const hashAt = (seq: number) => hashes.get(seq);
const heldAt = (seq: number): HeldChain => ({ deviceId: 'pc-1', epoch: 1, heldSeq: seq, heldHash: seq === 0 ? GENESIS_HASH : hashes.get(seq)! });
const range = (from: number, to: number) => chain.filter((event) => event.seq >= from && event.seq <= to);

function altered(event: ChainedEvent): ChainedEvent {
  return chainEvent(event.prevHash, { ...bodyOfEvent(event), at: event.at + 1 });
}

describe('decideBatch', () => {
  it('appends a batch that follows what is held, and acks its last seq', () => {
    const decision = decideBatch(heldAt(0), range(1, 4), hashAt);
    expect(decision).toMatchObject({ isAccepted: true, receipt: { deviceId: 'pc-1', epoch: 1, ackedSeq: 4, ackedHash: hashes.get(4) } });
    expect(decision.isAccepted && decision.toAppend.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('treats a resent identical batch as a no-op and a partial overlap as its new tail', () => {
    const same = decideBatch(heldAt(6), range(2, 5), hashAt);
    expect(same).toMatchObject({ isAccepted: true, toAppend: [], receipt: { ackedSeq: 6, ackedHash: hashes.get(6) } });
    const tail = decideBatch(heldAt(6), range(4, 9), hashAt);
    expect(tail.isAccepted && tail.toAppend.map((e) => e.seq)).toEqual([7, 8, 9]);
    expect(tail.isAccepted && tail.receipt.ackedSeq).toBe(9);
  });

  it('refuses the whole batch as conflict when a held seq differs', () => {
    const forked = [altered(chain[4]!)]; // seq 5 with another body
    const decision = decideBatch(heldAt(6), forked, hashAt);
    expect(decision).toMatchObject({ isAccepted: false, reason: 'conflict', detail: { seq: 5 } });
  });

  it('refuses as conflict a batch whose first new event links to a different predecessor', () => {
    const forkedSeven = chainEvent('ee'.repeat(32), bodyOfEvent(chain[6]!));
    expect(decideBatch(heldAt(6), [forkedSeven], hashAt)).toMatchObject({ isAccepted: false, reason: 'conflict' });
  });

  it('refuses a batch that starts beyond held + 1 as a gap, naming the cursor', () => {
    expect(decideBatch(heldAt(3), range(5, 7), hashAt)).toMatchObject({ isAccepted: false, reason: 'gap', detail: { ackedSeq: 3 } });
  });

  it('refuses batches that are not one valid chain', () => {
    expect(decideBatch(heldAt(0), [chain[0]!, chain[2]!], hashAt)).toMatchObject({ isAccepted: false, reason: 'malformed' });
    expect(decideBatch(heldAt(0), [], hashAt)).toMatchObject({ isAccepted: false, reason: 'malformed' });
    const tampered = { ...chain[1]!, at: chain[1]!.at + 1 } as ChainedEvent;
    expect(decideBatch(heldAt(0), [chain[0]!, tampered], hashAt)).toMatchObject({ isAccepted: false, reason: 'bad-chain' });
    expect(decideBatch({ ...heldAt(0), deviceId: 'pc-2' }, range(1, 2), hashAt)).toMatchObject({ isAccepted: false, reason: 'malformed' });
  });

  it('throws SyncRefusal through acceptBatch', () => {
    expect(() => acceptBatch(heldAt(1), range(5, 6), hashAt)).toThrow(SyncRefusal);
    expect(acceptBatch(heldAt(1), range(2, 3), hashAt).receipt.ackedSeq).toBe(3);
  });
});

describe('overlapRange and splitBatch', () => {
  it('names the held seqs a batch overlaps', () => {
    expect(overlapRange({ heldSeq: 6 }, range(4, 9))).toEqual({ fromSeq: 4, toSeq: 6 });
    expect(overlapRange({ heldSeq: 3 }, range(4, 9))).toBeNull();
  });

  it('halves a batch in order and refuses to split one event', () => {
    expect(splitBatch([1, 2, 3, 4, 5])).toEqual([[1, 2, 3], [4, 5]]);
    expect(() => splitBatch([1])).toThrow(RangeError);
  });
});

describe('decideVerifiedBatch', () => {
  it('decides every valid chain exactly as decideBatch does, including a conflicting held hash', () => {
    const otherHash = (seq: number) => (seq === 3 ? altered(chain[2]!).hash : hashAt(seq));
    for (let held = 0; held <= 10; held++) {
      for (let from = 1; from <= 10; from++) {
        for (let to = from; to <= 10; to++) {
          for (const lookup of [hashAt, otherHash]) expect(decideVerifiedBatch(heldAt(held), range(from, to), lookup)).toEqual(decideBatch(heldAt(held), range(from, to), lookup));
        }
      }
    }
  });

  it('refuses a batch of another device chain', () => {
    expect(decideVerifiedBatch({ ...heldAt(0), deviceId: 'pc-2' }, range(1, 2), hashAt)).toMatchObject({ isAccepted: false, reason: 'malformed' });
  });
});
