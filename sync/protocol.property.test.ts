import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GENESIS_HASH, verifyChain } from './chain';
import { decodeDeviceBatch, encodeDeviceBatch } from './codec';
import type { ChainedEvent } from './events';
import { isSyncRefusal, type SyncRefusalReason } from './refusals';
import { decideBatch, splitBatch, type ChainReceipt } from './receiver';
import { candidateChain } from './testkit';

/**
 * A device pushes its chain to a receiver over a network that drops, duplicates,
 * reorders and truncates requests, loses responses, answers 413 for large batches,
 * and whose receiver's commit can fail before it commits. The device only ever
 * learns through receipts and cursor queries, as in production.
 */

type Response =
  | { kind: 'receipt'; receipt: ChainReceipt }
  | { kind: 'refused'; reason: SyncRefusalReason; ackedSeq?: number; batchLength: number }
  | { kind: 'failed' };

class Receiver {
  /** Committed events by seq: what survives a crash. */
  readonly committed = new Map<number, ChainedEvent>();
  /** Every event ever appended, in commit order, to prove nothing arrives twice. */
  readonly appendLog: number[] = [];
  heldSeq = 0;
  heldHash = GENESIS_HASH;

  constructor(readonly sizeLimit: number) {}

  /** Handles one push; `shouldFailCommit` makes the transaction fail before it commits. */
  receive(bytes: Uint8Array, declaredLength: number, shouldFailCommit: boolean): Response {
    if (declaredLength > this.sizeLimit) return { kind: 'refused', reason: 'too-large', batchLength: declaredLength };
    let events: ChainedEvent[];
    try {
      events = decodeDeviceBatch(bytes);
    } catch (error) {
      if (!isSyncRefusal(error)) throw error;
      return { kind: 'refused', reason: error.reason, batchLength: declaredLength };
    }
    const decision = decideBatch({ deviceId: 'pc-1', epoch: 1, heldSeq: this.heldSeq, heldHash: this.heldHash }, events, (seq) => this.committed.get(seq)?.hash);
    if (!decision.isAccepted) return { kind: 'refused', reason: decision.reason, ackedSeq: decision.detail.ackedSeq, batchLength: declaredLength };
    // The transaction: stage, then either fail before commit (nothing visible) or commit all.
    const staged = decision.toAppend.map((event) => [event.seq, event] as const);
    if (shouldFailCommit) return { kind: 'failed' };
    for (const [seq, event] of staged) {
      expect(this.committed.has(seq)).toBe(false);
      this.committed.set(seq, event);
      this.appendLog.push(seq);
    }
    this.heldSeq = decision.receipt.ackedSeq;
    this.heldHash = decision.receipt.ackedHash;
    // A receipt is built only after the commit, and never covers more than is committed.
    expect(decision.receipt.ackedSeq).toBe(this.committed.size);
    return { kind: 'receipt', receipt: decision.receipt };
  }
}

class Sender {
  /** Highest seq the receiver has acknowledged; the outbox holds only seqs above it. */
  ackedSeq = 0;
  nextSeq = 1;
  maxBatch: number;

  constructor(readonly chain: ChainedEvent[], maxBatch: number) {
    this.maxBatch = maxBatch;
  }

  get outbox(): ChainedEvent[] {
    return this.chain.filter((event) => event.seq > this.ackedSeq);
  }

  nextBatch(): ChainedEvent[] {
    if (this.nextSeq <= this.ackedSeq) this.nextSeq = this.ackedSeq + 1;
    const batch = this.outbox.filter((event) => event.seq >= this.nextSeq).slice(0, this.maxBatch);
    // Pipelining: the sender moves on before any receipt, which is what makes gaps possible.
    if (batch.length > 0) this.nextSeq = batch[batch.length - 1]!.seq + 1;
    return batch;
  }

