/**
 * This device's identity in the event log. The row lives in the `device` table
 * (see database.ts); it is created once per store and only events.ts advances it.
 */
import { GENESIS_HASH } from '../../sync/chain';
import { DEVICE_KEY, deviceDb, type DeviceDb, type DeviceRow } from './database';
import { toDeviceStoreError } from './errors';

export interface DeviceIdentity {
  deviceId: string;
  epoch: number;
  nextSeq: number;
  lastHash: string;
}

function identityOf(row: DeviceRow): DeviceIdentity {
  return { deviceId: row.deviceId, epoch: row.epoch, nextSeq: row.nextSeq, lastHash: row.lastHash };
}

/** A fresh device id; the venue may assign one instead at registration. */
export function newDeviceId(): string {
  return `dev-${crypto.randomUUID()}`;
}

/**
 * Returns the device row, creating it on first use with `deviceId` (or a fresh
 * id) and a new epoch. An existing row is returned unchanged: the identity of a
 * store never changes, a new identity means a new store.
 */
export async function ensureDevice(options: { deviceId?: string; now?: number } = {}, db: DeviceDb = deviceDb()): Promise<DeviceIdentity> {
  try {
    return await db.transaction('rw', db.device, async () => {
      const existing = await db.device.get(DEVICE_KEY);
      if (existing) return identityOf(existing);
      const now = options.now ?? Date.now();
      const row: DeviceRow = { key: DEVICE_KEY, deviceId: options.deviceId ?? newDeviceId(), epoch: now, nextSeq: 1, lastHash: GENESIS_HASH, createdAt: now };
      await db.device.add(row);
      return identityOf(row);
    });
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}

/** The device row, or null before `ensureDevice()`. */
export async function getDevice(db: DeviceDb = deviceDb()): Promise<DeviceIdentity | null> {
  const row = await db.device.get(DEVICE_KEY);
  return row ? identityOf(row) : null;
}
