import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../sync/canonical';
import { bodyOfEvent, verifyChain } from '../../sync/chain';
import type { ChainedEvent } from '../../sync/events';
import { candidateChain } from '../../sync/testkit';
import { verifyBatch } from './verified-batch';

const chain = candidateChain({ deviceId: 'pc-a01', answers: 12, seed: 3 });

/** The ways a pushed batch can be broken, each applied at one index. */
const breakages: Record<string, (events: ChainedEvent[], index: number) => ChainedEvent[]> = {
  body: (events, index) => events.map((e, i) => (i === index ? ({ ...e, at: e.at + 1 } as ChainedEvent) : e)),
  hash: (events, index) => events.map((e, i) => (i === index ? { ...e, hash: 'f'.repeat(64) } : e)),
  link: (events, index) => events.map((e, i) => (i === index ? { ...e, prevHash: '0'.repeat(64) } : e)),
  seq: (events, index) => events.map((e, i) => (i === index ? ({ ...e, seq: e.seq + 5 } as ChainedEvent) : e)),
  device: (events, index) => events.map((e, i) => (i === index ? ({ ...e, deviceId: 'pc-other' } as ChainedEvent) : e)),
  dropped: (events, index) => events.filter((_, i) => i !== index),
};

describe('verifyBatch', () => {
  it('accepts a valid batch and keeps each body as the canonical JSON its hash covers', () => {
    const batch = chain.slice(3, 9);
    const verified = verifyBatch(batch);
    expect(verified.fault).toBeNull();
    expect(verified.bodies).toEqual(batch.map((event) => canonicalJson(bodyOfEvent(event))));
    expect(verifyBatch([])).toEqual({ bodies: [], fault: null });
  });

  it('finds exactly the fault sync\'s verifyChain finds, for every kind of break at every index', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: chain.length - 2 }), fc.integer({ min: 2, max: chain.length }), fc.constantFrom(...Object.keys(breakages)), fc.nat(),
      (from, length, kind, at) => {
        const batch = chain.slice(from, from + length);
        const broken = breakages[kind]!(batch, 1 + (at % Math.max(1, batch.length - 1)));
        const first = broken[0]!;
        const expected = verifyChain(broken, { seq: first.seq - 1, hash: first.prevHash });
        expect(verifyBatch(broken).fault).toEqual(expected);
      },
    ), { numRuns: 200 });
  });
});
