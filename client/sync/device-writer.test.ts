import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../sync/chain';
import type { DeviceReceipt } from '../../sync/messages';
import { DeviceDb, ensureDevice, eventsAfter, isDeviceStoreError, type EventDraft } from '../db';
import { openDeviceDatabase } from '../db/chain-writer';
import { createDeviceWriter, type DeviceWriterPort, type DeviceWriterReply, type DeviceWriterRequest, type VenueCursor } from './device-writer';
import { serveDeviceWriter, type DeviceWriterScope } from './device-writer-service';
import { EPOCH, FakeVenue } from './testing/fake-venue';

let names: string[] = [];
let counter = 0;

afterEach(async () => {
  for (const name of names) {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = request.onerror = resolve;
    });
  }
  names = [];
});

/** A device store with its identity, as the page creates it before the first append. */
async function freshStore(): Promise<DeviceDb> {
  const name = `exam-writer-test-${++counter}`;
  names.push(name);
  const db = new DeviceDb(name);
  await ensureDevice({ deviceId: 'pc-07', now: EPOCH }, db);
  return db;
}

/** The worker served in this process: messages cross as structured clones, in later tasks, as between threads. */
function workerPair(databaseName: string, venue: FakeVenue) {
  const replies: DeviceWriterReply[] = [];
  const port: DeviceWriterPort = {
    onmessage: null,
    onerror: null,
    postMessage(message) {
      setTimeout(() => scope.onmessage?.({ data: structuredClone(message) } as MessageEvent<DeviceWriterRequest>));
    },
    terminate() {
      scope.onmessage = null;
    },
  };
  const scope: DeviceWriterScope = {
    onmessage: null,
    location: { origin: 'http://venue.test' },
    postMessage(message) {
      replies.push(message);
      setTimeout(() => port.onmessage?.({ data: structuredClone(message) } as MessageEvent<DeviceWriterReply>));
    },
  };
  serveDeviceWriter(scope, { databaseName, fetch: venue.fetch });
  return { port, replies };
}

const answer = (itemId: string): EventDraft => ({ type: 'answer.set', attemptId: 'att-1', data: { itemId, value: { optionIds: ['a'] } } });

function until(test: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => (test() ? resolve() : Date.now() - started > timeoutMs ? reject(new Error('timed out')) : setTimeout(check, 5));
    check();
  });
}

