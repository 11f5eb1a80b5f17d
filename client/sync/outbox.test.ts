import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../sync/chain';
import type { ChainedEvent } from '../../sync/events';
import { appendEvent, countPending, DeviceDb, ensureDevice, type EventDraft } from '../db';
import { backoffDelay, createOutbox, deviceOutboxStore, type OutboxOptions } from './outbox';

const EPOCH = 1_700_000_000_000;

/**
 * The venue at the network's edge: holds each device chain gapless, answers with
 * receipts, and refuses like the real route (413, gap, conflict, bad-chain).
 */
class FakeVenue {
  held: ChainedEvent[] = [];
  isReachable = true;
  /** Requests still to fail as if the network were down, before `isReachable` is looked at. */
  dropNext = 0;
  maxEventsPerPush = Infinity;
  failWith500 = 0;
  pushSizes: number[] = [];
  paths: string[] = [];

  private receipt() {
    const last = this.held.at(-1);
    return { deviceId: 'pc-07', epoch: EPOCH, ackedSeq: this.held.length, ackedHash: last?.hash ?? '0'.repeat(64) };
  }

  private json(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://venue.test');
    this.paths.push(url.pathname);
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      throw new TypeError('fetch failed');
    }
    if (!this.isReachable) throw new TypeError('fetch failed');
    if (this.failWith500 > 0) {
      this.failWith500 -= 1;
      return this.json(500, { code: 'internal', message: 'boom' });
    }
    if (url.pathname === '/api/device/cursor') return this.json(200, { receipt: this.receipt() });
    const { events } = JSON.parse(String(init?.body)) as { events: ChainedEvent[] };
    this.pushSizes.push(events.length);
    if (events.length > this.maxEventsPerPush) return this.json(413, { code: 'too-large', reason: 'too-large', message: 'batch too large' });
    if (events[0]!.seq > this.held.length + 1) return this.json(409, { code: 'gap', reason: 'gap', message: 'gap', ackedSeq: this.held.length });
    for (const event of events) {
      const mine = this.held[event.seq - 1];
      if (mine) {
        if (mine.hash !== event.hash) return this.json(409, { code: 'conflict', reason: 'conflict', message: 'different hash' });
        continue;
      }
      const last = this.held.at(-1);
      if (verifyChain([event], { seq: this.held.length, hash: last?.hash ?? '0'.repeat(64) })) {
        return this.json(422, { code: 'bad-chain', reason: 'bad-chain', message: 'bad chain' });
      }
      this.held.push(event);
    }
    return this.json(200, { receipt: this.receipt() });
  };
}

let opened: DeviceDb[] = [];
let counter = 0;

async function setup(count: number, options: Partial<OutboxOptions> = {}) {
  const db = new DeviceDb(`exam-outbox-test-${++counter}`);
  opened.push(db);
  await ensureDevice({ deviceId: 'pc-07', now: EPOCH }, db);
  await appendMany(db, count);
  const venue = new FakeVenue();
  const outbox = createOutbox({ store: deviceOutboxStore(db), fetch: venue.fetch, random: () => 0.5, ...options });
  return { db, venue, outbox };
}

async function appendMany(db: DeviceDb, count: number) {
  for (let i = 0; i < count; i++) {
    const draft: EventDraft = { type: 'answer.set', attemptId: 'att-1', data: { itemId: `q${i}`, value: { optionIds: ['a'] } } };
    await appendEvent(draft, db);
  }
}

afterEach(async () => {
  for (const db of opened) await db.delete();
  opened = [];
});

