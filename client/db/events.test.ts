import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { GENESIS_HASH, verifyChain } from '../../sync/chain';
import { DeviceDb } from './database';
import { ensureDevice } from './device';
import { DeviceStoreError, isDeviceStoreError, toDeviceStoreError } from './errors';
import { appendEvent, countPending, eventsAfter, eventsForAttempt, markAcked, pendingEvents, type EventDraft } from './events';
import { kvGet, kvSet } from './kv';

let opened: DeviceDb[] = [];
let counter = 0;

async function freshDb(): Promise<DeviceDb> {
  const db = new DeviceDb(`exam-device-test-${++counter}`);
  opened.push(db);
  await ensureDevice({ deviceId: 'pc-07', now: 1_700_000_000_000 }, db);
  return db;
}

afterEach(async () => {
  for (const db of opened) db.close();
  for (const name of new Set(opened.map((db) => db.name))) await Dexie.delete(name);
  opened = [];
});

const answer = (attemptId: string, itemId: string): EventDraft => ({
  type: 'answer.set',
  attemptId,
  data: { itemId, value: { optionIds: ['a'] } },
});

describe('device event store', () => {
  it('gives concurrent appends consecutive seqs that form one verified chain', async () => {
    const db = await freshDb();
    const appended = await Promise.all(Array.from({ length: 40 }, (_, i) => appendEvent(answer('att-1', `item-${i}`), db)));
    const seqs = appended.map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    const stored = await eventsAfter(1_700_000_000_000, 0, 1000, db);
    expect(stored.map((e) => e.seq)).toEqual(seqs);
    expect(stored[0]!.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(stored)).toBeNull();

    const device = await db.device.toArray();
    expect(device[0]!.nextSeq).toBe(41);
    expect(device[0]!.lastHash).toBe(stored[39]!.hash);
  });

  it('keeps one chain when two pages of the same browser append in turn, each with its own connection', async () => {
    const first = await freshDb();
    const second = new DeviceDb(first.name);
    opened.push(second);
    await appendEvent(answer('att-1', 'q1'), first);
    await appendEvent(answer('att-1', 'q2'), second); // the first page's remembered head is now behind
    const mixed = await Promise.all([
      appendEvent(answer('att-1', 'q3'), first),
      appendEvent(answer('att-1', 'q4'), second),
      appendEvent(answer('att-1', 'q5'), first),
    ]);
    expect(mixed.map((e) => e.seq).sort((a, b) => a - b)).toEqual([3, 4, 5]);
    const stored = await eventsAfter(1_700_000_000_000, 0, 100, first);
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(verifyChain(stored)).toBeNull();
    expect((await first.device.get('self'))!.lastHash).toBe(stored[4]!.hash);
  });

  it('follows a new epoch written by another page instead of writing into the old one', async () => {
    const db = await freshDb();
    await appendEvent(answer('att-1', 'q1'), db);
    const other = new DeviceDb(db.name);
    opened.push(other);
    await other.device.put({ key: 'self', deviceId: 'pc-07', epoch: 1_800_000_000_000, nextSeq: 1, lastHash: GENESIS_HASH, createdAt: 1_800_000_000_000 });
    const next = await appendEvent(answer('att-1', 'q2'), db);
    expect(next).toMatchObject({ epoch: 1_800_000_000_000, seq: 1, prevHash: GENESIS_HASH });
    expect((await eventsAfter(1_700_000_000_000, 0, 10, db)).map((e) => e.seq)).toEqual([1]);
  });

  it('continues the chain across reopening the database', async () => {
    const db = await freshDb();
    await appendEvent(answer('att-1', 'q1'), db);
    db.close();
    const reopened = new DeviceDb(db.name);
    opened.push(reopened);
    const second = await appendEvent(answer('att-1', 'q2'), reopened);
    expect(second.seq).toBe(2);
    expect(verifyChain(await eventsAfter(second.epoch, 0, 10, reopened))).toBeNull();
  });

  it('a tampered stored event no longer verifies', async () => {
    const db = await freshDb();
    for (let i = 0; i < 3; i++) await appendEvent(answer('att-1', `q${i}`), db);
    const events = await eventsAfter(1_700_000_000_000, 0, 10, db);
    const tampered = events.map((e) => (e.seq === 2 ? { ...e, at: e.at + 1 } : e));
    expect(verifyChain(tampered)).toEqual({ index: 1, reason: 'bad-chain' });
  });

  it('keeps events pending until a receipt covers them, and keeps acked events', async () => {
    const db = await freshDb();
    for (let i = 0; i < 5; i++) await appendEvent(answer('att-1', `q${i}`), db);
    expect((await pendingEvents(100, db)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await pendingEvents(2, db)).map((e) => e.seq)).toEqual([1, 2]);

    expect(await markAcked(1_700_000_000_000, 3, db)).toBe(3);
    expect((await pendingEvents(100, db)).map((e) => e.seq)).toEqual([4, 5]);
    expect(await countPending(db)).toBe(2);
    // Acknowledged events are still the attempt's record on this device.
    expect((await eventsForAttempt('att-1', db)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    // A receipt for another epoch acknowledges nothing here.
    expect(await markAcked(42, 5, db)).toBe(0);
    expect(await countPending(db)).toBe(2);
  });

  it('lists an attempt\'s events only, in chain order', async () => {
    const db = await freshDb();
    await appendEvent(answer('att-1', 'q1'), db);
    await appendEvent(answer('att-2', 'q1'), db);
    await appendEvent({ type: 'proctor.incident', data: { incidentId: 'inc-1', roomId: 'room-1', category: 'technical', text: 'Projector failed' } }, db);
    await appendEvent(answer('att-1', 'q2'), db);
    expect((await eventsForAttempt('att-1', db)).map((e) => e.seq)).toEqual([1, 4]);
    expect((await eventsForAttempt('att-2', db)).map((e) => e.seq)).toEqual([2]);
  });

  it('refuses an invalid event without using up a seq', async () => {
    const db = await freshDb();
    const bad = { type: 'answer.set', attemptId: 'att-1', data: { itemId: 'q1' } } as unknown as EventDraft;
    await expect(appendEvent(bad, db)).rejects.toMatchObject({ name: 'DeviceStoreError', reason: 'invalid-event' });
    const noAttempt = { type: 'answer.set', data: { itemId: 'q1', value: { text: 'x' } } } as EventDraft;
    await expect(appendEvent(noAttempt, db)).rejects.toMatchObject({ reason: 'invalid-event' });
    const good = await appendEvent(answer('att-1', 'q1'), db);
    expect(good.seq).toBe(1);
  });

  it('refuses to write before the device has an identity', async () => {
    const db = new DeviceDb(`exam-device-test-${++counter}`);
    opened.push(db);
    await expect(appendEvent(answer('att-1', 'q1'), db)).rejects.toMatchObject({ reason: 'not-registered' });
  });

  it('keeps the device identity once created', async () => {
    const db = await freshDb();
    const again = await ensureDevice({ deviceId: 'other', now: 5 }, db);
    expect(again).toMatchObject({ deviceId: 'pc-07', epoch: 1_700_000_000_000, nextSeq: 1 });
  });

  it('runs its transactions with strict durability', async () => {
    const db = await freshDb();
    const durability = await db.transaction('rw', db.events, () => (Dexie.currentTransaction as unknown as { idbtrans: IDBTransaction }).idbtrans.durability);
    expect(durability).toBe('strict');
  });

  it('stores small named values', async () => {
    const db = await freshDb();
    expect(await kvGet('venue', db)).toBeUndefined();
    await kvSet('venue', { url: 'https://venue.local' }, db);
    expect(await kvGet<{ url: string }>('venue', db)).toEqual({ url: 'https://venue.local' });
  });
});

describe('device store errors', () => {
  it('names a full disk storage-full, raw or wrapped by Dexie', () => {
    const raw = new DOMException('quota', 'QuotaExceededError');
    expect(toDeviceStoreError(raw).reason).toBe('storage-full');
    const wrapped = Object.assign(new Error('Transaction aborted'), { name: 'AbortError', inner: raw });
    expect(toDeviceStoreError(wrapped).reason).toBe('storage-full');
    expect(toDeviceStoreError(new Error('disk on fire')).reason).toBe('write-failed');
    const named = new DeviceStoreError('not-registered', 'x');
    expect(toDeviceStoreError(named)).toBe(named);
    expect(isDeviceStoreError(named)).toBe(true);
    expect(isDeviceStoreError(new Error('x'))).toBe(false);
  });
});