describe('device writer (worker)', () => {
  it('chains every append in the store and pushes it to the venue as soon as it is committed', async () => {
    const db = await freshStore();
    const venue = new FakeVenue();
    // A venue a little slower than the disk, so appends made while a push is on the way queue up.
    const slowFetch: typeof fetch = async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return venue.fetch(input, init);
    };
    const { port } = workerPair(db.name, { fetch: slowFetch } as FakeVenue);
    const receipts: DeviceReceipt[] = [];
    let unsent = 0;
    // The outbox has asked the venue: it holds nothing of this chain yet.
    const writer = createDeviceWriter({ createWorker: () => port, venueCursor: () => ({ epoch: EPOCH, ackedSeq: 0 }), onReceipt: (r) => receipts.push(r), onUnsent: () => unsent++ });

    const events = await Promise.all(Array.from({ length: 12 }, (_, i) => writer.append(answer(`item-${i}`))));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const stored = (await eventsAfter(EPOCH, 0, 100, db)).map((e) => e.hash);
    expect(stored).toEqual(events.map((e) => e.hash));
    expect(verifyChain(events)).toBeNull();

    await until(() => receipts.at(-1)?.ackedSeq === 12);
    expect(venue.held.map((e) => e.hash)).toEqual(events.map((e) => e.hash));
    // Events appended while a push was on the way went in the next push, not one by one and not twice.
    expect(venue.pushSizes.reduce((a, b) => a + b, 0)).toBe(12);
    expect(venue.pushSizes.length).toBeLessThan(12);
    expect(unsent).toBe(0);
    db.close();
  });

  it('leaves the events to the outbox when the venue cannot be reached, and when the venue holds less than it should', async () => {
    const db = await freshStore();
    const venue = new FakeVenue();
    venue.isReachable = false;
    const { port, replies } = workerPair(db.name, venue);
    let cursor: VenueCursor | null = { epoch: EPOCH, ackedSeq: 0 };
    let unsent = 0;
    const receipts: DeviceReceipt[] = [];
    const writer = createDeviceWriter({ createWorker: () => port, venueCursor: () => cursor, onReceipt: (r) => receipts.push(r), onUnsent: () => unsent++ });

    const first = await writer.append(answer('item-1'));
    await until(() => unsent === 1);
    expect(receipts).toEqual([]);
    expect(venue.held).toEqual([]);
    // Stored all the same: the outbox will send it.
    expect((await eventsAfter(EPOCH, 0, 10, db)).map((e) => e.hash)).toEqual([first.hash]);

    // The worker forgot where the venue stands; without a cursor from the page it does not push.
    venue.isReachable = true;
    cursor = null;
    await writer.append(answer('item-2'));
    await until(() => unsent === 2);
    expect(venue.held).toEqual([]);

    // A cursor behind the chain (seq 1 and 2 not held): not the fast path's to fill the gap.
    cursor = { epoch: EPOCH, ackedSeq: 0 };
    await writer.append(answer('item-3'));
    await until(() => unsent === 3);
    expect(venue.held).toEqual([]);
    // Only the first was the fast path's to try (the venue was known to hold seq 0).
    expect(replies.flatMap((r) => (r.type === 'appended' ? [r.isPushing] : []))).toEqual([true, false, false]);
    db.close();
  });

  it('does not take a receipt for another chain as an acknowledgement', async () => {
    const db = await freshStore();
    const venue = new FakeVenue();
    // A venue that answers with some other event's hash at our seq.
    const lying: typeof fetch = async (input, init) => {
      const response = await venue.fetch(input, init);
      const body = (await response.json()) as { receipt: DeviceReceipt };
      return new Response(JSON.stringify({ receipt: { ...body.receipt, ackedHash: 'e'.repeat(64) } }), { status: 200 });
    };
    const replies: DeviceWriterReply[] = [];
    const scope: DeviceWriterScope = { onmessage: null, location: { origin: 'http://venue.test' }, postMessage: (m) => replies.push(m) };
    serveDeviceWriter(scope, { databaseName: db.name, fetch: lying });
    scope.onmessage?.({ data: { type: 'append', id: 1, body: { type: 'answer.set', attemptId: 'att-1', at: EPOCH + 1, data: { itemId: 'i', value: { optionIds: ['a'] } } }, venue: { epoch: EPOCH, ackedSeq: 0 } } } as MessageEvent<DeviceWriterRequest>);
    await until(() => replies.some((r) => r.type === 'pushed'));
    expect(replies).toContainEqual({ type: 'pushed', receipt: null });
    db.close();
  });

  it('reports a store without a device identity as not registered, and does not create it', async () => {
    const venue = new FakeVenue();
    const name = `exam-writer-test-${++counter}`;
    names.push(name);
    const { port } = workerPair(name, venue);
    const writer = createDeviceWriter({ createWorker: () => port, venueCursor: () => null });
    const failure = await writer.append(answer('item-1')).catch((error: unknown) => error);
    expect(isDeviceStoreError(failure) && failure.reason).toBe('not-registered');
    expect((await indexedDB.databases()).some((database) => database.name === name)).toBe(false);
  });

  it('refuses a draft that does not parse before it reaches the worker', async () => {
    const db = await freshStore();
    const { port, replies } = workerPair(db.name, new FakeVenue());
    const writer = createDeviceWriter({ createWorker: () => port });
    const failure = await writer.append({ type: 'answer.set', attemptId: 'att-1', data: { itemId: '' } } as unknown as EventDraft).catch((error: unknown) => error);
    expect(isDeviceStoreError(failure) && failure.reason).toBe('invalid-event');
    expect(replies).toEqual([]);
    expect(await eventsAfter(EPOCH, 0, 10, db)).toEqual([]);
    db.close();
  });

  it('falls back to the page when the worker fails: pending appends are refused, the next ones are stored in the page', async () => {
    const db = await freshStore();
    const silent: DeviceWriterPort = { onmessage: null, onerror: null, postMessage: () => undefined, terminate: () => undefined };
    let unsent = 0;
    const writer = createDeviceWriter({ createWorker: () => silent, onUnsent: () => unsent++, db });
    const pending = writer.append(answer('item-1')).catch((error: unknown) => error);
    silent.onerror?.(new Event('error'));
    const failure = await pending;
    expect(isDeviceStoreError(failure) && failure.reason).toBe('write-failed');
    const event = await writer.append(answer('item-2'));
    expect(event.seq).toBe(1);
    expect((await eventsAfter(EPOCH, 0, 10, db)).map((e) => e.hash)).toEqual([event.hash]);
    expect(unsent).toBeGreaterThanOrEqual(2);
    db.close();
  });

  it('opens the device database without creating it, and lets go of it when the page upgrades the schema', async () => {
    const db = await freshStore();
    db.close();
    let closed = 0;
    const connection = await openDeviceDatabase(() => closed++, db.name);
    expect(Array.from(connection.objectStoreNames).sort()).toEqual(['device', 'events', 'kv']);
    const upgrade = indexedDB.open(db.name, connection.version + 1);
    await new Promise((resolve, reject) => {
      upgrade.onsuccess = resolve;
      upgrade.onerror = reject;
    });
    upgrade.result.close();
    expect(closed).toBe(1);
  });
});
