/**
 * Compact wire encoding of event batches. A batch carries only what the receiver cannot
 * recompute: deviceId, epoch, seq, prevHash and hash are implied by a per-chain header and
 * rebuilt on arrival, and the recomputed chain must end at the header's `lastHash`, so a
 * batch that decodes at all is exactly the batch that was sent. Columns: type as a small
 * code (index in EVENT_TYPES), `at` as deltas, attemptId through a per-batch dictionary.
 * The result is UTF-8 JSON; the transport deflates it.
 */
import { z } from 'zod';
import { utf8ToBytes } from './sha256';
import { canonicalJson, sha256Hex } from './canonical';
import { EVENT_TYPES, EventPayloads, Hash, Id, type ChainedEvent, type EventType } from './events';
import { SyncRefusal } from './refusals';

const DEVICE_FORMAT = 'device-batch/1';
const VENUE_FORMAT = 'venue-batch/1';

/** The header of one device chain inside a batch. */
export interface ChainHeader {
  deviceId: string;
  epoch: number;
  firstSeq: number;
  /** Hash of the event before `firstSeq` (the genesis hash for seq 1). */
  prevHash: string;
  lastHash: string;
}

const ChainHeaderWire = z.tuple([Id, z.number().int().nonnegative(), z.number().int().positive(), Hash, Hash]);

/** The columns shared by both batch forms; every array has one entry per event. */
const ColumnsWire = {
  /** Type codes. */
  t: z.array(z.number().int().nonnegative()),
  /** `at` of the first event, then deltas (may be negative if a device clock stepped back). */
  a: z.array(z.number().int()),
  /** attemptId dictionary. */
  k: z.array(Id),
  /** Index into `k` plus one, 0 for an event without an attempt. */
  i: z.array(z.number().int().nonnegative()),
  /** Payloads, as written by the device. */
  x: z.array(z.unknown()),
};

const DeviceBatchWire = z.object({ f: z.literal(DEVICE_FORMAT), h: ChainHeaderWire, ...ColumnsWire }).strict();
const VenueBatchWire = z
  .object({
    f: z.literal(VENUE_FORMAT),
    v: Id,
    s: z.number().int().positive(),
    /** One header per (deviceId, epoch) in the batch. */
    h: z.array(ChainHeaderWire),
    /** Chain index of each event. */
    c: z.array(z.number().int().nonnegative()),
    ...ColumnsWire,
  })
  .strict();

type Columns = { t: number[]; a: number[]; k: string[]; i: number[]; x: unknown[] };

const TYPE_CODES = new Map<EventType, number>(EVENT_TYPES.map((type, index) => [type, index]));

function encodeColumns(events: readonly ChainedEvent[]): Columns {
  const columns: Columns = { t: [], a: [], k: [], i: [], x: [] };
  const attempts = new Map<string, number>();
  let previousAt = 0;
  for (const event of events) {
    const code = TYPE_CODES.get(event.type);
    if (code === undefined) throw new TypeError(`codec: unknown event type ${event.type}`);
    columns.t.push(code);
    columns.a.push(event.at - previousAt);
    previousAt = event.at;
    if (event.attemptId === undefined) {
      columns.i.push(0);
    } else {
      let index = attempts.get(event.attemptId);
      if (index === undefined) {
        index = columns.k.length;
        attempts.set(event.attemptId, index);
        columns.k.push(event.attemptId);
      }
      columns.i.push(index + 1);
    }
    columns.x.push(event.data);
  }
  return columns;
}

function malformed(message: string): SyncRefusal {
  return new SyncRefusal('malformed', `batch: ${message}`);
}

function parseBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw malformed('not UTF-8 JSON');
  }
}

function checkColumnLengths(columns: Columns, extra: number[] = columns.t): void {
  const n = columns.t.length;
  if (n === 0) throw malformed('no events');
  if ([columns.a, columns.i, columns.x, extra].some((column) => column.length !== n)) throw malformed('columns differ in length');
}

/**
 * Rebuilds one event from the columns and links it after `prevHash`; validates its payload
 * against the event schema without altering it. Returns the event and its body's canonical
 * JSON (what was hashed), which a receiver can store as is.
 */