  onResponse(response: Response, receiver: Receiver): void {
    if (response.kind === 'receipt') {
      // Receipts may arrive late and out of order: the cursor only moves forward.
      this.ackedSeq = Math.max(this.ackedSeq, response.receipt.ackedSeq);
      // Anything dropped from the outbox must be committed at the receiver.
      for (let seq = 1; seq <= this.ackedSeq; seq++) expect(receiver.committed.get(seq)?.hash).toBe(this.chain[seq - 1]!.hash);
    } else if (response.kind === 'refused') {
      expect(['too-large', 'gap', 'malformed', 'bad-chain']).toContain(response.reason);
      if (response.reason === 'too-large' && response.batchLength > 1) {
        this.maxBatch = Math.min(this.maxBatch, splitBatch(Array.from({ length: response.batchLength }))[0].length);
      }
      if (response.reason === 'gap' && response.ackedSeq !== undefined) this.restartFrom(response.ackedSeq);
    }
  }

  /** After a reconnect (or a gap refusal) the sender resends from the receiver's cursor. */
  restartFrom(receiverSeq: number): void {
    this.ackedSeq = Math.max(this.ackedSeq, receiverSeq);
    this.nextSeq = receiverSeq + 1;
  }
}

const Step = fc.record({
  action: fc.constantFrom('send', 'send', 'deliver', 'deliver', 'respond', 'respond', 'reconnect'),
  pick: fc.nat(),
  fate: fc.nat(99),
});

function run(chain: ChainedEvent[], steps: Array<{ action: string; pick: number; fate: number }>, options: { maxBatch: number; sizeLimit: number }): Receiver {
  const receiver = new Receiver(options.sizeLimit);
  const sender = new Sender(chain, options.maxBatch);
  const requests: Array<{ bytes: Uint8Array; length: number }> = [];
  const responses: Response[] = [];
  const take = <T>(list: T[], pick: number): T | undefined => (list.length === 0 ? undefined : list.splice(pick % list.length, 1)[0]);

  const send = (fate: number) => {
    const batch = sender.nextBatch();
    if (batch.length === 0) return;
    const request = { bytes: encodeDeviceBatch(batch), length: batch.length };
    if (fate < 10) return; // dropped
    requests.push(request);
    if (fate >= 90) requests.push(request); // duplicated
  };
  const deliver = (pick: number, fate: number) => {
    const request = take(requests, pick); // any in-flight request: reordering
    if (!request) return;
    // Truncated on the wire: the receiver sees a cut-off body.
    const bytes = fate < 10 ? request.bytes.slice(0, Math.floor(request.bytes.length * (fate / 10))) : request.bytes;
    const response = receiver.receive(bytes, request.length, fate >= 85);
    if (fate >= 10 && fate < 20) return; // response lost
    responses.push(response);
  };
  const respond = (pick: number) => {
    const response = take(responses, pick);
    if (response) sender.onResponse(response, receiver);
  };

  for (const step of steps) {
    if (step.action === 'send') send(step.fate);
    else if (step.action === 'deliver') deliver(step.pick, step.fate);
    else if (step.action === 'respond') respond(step.pick);
    else if (step.fate >= 30) sender.restartFrom(receiver.heldSeq); // a cursor query gets through
  }

  // The network heals; stale traffic still arrives, then the sender drains its outbox.
  while (requests.length > 0) deliver(0, 50);
  while (responses.length > 0) respond(0);
  for (let round = 0; sender.ackedSeq < chain.length; round++) {
    expect(round).toBeLessThan(chain.length * 2 + 5);
    sender.restartFrom(receiver.heldSeq);
    send(50);
    deliver(0, 50);
    respond(0);
  }
  return receiver;
}

describe('push protocol over a faulty network', () => {
  it('delivers every event exactly once, gapless, with verified chains, and never acks an uncommitted event', () => {
    const chains = new Map<number, ChainedEvent[]>();
    const chainOf = (length: number) => {
      if (!chains.has(length)) chains.set(length, candidateChain({ deviceId: 'pc-1', answers: length - 1, seed: length }));
      return chains.get(length)!;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(Step, { maxLength: 150 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        (length, steps, maxBatch, sizeLimit) => {
          const chain = chainOf(length);
          const receiver = run(chain, steps, { maxBatch, sizeLimit });
          expect(receiver.appendLog).toEqual(chain.map((event) => event.seq));
          const held = [...receiver.committed.values()].sort((a, b) => a.seq - b.seq);
          expect(verifyChain(held)).toBeNull();
          expect(held).toEqual(chain);
        },
      ),
      { numRuns: 300 },
    );
  });
});
