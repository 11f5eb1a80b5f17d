/**
 * The device's event log: every event is chained and stored in the same
 * transaction that advances the device row, and stays until the venue's receipt
 * covers it. Stored in the `events` table (see database.ts).
 *
 * Ranges use ±Infinity for open ends: epoch and seq are numbers, and an IndexedDB
 * key may not repeat one array object (Dexie.maxKey) twice.
 */
import { parseEventBody, type ChainedEvent, type EventBody, type EventType } from '../../sync/events';
import { createChainWriter, type ChainWriter, type UnplacedBody } from './chain-writer';
import { deviceDb, type DeviceDb } from './database';
import { toDeviceStoreError } from './errors';

/** What a caller writes: the store fills in deviceId, epoch and seq, and `at` if absent. */
export type EventDraft = {
  [T in EventType]: Omit<Extract<EventBody, { type: T }>, 'deviceId' | 'epoch' | 'seq' | 'at'> & { at?: number };
}[EventType];

/**
 * Checks a draft against the shared event schema and returns the body to chain, with
 * `at` filled in; the chain writer adds deviceId, epoch and seq. Throws a
 * DeviceStoreError ('invalid-event') for a draft that does not parse: nothing is stored.
 */
export function validateDraft(draft: EventDraft, now: number = Date.now()): UnplacedBody {
  try {
    // The place is the chain writer's; any valid place stands in for it here.
    const { deviceId: _d, epoch: _e, seq: _s, ...body } = parseEventBody({ ...draft, deviceId: 'device', epoch: 0, seq: 1, at: draft.at ?? now });
    return body as UnplacedBody;
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}

/**
 * Appends one event to this device's chain and returns it once committed (strict
 * durability): the event row and the advanced device row in one transaction that checks
 * the stored head (see chain-writer.ts). The transaction is issued in the caller's own
 * task when the store is open, so the commit does not wait behind the screen's re-render.
 */
export async function appendEvent(draft: EventDraft, db: DeviceDb = deviceDb()): Promise<ChainedEvent> {
  const body = validateDraft(draft);
  let writer = writers.get(db);
  if (!writer) {
    writer = createChainWriter(() => (db.isOpen() ? db.backendDB() : db.open().then(() => db.backendDB())));
    writers.set(db, writer);
  }
  return writer.append(body);
}

/** One chain writer (with its remembered head) per open database. */
const writers = new WeakMap<DeviceDb, ChainWriter>();

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