function linkAt(columns: Columns, index: number, at: number, chain: { deviceId: string; epoch: number }, seq: number, prevHash: string): { event: ChainedEvent; bodyJson: string } {
  const type = EVENT_TYPES[columns.t[index]!];
  if (type === undefined) throw malformed(`unknown type code ${columns.t[index]}`);
  const attemptIndex = columns.i[index]!;
  const attemptId = attemptIndex === 0 ? undefined : columns.k[attemptIndex - 1];
  if (attemptIndex !== 0 && attemptId === undefined) throw malformed(`attempt index ${attemptIndex} outside dictionary`);
  const data = columns.x[index];
  // Validate but keep the raw object: the hash covers exactly what the device wrote. The envelope
  // fields come from the already validated header, so only `at` and the payload need checking here
  // (the same rules as the EventBody schema, at a fraction of the cost of the full union).
  const payloadJson = canonicalJson(data);
  if (!Number.isSafeInteger(at) || at < 0 || !isValidPayload(type, data, payloadJson)) {
    throw malformed(`event seq ${seq} does not match the ${type} schema`);
  }
  const { deviceId, epoch } = chain;
  const bodyJson = bodyJsonOf(deviceId, epoch, seq, at, type, attemptId, payloadJson);
  const hash = sha256Hex(prevHash + bodyJson);
  const event = (attemptId === undefined
    ? { deviceId, epoch, seq, at, type, data, prevHash, hash }
    : { deviceId, epoch, seq, at, type, data, attemptId, prevHash, hash }) as ChainedEvent;
  return { event, bodyJson };
}

/**
 * `canonicalJson(body)` of an event body, built from its known members: the envelope's keys
 * written in their sorted order (at, attemptId, data, deviceId, epoch, seq, type), so only the
 * payload is walked. Equal, byte for byte, to the generic encoding (a test holds it to that).
 */
export function canonicalBodyJson(deviceId: string, epoch: number, seq: number, at: number, type: string, attemptId: string | undefined, data: unknown): string {
  return bodyJsonOf(deviceId, epoch, seq, at, type, attemptId, canonicalJson(data));
}

function bodyJsonOf(deviceId: string, epoch: number, seq: number, at: number, type: string, attemptId: string | undefined, payloadJson: string): string {
  const attempt = attemptId === undefined ? '' : `"attemptId":${JSON.stringify(attemptId)},`;
  return `{"at":${JSON.stringify(at)},${attempt}"data":${payloadJson},"deviceId":${JSON.stringify(deviceId)},"epoch":${JSON.stringify(epoch)},"seq":${JSON.stringify(seq)},"type":${JSON.stringify(type)}}`;
}

// Payloads already found valid, by type and canonical JSON: a payload's validity depends on its
// value alone, which its canonical JSON fixes, and an exam repeats the same few hundred answer
// payloads thousands of times. Bounded: cleared when full.
const validPayloads = new Set<string>();
const VALID_PAYLOADS_KEPT = 20_000;

function isValidPayload(type: EventType, data: unknown, payloadJson: string): boolean {
  const key = `${type}\u0000${payloadJson}`;
  if (validPayloads.has(key)) return true;
  if (!EventPayloads[type].safeParse(data).success) return false;
  if (validPayloads.size >= VALID_PAYLOADS_KEPT) validPayloads.clear();
  validPayloads.add(key);
  return true;
}

function headerOf(events: readonly ChainedEvent[]): ChainHeader {
  const first = events[0]!;
  const last = events[events.length - 1]!;
  events.forEach((event, index) => {
    if (event.deviceId !== first.deviceId || event.epoch !== first.epoch || event.seq !== first.seq + index) {
      throw new RangeError(`codec: events of ${first.deviceId}/${first.epoch} must be consecutive, got seq ${event.seq} at ${index}`);
    }
  });
  return { deviceId: first.deviceId, epoch: first.epoch, firstSeq: first.seq, prevHash: first.prevHash, lastHash: last.hash };
}

const headerTuple = (h: ChainHeader): [string, number, number, string, string] => [h.deviceId, h.epoch, h.firstSeq, h.prevHash, h.lastHash];

