import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../sync/chain';
import { appendEvent, countPending, DeviceDb, ensureDevice, eventsAfter, type EventDraft } from '../db';
import { backoffDelay, createOutbox, deviceOutboxStore, type OutboxOptions } from './outbox';
import { EPOCH, FakeVenue } from './testing/fake-venue';

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

  it('records a receipt got another way only when it names our own event, and moves its cursor', async () => {
    const { db, venue, outbox } = await setup(3);
    await outbox.drain();
    expect(outbox.cursor()).toEqual({ epoch: EPOCH, ackedSeq: 3 });
    await appendMany(db, 2);
    const [fourth, fifth] = await eventsAfter(EPOCH, 3, 10, db);
    // Another chain's hash at seq 4: an alarm, nothing acknowledged.
    await outbox.noteReceipt({ deviceId: 'pc-07', epoch: EPOCH, ackedSeq: 4, ackedHash: 'e'.repeat(64) });
    expect(outbox.error.value?.reason).toBe('conflict');
    expect(await countPending(db)).toBe(2);
    // Our own: recorded, the cursor moves, nothing is sent again.
    await outbox.noteReceipt({ deviceId: 'pc-07', epoch: EPOCH, ackedSeq: 5, ackedHash: fifth!.hash });
    expect(fourth!.seq).toBe(4);
    expect(outbox.cursor()).toEqual({ epoch: EPOCH, ackedSeq: 5 });
    expect(await countPending(db)).toBe(0);
    expect(outbox.pending.value).toBe(0);
    // A receipt for another device is not ours to record.
    await outbox.noteReceipt({ deviceId: 'pc-99', epoch: EPOCH, ackedSeq: 9, ackedHash: fifth!.hash });
    expect(outbox.cursor()).toEqual({ epoch: EPOCH, ackedSeq: 5 });
    expect(venue.pushSizes).toEqual([3]);
  });

  it('leaves the store alone on its poll while the venue holds all the writer reported, and looks again once more is written', async () => {
    const { db, venue } = await setup(3);
    const base = deviceOutboxStore(db);
    let reads = 0;
    const outbox = createOutbox({ store: { ...base, eventsAfter: (...args) => (reads++, base.eventsAfter(...args)) }, fetch: venue.fetch, pollMs: 20 });
    await outbox.drain();
    const [third] = await eventsAfter(EPOCH, 2, 1, db);
    outbox.noteWritten(third!);
    outbox.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const before = reads;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reads).toBe(before);
    // Written but not sent by anyone: the poll finds it.
    await appendMany(db, 1);
    const [fourth] = await eventsAfter(EPOCH, 3, 1, db);
    outbox.noteWritten(fourth!);
    await vi.waitFor(() => expect(venue.held.map((e) => e.seq)).toEqual([1, 2, 3, 4]), { timeout: 2000 });
    expect(reads).toBeGreaterThan(before);
    outbox.stop();
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