describe('outbox pump', () => {
  it('asks the cursor, then delivers every pending event and records the receipt', async () => {
    const { db, venue, outbox } = await setup(7);
    await outbox.drain();
    expect(venue.paths[0]).toBe('/api/device/cursor');
    expect(venue.held.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(verifyChain(venue.held)).toBeNull();
    expect(outbox.state.value).toBe('done');
    expect(outbox.pending.value).toBe(0);
    expect(await countPending(db)).toBe(0);
    expect(outbox.lastAckAt.value).not.toBeNull();
    expect(outbox.isOnline.value).toBe(true);
  });

  it('halves the batch on 413 and never drops an event', async () => {
    const { venue, outbox } = await setup(10, { maxBatch: 8 });
    venue.maxEventsPerPush = 3;
    await outbox.drain();
    expect(venue.held.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(venue.pushSizes.slice(0, 3)).toEqual([8, 4, 2]);
    expect(outbox.state.value).toBe('done');
  });

  it('reports a single event too large to send as an error, and keeps it', async () => {
    const { db, venue, outbox } = await setup(1);
    venue.maxEventsPerPush = 0;
    await outbox.drain();
    expect(outbox.state.value).toBe('error');
    expect(outbox.error.value?.reason).toBe('too-large');
    expect(await countPending(db)).toBe(1);
  });

  it('keeps events while offline, backs off, and asks the cursor again after reconnecting', async () => {
    const { db, venue, outbox } = await setup(5);
    venue.isReachable = false;
    await outbox.drain();
    expect(outbox.state.value).toBe('error');
    expect(outbox.error.value?.reason).toBe('offline');
    expect(outbox.isOnline.value).toBe(false);
    expect(outbox.pending.value).toBe(5);
    expect(outbox.retryInMs.value).toBe(backoffDelay(1, () => 0.5));

    await outbox.drain();
    expect(outbox.retryInMs.value).toBe(backoffDelay(2, () => 0.5));

    venue.isReachable = true;
    venue.paths = [];
    await outbox.drain();
    expect(venue.paths[0]).toBe('/api/device/cursor');
    expect(venue.held).toHaveLength(5);
    expect(await countPending(db)).toBe(0);
    expect(outbox.state.value).toBe('done');
    expect(outbox.error.value).toBeNull();
  });

  it('goes again at once when the network returns during a pass that then fails, not after its backoff', async () => {
    const { db, venue, outbox } = await setup(3, { backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
    const listeners = new Map<string, () => void>();
    const realAdd = globalThis.addEventListener;
    globalThis.addEventListener = ((type: string, listener: () => void) => { listeners.set(type, listener); }) as typeof globalThis.addEventListener;
    try {
      venue.dropNext = 1;
      outbox.start();
      listeners.get('online')!(); // the browser says online while the first pass is still failing
      await vi.waitFor(async () => expect(await countPending(db)).toBe(0), { timeout: 2000 });
      expect(venue.held).toHaveLength(3);
      expect(venue.paths[0]).toBe('/api/device/cursor'); // the failed first request
    } finally {
      outbox.stop();
      globalThis.addEventListener = realAdd;
    }
  });

  it('resends from the venue\'s cursor when the venue holds less than it acknowledged', async () => {
    const { db, venue, outbox } = await setup(5);
    await outbox.drain();
    venue.held = venue.held.slice(0, 2); // the venue was restored from an older copy
    await appendMany(db, 2);
    await outbox.drain();
    expect(venue.held.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(verifyChain(venue.held)).toBeNull();
    expect(outbox.state.value).toBe('done');
  });

  it('raises a conflict and acknowledges nothing when the venue holds a different event', async () => {
    const { db, venue, outbox } = await setup(3);
    const other = new DeviceDb(`exam-outbox-test-${++counter}`);
    opened.push(other);
    await ensureDevice({ deviceId: 'pc-07', now: EPOCH }, other);
    await appendEvent({ type: 'item.viewed', attemptId: 'att-9', data: { itemId: 'q9' } }, other);
    const forged = await other.events.toArray();
    venue.held = [forged[0]!.event];
    await outbox.drain();
    expect(outbox.state.value).toBe('error');
    expect(outbox.error.value?.reason).toBe('conflict');
    expect(outbox.retryInMs.value).toBe(60_000);
    expect(await countPending(db)).toBe(3);
  });

  it('treats a server error as passing and recovers on the next pass', async () => {
    const { venue, outbox } = await setup(2);
    venue.failWith500 = 1;
    await outbox.drain();
    expect(outbox.error.value?.reason).toBe('server-error');
    expect(outbox.isOnline.value).toBe(true);
    await outbox.drain();
    expect(venue.held).toHaveLength(2);
    expect(outbox.state.value).toBe('done');
  });

  it('does nothing before the device has an identity', async () => {
    const db = new DeviceDb(`exam-outbox-test-${++counter}`);
    opened.push(db);
    const venue = new FakeVenue();
    const outbox = createOutbox({ store: deviceOutboxStore(db), fetch: venue.fetch });
    await outbox.drain();
    expect(venue.paths).toEqual([]);
    expect(outbox.state.value).toBe('done');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, top)).toBe(0);
    expect(backoffDelay(1, top, 1000, 60_000)).toBe(999);
    expect(backoffDelay(3, top, 1000, 60_000)).toBe(3999);
    expect(backoffDelay(20, top, 1000, 60_000)).toBe(59_999);
    expect(backoffDelay(5, () => 0, 1000, 60_000)).toBe(0);
  });
});