/**
 * Encodes consecutive chained events of ONE (deviceId, epoch) for the device → venue push.
 * Throws a RangeError for an empty batch or events that are not one consecutive run.
 */
export function encodeDeviceBatch(events: readonly ChainedEvent[]): Uint8Array {
  if (events.length === 0) throw new RangeError('codec: an empty batch has nothing to send');
  const wire = { f: DEVICE_FORMAT, h: headerTuple(headerOf(events)), ...encodeColumns(events) };
  return utf8ToBytes(JSON.stringify(wire));
}

/** The header of an encoded device batch, without rebuilding its events (cheap routing and cursor checks). */
export function peekDeviceBatch(bytes: Uint8Array): ChainHeader & { count: number } {
  const parsed = DeviceBatchWire.safeParse(parseBytes(bytes));
  if (!parsed.success) throw malformed('not a device batch');
  const [deviceId, epoch, firstSeq, prevHash, lastHash] = parsed.data.h;
  return { deviceId, epoch, firstSeq, prevHash, lastHash, count: parsed.data.t.length };
}

/**
 * Decodes a device batch and recomputes its chain from the header's prevHash.
 * Throws SyncRefusal('malformed') for bytes that are not a valid batch, and
 * SyncRefusal('bad-chain') if the recomputed last hash differs from the header's.
 */
export function decodeDeviceBatch(bytes: Uint8Array): ChainedEvent[] {
  const parsed = DeviceBatchWire.safeParse(parseBytes(bytes));
  if (!parsed.success) throw malformed('not a device batch');
  const wire = parsed.data;
  checkColumnLengths(wire);
  const [deviceId, epoch, firstSeq, prevHash, lastHash] = wire.h;
  const events: ChainedEvent[] = [];
  let hash = prevHash;
  let at = 0;
  for (let index = 0; index < wire.t.length; index++) {
    at += wire.a[index]!;
    const { event } = linkAt(wire, index, at, { deviceId, epoch }, firstSeq + index, hash);
    events.push(event);
    hash = event.hash;
  }
  if (hash !== lastHash) throw new SyncRefusal('bad-chain', `batch of ${deviceId}/${epoch} does not end at its stated hash`, { deviceId, epoch });
  return events;
}

/** A slice of a venue's log: entries in venue-log order, starting at `fromVenueSeq`. */
export interface VenueBatch {
  venueId: string;
  fromVenueSeq: number;
  entries: Array<{ event: ChainedEvent }>;
}

/**
 * Encodes a slice of the venue's log (events of many devices, in venue-log order) for the
 * venue → hub uplink. Each device chain's events in the slice must be consecutive, which the
 * venue's gapless receive guarantees.
 */
export function encodeVenueBatch(batch: VenueBatch): Uint8Array {
  if (batch.entries.length === 0) throw new RangeError('codec: an empty batch has nothing to send');
  const chains = new Map<string, { index: number; events: ChainedEvent[] }>();
  const chainColumn: number[] = [];
  const events = batch.entries.map((entry) => entry.event);
  for (const event of events) {
    const key = `${event.deviceId}\u0000${event.epoch}`;
    let chain = chains.get(key);
    if (!chain) {
      chain = { index: chains.size, events: [] };
      chains.set(key, chain);
    }
    chain.events.push(event);
    chainColumn.push(chain.index);
  }
  const headers = [...chains.values()].map((chain) => headerTuple(headerOf(chain.events)));
  const wire = { f: VENUE_FORMAT, v: batch.venueId, s: batch.fromVenueSeq, h: headers, c: chainColumn, ...encodeColumns(events) };
  return utf8ToBytes(JSON.stringify(wire));
}

/**
 * A decoded venue batch: entries carry their venue seq and their body's canonical JSON (the
 * text that was hashed, so a receiver stores it without encoding it again), and one header
 * per device chain for the receiver's continuity check.
 */
export interface DecodedVenueBatch {
  venueId: string;
  fromVenueSeq: number;
  chains: ChainHeader[];
  entries: Array<{ venueSeq: number; event: ChainedEvent; bodyJson: string }>;
}

