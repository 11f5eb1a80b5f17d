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
import { DEVICE_KEY, deviceDb, type DeviceDb } from './database';
import { DeviceStoreError, toDeviceStoreError } from './errors';

/** What a caller writes: the store fills in deviceId, epoch and seq, and `at` if absent. */
export type EventDraft = {
  [T in EventType]: Omit<Extract<EventBody, { type: T }>, 'deviceId' | 'epoch' | 'seq' | 'at'> & { at?: number };
}[EventType];

/**
 * Appends one event to this device's chain and returns it.
 *
 * Invariant: reading the device row, chaining, storing the event and bumping
 * `nextSeq` happen in ONE read-write transaction over both tables. IndexedDB runs
 * overlapping read-write transactions one at a time, so concurrent appends get
 * consecutive seqs and each links to the hash before it; a crash leaves either
 * both writes or neither. Nothing inside awaits anything but Dexie, or the
 * transaction would commit early.
 */
export async function appendEvent(draft: EventDraft, db: DeviceDb = deviceDb()): Promise<ChainedEvent> {
  try {
    return await db.transaction('rw', db.device, db.events, async () => {
      const device = await db.device.get(DEVICE_KEY);
      if (!device) throw new DeviceStoreError('not-registered', 'this device has no identity yet; call ensureDevice() first');
      const body = parseEventBody({ ...draft, deviceId: device.deviceId, epoch: device.epoch, seq: device.nextSeq, at: draft.at ?? Date.now() });
      const event = chainEvent(device.lastHash, body);
      await db.events.add({ epoch: event.epoch, seq: event.seq, attemptId: event.attemptId, acked: 0, event });
      await db.device.put({ ...device, nextSeq: event.seq + 1, lastHash: event.hash });
      return event;
    });
  } catch (error) {
    throw toDeviceStoreError(error);
  }
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
