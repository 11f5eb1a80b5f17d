/**
 * The device's own IndexedDB database, `exam-device`. It stores:
 * - `device`: one row, this device's identity in the event log (deviceId, epoch)
 *   and the head of its hash chain (nextSeq, lastHash). It sits beside the events
 *   and is updated in the same transaction as each event, so `seq` has no gaps.
 * - `events`: every event this device wrote, chained, and whether the venue has
 *   acknowledged it. Nothing leaves this table before the venue's receipt covers it:
 *   it is the only copy until then.
 * - `kv`: small settings the device keeps across reboots (registration, cached
 *   cursors), keyed by name.
 *
 * This folder is the only code that imports Dexie.
 */
import Dexie, { type Table } from 'dexie';
import type { ChainedEvent } from '../../sync/events';

export const DEVICE_DB_NAME = 'exam-device';
/** The key of the single device row. */
export const DEVICE_KEY = 'self';

export interface DeviceRow {
  key: typeof DEVICE_KEY;
  deviceId: string;
  /** Changes only when this store is recreated: the creation time in ms. */
  epoch: number;
  /** The seq the next event gets: 1 for a new epoch. */
  nextSeq: number;
  /** The hash of the last event, or GENESIS_HASH. */
  lastHash: string;
  createdAt: number;
}

/** 0 until the venue's receipt covers the event, then 1 (IndexedDB cannot index booleans). */
export type AckFlag = 0 | 1;

export interface EventRow {
  epoch: number;
  seq: number;
  attemptId?: string;
  acked: AckFlag;
  ackedAt?: number;
  /** The event exactly as chained and hashed. */
  event: ChainedEvent;
}

export interface KvRow {
  key: string;
  value: unknown;
}

export class DeviceDb extends Dexie {
  device!: Table<DeviceRow, string>;
  events!: Table<EventRow, [number, number]>;
  kv!: Table<KvRow, string>;

  constructor(name: string = DEVICE_DB_NAME) {
    // Chromium's IndexedDB reports a commit before it reaches the disk unless the
    // transaction asks for strict durability; an answer must survive a power cut.
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      device: 'key',
      events: '[epoch+seq], [acked+epoch+seq], [attemptId+epoch+seq]',
      kv: 'key',
    });
  }
}

let shared: DeviceDb | null = null;

/** The PWA's one open device database. Tests open their own with `new DeviceDb(name)`. */
export function deviceDb(): DeviceDb {
  shared ??= new DeviceDb();
  return shared;
}
