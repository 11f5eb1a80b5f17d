/**
 * Small named values the device keeps across reboots (registration, cursors),
 * in the `kv` table (see database.ts). Values must be structured-cloneable.
 */
import { deviceDb, type DeviceDb } from './database';
import { toDeviceStoreError } from './errors';

export async function kvGet<T>(key: string, db: DeviceDb = deviceDb()): Promise<T | undefined> {
  const row = await db.kv.get(key);
  return row?.value as T | undefined;
}

export async function kvSet(key: string, value: unknown, db: DeviceDb = deviceDb()): Promise<void> {
  try {
    await db.kv.put({ key, value });
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}
