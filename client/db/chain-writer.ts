/**
 * Appends events to the device's hash chain over a plain IndexedDB connection to the
 * device database (rows in schema.ts): the `events` row and the advanced `device` row
 * are written in ONE strict read-write transaction, which also checks that the stored
 * head is the one the event was chained to; otherwise it aborts and the append starts
 * again from the stored head. IndexedDB runs overlapping read-write transactions one at
 * a time in the order they were opened, so appends get consecutive seqs and each links
 * to the hash before it; a crash leaves either both writes or neither.
 *
 * The head this writer last wrote is kept in memory, so a transaction is opened with all
 * three requests (check the head, add the event, advance the head) in the caller's own
 * task. The in-transaction check keeps that safe when another tab, another writer or a
 * new epoch moved the stored head.
 *
 * No Dexie here: the page's store (events.ts) and the device writer's worker
 * (client/sync/device-writer.worker.ts) both append through this.
 */
import { chainEvent } from '../../sync/chain';
import type { ChainedEvent, EventBody } from '../../sync/events';
import { DeviceStoreError, toDeviceStoreError } from './errors';
import { DEVICE_DB_NAME, DEVICE_KEY, type DeviceRow, type EventRow } from './schema';

type WithoutPlace<T> = T extends unknown ? Omit<T, 'deviceId' | 'epoch' | 'seq'> : never;

/** A validated event body before the chain gives it its place (deviceId, epoch, seq). */
export type UnplacedBody = WithoutPlace<EventBody>;

export interface ChainWriter {
  /** Stores `body` as the chain's next event and returns the event once it is committed. */
  append(body: UnplacedBody): Promise<ChainedEvent>;
  /** Drops the remembered head and connection (the database is closing or being replaced). */
  forget(): void;
}

const MAX_STALE_RETRIES = 5;

class StaleHead extends Error {}

/**
 * A chain writer over `connect()`, which returns the open connection (synchronously when
 * it is already open, so the append's transaction starts in the caller's task).
 */
export function createChainWriter(connect: () => IDBDatabase | Promise<IDBDatabase>): ChainWriter {
  let head: DeviceRow | null = null;
  let loading: Promise<void> | null = null;

  /** Reads the stored head once for every append waiting on it. */
  function loadHead(): Promise<void> {
    loading ??= (async () => {
      const database = await connect();
      const stored = await new Promise<DeviceRow | undefined>((resolve, reject) => {
        const request = database.transaction(['device'], 'readonly').objectStore('device').get(DEVICE_KEY);
        request.onsuccess = () => resolve(request.result as DeviceRow | undefined);
        request.onerror = () => reject(request.error);
      });
      if (!stored) throw new DeviceStoreError('not-registered', 'this device has no identity yet; call ensureDevice() first');
      head ??= stored;
    })().finally(() => {
      loading = null;
    });
    return loading;
  }

  return {
    async append(body) {
      for (let attempt = 1; ; attempt++) {
        try {
          if (!head) await loadHead();
          const connection = connect();
          const database = connection instanceof Promise ? await connection : connection;
          // No await between taking the head and advancing it (in appendAfter): appends
          // started together each take the head the one before them left.
          if (!head) throw new StaleHead();
          const written = appendAfter(database, head, body);
          head = written.next;
          return await written.committed;
        } catch (error) {
          head = null;
          if (error instanceof StaleHead && attempt < MAX_STALE_RETRIES) continue;
          throw toDeviceStoreError(error instanceof StaleHead ? new Error('the device head kept moving under this writer') : error);
        }
      }
    },
    forget() {
      head = null;
    },
  };
}

function isSameHead(stored: DeviceRow | undefined, expected: DeviceRow): boolean {
  return !!stored && stored.deviceId === expected.deviceId && stored.epoch === expected.epoch && stored.nextSeq === expected.nextSeq && stored.lastHash === expected.lastHash;
}

function appendAfter(database: IDBDatabase, head: DeviceRow, body: UnplacedBody): { next: DeviceRow; committed: Promise<ChainedEvent> } {
  const event = chainEvent(head.lastHash, { ...body, deviceId: head.deviceId, epoch: head.epoch, seq: head.nextSeq } as EventBody);
  const next: DeviceRow = { ...head, nextSeq: event.seq + 1, lastHash: event.hash };
  const row: EventRow = { epoch: event.epoch, seq: event.seq, attemptId: event.attemptId, acked: 0, event };
  // Chromium reports a commit before it reaches the disk unless asked for strict durability.
  const transaction = database.transaction(['device', 'events'], 'readwrite', { durability: 'strict' });
  const committed = new Promise<ChainedEvent>((resolve, reject) => {
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
  return { next, committed };
}

/**
 * Opens the existing device database without a version (whatever the page's store
 * created). A database that does not exist yet is not created: the device has no
 * identity, so nothing can be appended. The connection closes itself when the page's
 * store upgrades the schema; `onClose` hears of it.
 */
export function openDeviceDatabase(onClose: () => void, name: string = DEVICE_DB_NAME): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    let isNew = false;
    request.onupgradeneeded = () => {
      isNew = true;
      request.transaction?.abort();
    };
    request.onsuccess = () => {
      const database = request.result;
      database.onversionchange = () => {
        database.close();
        onClose();
      };
      database.onclose = onClose;
      resolve(database);
    };
    request.onerror = () => reject(isNew ? new DeviceStoreError('not-registered', 'this device has no store yet; the page creates it first') : toDeviceStoreError(request.error));
    request.onblocked = () => reject(new DeviceStoreError('write-failed', 'the device store is being upgraded by another page'));
  });
}
