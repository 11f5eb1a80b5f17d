/**
 * The released session key of the attempt in progress on this PC, in the `kv` table
 * (see database.ts), one row per attempt under `attempt-secret.<attemptId>`.
 *
 * Why it is stored: the key is released at the start of the exam, and an exam must carry
 * on after a browser or PC restart while the venue is unreachable. With the key kept here
 * the exam page reopens the (still encrypted) cached package with no network at all.
 * Only the key is kept, bound to its attempt; the opened package lives in memory only.
 * The row is deleted as soon as the attempt is finished, closed or removed.
 */
import { deviceDb, type DeviceDb } from './database';
import { toDeviceStoreError } from './errors';

const PREFIX = 'attempt-secret.';

export interface AttemptSecret {
  attemptId: string;
  sessionId: string;
  /** The session key exactly as the venue released it. */
  key: string;
  savedAt: number;
}

export async function saveAttemptKey(secret: Omit<AttemptSecret, 'savedAt'>, db: DeviceDb = deviceDb()): Promise<void> {
  try {
    await db.kv.put({ key: PREFIX + secret.attemptId, value: { ...secret, savedAt: Date.now() } satisfies AttemptSecret });
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}

/** The key kept for this attempt of this session, if any: a key is never used for another attempt. */
export async function attemptKey(attemptId: string, sessionId: string, db: DeviceDb = deviceDb()): Promise<string | undefined> {
  const row = await db.kv.get(PREFIX + attemptId);
  const secret = row?.value as AttemptSecret | undefined;
  return secret && secret.attemptId === attemptId && secret.sessionId === sessionId ? secret.key : undefined;
}

export async function deleteAttemptKey(attemptId: string, db: DeviceDb = deviceDb()): Promise<void> {
  try {
    await db.kv.delete(PREFIX + attemptId);
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}

/** Deletes the keys of every other attempt (a new candidate signed in at this PC). */
export async function deleteAttemptKeysExcept(attemptId: string, db: DeviceDb = deviceDb()): Promise<void> {
  try {
    await db.kv.where('key').startsWith(PREFIX).and((row) => row.key !== PREFIX + attemptId).delete();
  } catch (error) {
    throw toDeviceStoreError(error);
  }
}
