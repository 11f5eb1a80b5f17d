/**
 * The device's event log: every event is chained and stored in the same
 * transaction that advances the device row, and stays until the venue's receipt
 * covers it. Stored in the `events` table (see database.ts).
 *
 * Ranges use ±Infinity for open ends: epoch and seq are numbers, and an IndexedDB
 * key may not repeat one array object (Dexie.maxKey) twice.
 */
import { chainEvent } from '../../sync/chain';
import { parseEventBody, type ChainedEvent, type EventBody, type EventType } from '../../sync/events';
import { DEVICE_KEY, deviceDb, type DeviceDb, type DeviceRow, type EventRow } from './database';
import { DeviceStoreError, toDeviceStoreError } from './errors';

/** What a caller writes: the store fills in deviceId, epoch and seq, and `at` if absent. */
export type EventDraft = {
  [T in EventType]: Omit<Extract<EventBody, { type: T }>, 'deviceId' | 'epoch' | 'seq' | 'at'> & { at?: number };
}[EventType];

/**
 * Appends one event to this device's chain and returns it.
 *
 * Invariant: storing the event and advancing the device row happen in ONE
 * read-write transaction over both tables, and that transaction checks that the
 * stored head is the one the event was chained to; otherwise it aborts and the
 * append starts again from the stored head. IndexedDB runs overlapping read-write
 * transactions one at a time in the order they were opened, so concurrent appends
 * get consecutive seqs and each links to the hash before it; a crash leaves either
 * both writes or neither.
 *
 * The head this page last wrote is kept in memory, so the transaction is opened with
 * all three requests (check the head, add the event, advance the head) at once,
 * in the click's own task: the commit does not wait for a read's callback behind the
 * screen's re-render. The in-transaction check keeps that safe when another tab, or a
 * new epoch, moved the stored head.
 */
export async function appendEvent(draft: EventDraft, db: DeviceDb = deviceDb()): Promise<ChainedEvent> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!db.isOpen()) await db.open();
      if (!heads.has(db)) await loadHead(db);
      // No await between taking the head and advancing it (in appendAfter): appends
      // started together each take the head the one before them left.
      const head = heads.get(db);
      if (!head) throw new StaleHead();
      return await appendAfter(db, head, draft);
    } catch (error) {
      heads.delete(db);
      if (error instanceof StaleHead && attempt < MAX_STALE_RETRIES) continue;
      throw toDeviceStoreError(error instanceof StaleHead ? new Error('the device head kept moving under this page') : error);
    }
  }
}

const MAX_STALE_RETRIES = 5;
/** The device row as this page last wrote it (or is writing it), per open database. */
const heads = new WeakMap<DeviceDb, DeviceRow>();

class StaleHead extends Error {}

/** Reads the stored head once for every append waiting on it. */
function loadHead(db: DeviceDb): Promise<void> {
  let loading = loads.get(db);
  if (!loading) {
    loading = (async () => {
      const device = await db.device.get(DEVICE_KEY);
      if (!device) throw new DeviceStoreError('not-registered', 'this device has no identity yet; call ensureDevice() first');
      if (!heads.has(db)) heads.set(db, device);
    })().finally(() => loads.delete(db));
    loads.set(db, loading);
  }
  return loading;
}
const loads = new WeakMap<DeviceDb, Promise<void>>();

function isSameHead(stored: DeviceRow | undefined, expected: DeviceRow): boolean {
  return !!stored && stored.deviceId === expected.deviceId && stored.epoch === expected.epoch && stored.nextSeq === expected.nextSeq && stored.lastHash === expected.lastHash;
}

function appendAfter(db: DeviceDb, head: DeviceRow, draft: EventDraft): Promise<ChainedEvent> {
  const body = parseEventBody({ ...draft, deviceId: head.deviceId, epoch: head.epoch, seq: head.nextSeq, at: draft.at ?? Date.now() });
  const event = chainEvent(head.lastHash, body);
  const next: DeviceRow = { ...head, nextSeq: event.seq + 1, lastHash: event.hash };
  const row: EventRow = { epoch: event.epoch, seq: event.seq, attemptId: event.attemptId, acked: 0, event };
  // Chromium reports a commit before it reaches the disk unless asked for strict durability.
  const transaction = db.backendDB().transaction(['device', 'events'], 'readwrite', { durability: 'strict' });
  // The next append in this page chains to this one; if this one fails, that one's check fails too.
  heads.set(db, next);
  return new Promise<ChainedEvent>((resolve, reject) => {
    let isStale = false;
    const check = transaction.objectStore('device').get(DEVICE_KEY);
    check.onsuccess = () => {
      if (isSameHead(check.result as DeviceRow | undefined, head)) return;
      isStale = true;
      transaction.abort();
    };
    transaction.objectStore('events').add(row);
    transaction.objectStore('device').put(next);
    transaction.oncomplete = () => resolve(event);
    transaction.onabort = () => reject(isStale ? new StaleHead() : (transaction.error ?? new Error('the append was aborted')));
  });
}

/**
 * Records the venue's receipt: every event of `epoch` up to `uptoSeq` is held by
 * the venue. Returns how many events changed state. Acked events are kept (the
 * attempt's own record); only their flag changes.
 */
export async function markAcked(epoch: number, uptoSeq: number, db: DeviceDb = deviceDb(), now = Date.now()): Promise<number> {
  if (uptoSeq < 1) return 0;
  try {
    return await db.events
      .where('[acked+epoch+seq]')
      .between([0, epoch, 1], [0, epoch, uptoSeq], true, true)
      .modify({ acked: 1, ackedAt: now });
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}

/** The oldest events the venue has not acknowledged yet, in chain order. */
export async function pendingEvents(limit: number, db: DeviceDb = deviceDb()): Promise<ChainedEvent[]> {
  const rows = await db.events
    .where('[acked+epoch+seq]')
    .between([0, -Infinity, -Infinity], [0, Infinity, Infinity])
    .limit(limit)
    .toArray();
  return rows.map((row) => row.event);
}

/** How many events wait for the venue's receipt. */
export async function countPending(db: DeviceDb = deviceDb()): Promise<number> {
  return db.events.where('[acked+epoch+seq]').between([0, -Infinity, -Infinity], [0, Infinity, Infinity]).count();
}

/**
 * Events of `epoch` after `afterSeq`, acked or not, in chain order. The outbox
 * resends from the receiver's cursor with this, because the receiver owns the
 * cursor: a venue restored from a backup may hold less than it once acknowledged.
 */
export async function eventsAfter(epoch: number, afterSeq: number, limit: number, db: DeviceDb = deviceDb()): Promise<ChainedEvent[]> {
  const rows = await db.events
    .where('[epoch+seq]')
    .between([epoch, afterSeq], [epoch, Infinity], false, true)
    .limit(limit)
    .toArray();
  return rows.map((row) => row.event);
}

/** Every event of one attempt written on this device, in chain order. */
export async function eventsForAttempt(attemptId: string, db: DeviceDb = deviceDb()): Promise<ChainedEvent[]> {
  const rows = await db.events
    .where('[attemptId+epoch+seq]')
    .between([attemptId, -Infinity, -Infinity], [attemptId, Infinity, Infinity])
    .toArray();
  return rows.map((row) => row.event);
}
