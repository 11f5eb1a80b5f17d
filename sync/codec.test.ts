import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical';
import { GENESIS_HASH, bodyOfEvent, verifyChain } from './chain';
import { canonicalBodyJson, decodeDeviceBatch, decodeVenueBatch, encodeDeviceBatch, encodeVenueBatch, peekDeviceBatch } from './codec';
import type { ChainedEvent } from './events';
import { SyncRefusal } from './refusals';
import { candidateChain, chainBodies } from './testkit';

async function deflatedLength(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

function refusalOf(action: () => unknown): SyncRefusal {
  try {
    action();
  } catch (error) {
    if (error instanceof SyncRefusal) return error;
    throw error;
  }
  throw new Error('expected a SyncRefusal');
}

function mixedChain(): ChainedEvent[] {
  const at = 1_764_057_600_000;
  return chainBodies(
    [
      { type: 'proctor.check-in', at, data: { candidateId: 'cand-1', roomId: 'room-1', seatId: 'A-01', isDocumentChecked: true } },
      { type: 'attempt.started', at: at + 10, attemptId: 'att-1', data: { sessionId: 'ses-1', candidateId: 'cand-1', language: 'ru' } },
      { type: 'item.flagged', at: at + 5, attemptId: 'att-1', data: { itemId: 'q-1', isFlagged: true } },
      { type: 'answer.set', at: at + 900, attemptId: 'att-2', data: { itemId: 'q-2', value: { text: 'Ответ: «Қазақстан» 😀' } } },
      { type: 'violation.started', at: at + 901, attemptId: 'att-1', data: { violationId: 'v-1', kind: 'focus-lost' } },
      { type: 'answer.cleared', at: at + 950, attemptId: 'att-1', data: { itemId: 'q-1' } },
    ],
    { deviceId: 'pc-1', epoch: 3 },
    { seq: 41, hash: 'ab'.repeat(32) },
  );
}

describe('device batch codec', () => {
  it('round-trips a mixed batch exactly, mid-chain, with optional attemptId and a clock step back', () => {
    const events = mixedChain();
    const decoded = decodeDeviceBatch(encodeDeviceBatch(events));
    expect(decoded).toEqual(events);
    expect(verifyChain(decoded, { seq: 41, hash: 'ab'.repeat(32) })).toBeNull();
    expect(peekDeviceBatch(encodeDeviceBatch(events))).toMatchObject({ deviceId: 'pc-1', epoch: 3, firstSeq: 42, count: 6 });
  });

  it('refuses a batch whose payload was altered in transit (bad-chain)', () => {
    const events = candidateChain({ answers: 5 });
    const text = new TextDecoder().decode(encodeDeviceBatch(events)).replace('blk-', 'blx-');
    expect(refusalOf(() => decodeDeviceBatch(utf8ToBytes(text))).reason).toBe('bad-chain');
  });

  it('refuses a batch whose header lies about the chain (bad-chain)', () => {
    const events = candidateChain({ answers: 3 });
    const forged = events.map((event) => ({ ...event, prevHash: event.seq === 1 ? 'cd'.repeat(32) : event.prevHash }));
    expect(refusalOf(() => decodeDeviceBatch(encodeDeviceBatch(forged))).reason).toBe('bad-chain');
  });

  it('refuses bytes that are not a batch (malformed)', () => {
    expect(refusalOf(() => decodeDeviceBatch(utf8ToBytes('{"f":"device-batch/1"}'))).reason).toBe('malformed');
    expect(refusalOf(() => decodeDeviceBatch(new Uint8Array([0xff, 0xfe]))).reason).toBe('malformed');
    const text = new TextDecoder().decode(encodeDeviceBatch(candidateChain({ answers: 2 })));
    expect(refusalOf(() => decodeDeviceBatch(utf8ToBytes(text.replace('"t":[0,', '"t":[99,')))).reason).toBe('malformed');
    expect(refusalOf(() => decodeDeviceBatch(utf8ToBytes(text.replace('"optionIds":["', '"optionIds":[7,"')))).reason).toBe('malformed');
    expect(refusalOf(() => decodeDeviceBatch(utf8ToBytes(text.replace(/"a":\[\d+,/, '"a":[-5,')))).reason).toBe('malformed');
    expect(refusalOf(() => decodeDeviceBatch(utf8ToBytes(text.replace(/"i":\[1,/, '"i":[4,')))).reason).toBe('malformed');
  });

  it('refuses to encode events that are not one consecutive run', () => {
    const events = candidateChain({ answers: 4 });
    expect(() => encodeDeviceBatch([events[0]!, events[2]!])).toThrow(RangeError);
    expect(() => encodeDeviceBatch([])).toThrow(RangeError);
  });
});

describe('venue batch codec', () => {
  it('round-trips interleaved chains of many devices in venue-log order', () => {
    const a = candidateChain({ deviceId: 'pc-a', answers: 6, seed: 1 });
    const b = candidateChain({ deviceId: 'pc-b', attemptId: 'att-b', answers: 6, seed: 2 });
    const interleaved = [a[0]!, b[0]!, b[1]!, a[1]!, a[2]!, b[2]!];
    const decoded = decodeVenueBatch(encodeVenueBatch({ venueId: 'venue-ast', fromVenueSeq: 120, entries: interleaved.map((event) => ({ event })) }));
    expect(decoded.venueId).toBe('venue-ast');
    expect(decoded.entries.map((entry) => entry.event)).toEqual(interleaved);
    expect(decoded.entries.map((entry) => entry.venueSeq)).toEqual([120, 121, 122, 123, 124, 125]);
    expect(decoded.chains.map((chain) => [chain.deviceId, chain.firstSeq, chain.prevHash])).toEqual([
      ['pc-a', 1, GENESIS_HASH],
      ['pc-b', 1, GENESIS_HASH],
    ]);
    // A later slice starts mid-chain; its header names the hash the hub must already hold.
    const later = decodeVenueBatch(encodeVenueBatch({ venueId: 'venue-ast', fromVenueSeq: 126, entries: [a[3]!, b[3]!].map((event) => ({ event })) }));
    expect(later.chains.map((chain) => chain.prevHash)).toEqual([a[2]!.hash, b[2]!.hash]);
  });

  it('refuses a venue batch with one altered event', () => {
    const a = candidateChain({ deviceId: 'pc-a', answers: 3 });
    const text = new TextDecoder().decode(encodeVenueBatch({ venueId: 'v', fromVenueSeq: 1, entries: a.map((event) => ({ event })) }));
    expect(refusalOf(() => decodeVenueBatch(utf8ToBytes(text.replace('"language":"kk"', '"language":"ru"')))).reason).toBe('bad-chain');
  });

  it('prints the wire size per answer event after deflate', async () => {
    const figures: string[] = [];
    for (const size of [10, 100, 500]) {
      const events = candidateChain({ answers: size, seed: size }).slice(1);
      const bytes = encodeDeviceBatch(events);
      expect(decodeDeviceBatch(bytes)).toEqual(events);
      figures.push(`device batch of ${size}: ${(bytes.length / size).toFixed(1)} B/event raw, ${((await deflatedLength(bytes)) / size).toFixed(1)} B/event deflated`);
    }
    const devices = Array.from({ length: 30 }, (_, n) => candidateChain({ deviceId: `pc-${n}`, attemptId: `att-${n}`, answers: 60, seed: n + 7 }));
    const merged = devices.flat().sort((x, y) => x.at - y.at || x.deviceId.localeCompare(y.deviceId));
    const venueBytes = encodeVenueBatch({ venueId: 'venue-ast', fromVenueSeq: 1, entries: merged.map((event) => ({ event })) });
    expect(decodeVenueBatch(venueBytes).entries.map((entry) => entry.event)).toEqual(merged);
    const json = utf8ToBytes(JSON.stringify(merged));
    figures.push(
      `venue batch of ${merged.length} from 30 PCs: ${((await deflatedLength(venueBytes)) / merged.length).toFixed(1)} B/event deflated` +
        ` (plain JSON of chained events: ${(json.length / merged.length).toFixed(0)} B/event raw, ${((await deflatedLength(json)) / merged.length).toFixed(1)} deflated)`,
    );
    console.log(figures.join('\n'));
  });
});

describe('canonical body encoding', () => {
  it('writes exactly the generic canonical JSON of any body, with or without an attempt', () => {
    const key = fc.string({ minLength: 1, maxLength: 6 });
    const payload = fc.dictionary(key, fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.option(fc.string(), { nil: undefined }), { maxLength: 3 }), fc.dictionary(key, fc.option(fc.string(), { nil: undefined }), { maxKeys: 3 })), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.nat(), fc.integer({ min: 1, max: 1e9 }), fc.nat(), fc.string({ minLength: 1 }), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), payload,
        (deviceId, epoch, seq, at, type, attemptId, data) => {
          const body = { deviceId, epoch, seq, at, type, data, ...(attemptId === undefined ? {} : { attemptId }) };
          expect(canonicalBodyJson(deviceId, epoch, seq, at, type, attemptId, data)).toBe(canonicalJson(body));
        }),
    );
  });

  it('hands the receiver the text each event was hashed from', () => {
    const events = [...candidateChain({ deviceId: 'pc-1', answers: 4 }), ...mixedChain()];
    const decoded = decodeVenueBatch(encodeVenueBatch({ venueId: 'venue-ast', fromVenueSeq: 1, entries: events.map((event) => ({ event })) }));
    expect(decoded.entries.map((entry) => entry.bodyJson)).toEqual(events.map((event) => canonicalJson(bodyOfEvent(event))));
  });
});

describe('payload validation', () => {
  it('refuses a payload under a type it does not fit, even right after the same payload was accepted under another type', () => {
    const at = 1_764_057_600_000;
    const viewed = chainBodies([{ type: 'item.viewed', at, attemptId: 'att-1', data: { itemId: 'q-1' } }], { deviceId: 'pc-v1', epoch: 1 });
    expect(decodeVenueBatch(encodeVenueBatch({ venueId: 'venue-ast', fromVenueSeq: 1, entries: viewed.map((event) => ({ event })) })).entries).toHaveLength(1);
    // chainBodies does not validate: this is what a faulty or hostile sender could encode.
    const misfit = chainBodies([{ type: 'answer.set', at, attemptId: 'att-1', data: { itemId: 'q-1' } } as never], { deviceId: 'pc-v2', epoch: 1 });
    const bytes = encodeVenueBatch({ venueId: 'venue-ast', fromVenueSeq: 1, entries: misfit.map((event) => ({ event })) });
    expect(refusalOf(() => decodeVenueBatch(bytes)).reason).toBe('malformed');
    expect(refusalOf(() => decodeVenueBatch(bytes)).reason).toBe('malformed');
  });
});