/**
 * A venue batch whose wire structure and headers are checked, decoded entry by entry: a
 * receiver can start storing the first entries while it decodes the rest (inside one
 * transaction, so a refusal found later still rolls everything back).
 */
export interface VenueBatchReader {
  venueId: string;
  fromVenueSeq: number;
  /** Number of entries. */
  count: number;
  /** One header per device chain, with how many of the batch's entries belong to it. */
  chains: Array<ChainHeader & { count: number }>;
  /** Decodes the next `max` entries (fewer at the end, none once all are read). */
  next(max: number): DecodedVenueBatch['entries'];
  /** After the last entry: checks every chain ended at its header's `lastHash`. */
  finish(): void;
}

/**
 * Opens a venue batch for decoding: parses and checks its structure (columns, chain headers,
 * one header per device chain, each with events), without rebuilding any event yet.
 * Throws SyncRefusal('malformed'); {@link VenueBatchReader.next} and
 * {@link VenueBatchReader.finish} throw like {@link decodeVenueBatch}.
 */
export function readVenueBatch(bytes: Uint8Array): VenueBatchReader {
  const parsed = VenueBatchWire.safeParse(parseBytes(bytes));
  if (!parsed.success) throw malformed('not a venue batch');
  const wire = parsed.data;
  checkColumnLengths(wire, wire.c);
  const chains = wire.h.map(([deviceId, epoch, firstSeq, prevHash, lastHash]) => ({ deviceId, epoch, firstSeq, prevHash, lastHash, count: 0 }));
  const keys = new Set(chains.map((chain) => `${chain.deviceId}\u0000${chain.epoch}`));
  if (keys.size !== chains.length) throw malformed('a device chain has two headers');
  for (const chainIndex of wire.c) {
    const chain = chains[chainIndex];
    if (!chain) throw malformed(`chain index ${chainIndex} outside header`);
    chain.count++;
  }
  for (const chain of chains) if (chain.count === 0) throw malformed(`chain ${chain.deviceId}/${chain.epoch} has no events`);
  const cursors = chains.map((chain) => ({ seq: chain.firstSeq, hash: chain.prevHash }));
  let index = 0;
  let at = 0;
  return {
    venueId: wire.v,
    fromVenueSeq: wire.s,
    count: wire.t.length,
    chains,
    next(max) {
      const entries: DecodedVenueBatch['entries'] = [];
      for (const end = Math.min(wire.t.length, index + max); index < end; index++) {
        at += wire.a[index]!;
        const chain = chains[wire.c[index]!]!;
        const cursor = cursors[wire.c[index]!]!;
        const { event, bodyJson } = linkAt(wire, index, at, chain, cursor.seq, cursor.hash);
        cursor.seq++;
        cursor.hash = event.hash;
        entries.push({ venueSeq: wire.s + index, event, bodyJson });
      }
      return entries;
    },
    finish() {
      if (index !== wire.t.length) throw new RangeError('codec: finish() before every entry was read');
      chains.forEach((chain, chainIndex) => {
        if (cursors[chainIndex]!.hash !== chain.lastHash) {
          throw new SyncRefusal('bad-chain', `chain ${chain.deviceId}/${chain.epoch} does not end at its stated hash`, { deviceId: chain.deviceId, epoch: chain.epoch });
        }
      });
    },
  };
}

/**
 * Decodes a venue batch, recomputing every device chain from its header. The receiver still
 * checks each chain's `prevHash` against the hash it holds for that device (see receiver.ts).
 * Throws SyncRefusal('malformed') or SyncRefusal('bad-chain') like {@link decodeDeviceBatch}.
 */
export function decodeVenueBatch(bytes: Uint8Array): DecodedVenueBatch {
  const reader = readVenueBatch(bytes);
  const entries = reader.next(reader.count);
  reader.finish();
  const chains = reader.chains.map(({ deviceId, epoch, firstSeq, prevHash, lastHash }) => ({ deviceId, epoch, firstSeq, prevHash, lastHash }));
  return { venueId: reader.venueId, fromVenueSeq: reader.fromVenueSeq, chains, entries };
}
