import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import { bodyOfEvent, hashEvent, verifyChain, verifyChainBodies, type ChainFault } from './chain';
import type { ChainedEvent } from './events';
import { candidateChain } from './testkit';

const chain = candidateChain({ deviceId: 'pc-a01', answers: 12, seed: 3 });

/** The ways a chain can be broken at one index, and the fault each must be reported as there. */
const breakages: Record<string, { apply: (events: ChainedEvent[], index: number) => ChainedEvent[]; reason: ChainFault['reason'] }> = {
  body: { apply: (events, index) => events.map((e, i) => (i === index ? ({ ...e, at: e.at + 1 } as ChainedEvent) : e)), reason: 'bad-chain' },
  hash: { apply: (events, index) => events.map((e, i) => (i === index ? { ...e, hash: 'f'.repeat(64) } : e)), reason: 'bad-chain' },
  link: { apply: (events, index) => events.map((e, i) => (i === index ? { ...e, prevHash: '0'.repeat(64) } : e)), reason: 'bad-chain' },
  seq: { apply: (events, index) => events.map((e, i) => (i === index ? ({ ...e, seq: e.seq + 5 } as ChainedEvent) : e)), reason: 'gap' },
  device: { apply: (events, index) => events.map((e, i) => (i === index ? ({ ...e, deviceId: 'pc-other' } as ChainedEvent) : e)), reason: 'wrong-device' },
  dropped: { apply: (events, index) => events.filter((_, i) => i !== index), reason: 'gap' },
};

describe('verifyChainBodies', () => {
  it('accepts a chain from its start and keeps each body as the canonical JSON its hash covers', () => {
    expect(verifyChain(chain)).toBeNull();
    const batch = chain.slice(3, 9);
    const verified = verifyChainBodies(batch, { seq: batch[0]!.seq - 1, hash: batch[0]!.prevHash });
    expect(verified.fault).toBeNull();
    expect(verified.bodies).toEqual(batch.map((event) => canonicalJson(bodyOfEvent(event))));
    expect(verified.bodies!.map((text, i) => hashEvent(batch[i]!.prevHash, JSON.parse(text)))).toEqual(batch.map((event) => event.hash));
    expect(verifyChainBodies([])).toEqual({ bodies: [], fault: null });
  });

  it('refuses a chain that does not continue what the verifier holds', () => {
    expect(verifyChain(chain.slice(3), { seq: 0, hash: '0'.repeat(64) })).toEqual({ index: 0, reason: 'gap' });
    expect(verifyChain(chain.slice(3), { seq: 3, hash: 'e'.repeat(64) })).toEqual({ index: 0, reason: 'bad-chain' });
  });

  it('reports each kind of break at the index where it is, and keeps no bodies', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: chain.length - 2 }), fc.integer({ min: 2, max: chain.length }), fc.constantFrom(...Object.keys(breakages)), fc.nat(),
      (from, length, kind, at) => {
        const batch = chain.slice(from, from + length);
        const index = 1 + (at % Math.max(1, batch.length - 1));
        const breakage = breakages[kind]!;
        const broken = breakage.apply(batch, index);
        // A dropped last event leaves a shorter chain that is still whole.
        const expected = kind === 'dropped' && index === batch.length - 1 ? null : { index, reason: breakage.reason };
        const first = broken[0]!;
        const verified = verifyChainBodies(broken, { seq: first.seq - 1, hash: first.prevHash });
        expect(verified.fault).toEqual(expected);
        if (expected) expect(verified.bodies).toBeNull();
      },
    ), { numRuns: 300 });
  });
});
