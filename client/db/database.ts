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
import { DEVICE_DB_NAME, type DeviceRow, type EventRow, type KvRow } from './schema';

export { DEVICE_DB_NAME, DEVICE_KEY, type AckFlag, type DeviceRow, type EventRow, type KvRow } from './schema';

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
