/**
 * The one error the device store throws. `reason` says what went wrong, so the UI
 * can show a clear message in the candidate's language (`storage-full` is
 * `storage.full` in the catalogues) instead of failing silently.
 */
export type DeviceStoreReason =
  /** The browser refused the write for lack of space (QuotaExceededError). */
  | 'storage-full'
  /** No device row yet: `ensureDevice()` must run before events are written. */
  | 'not-registered'
  /** The event does not parse against the shared schema; it was not stored. */
  | 'invalid-event'
  /** IndexedDB failed for another reason (blocked, closed, disk error). */
  | 'write-failed';

export class DeviceStoreError extends Error {
  override readonly name = 'DeviceStoreError';
  readonly reason: DeviceStoreReason;

  constructor(reason: DeviceStoreReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

export function isDeviceStoreError(error: unknown): error is DeviceStoreError {
  return error instanceof Error && error.name === 'DeviceStoreError' && typeof (error as { reason?: unknown }).reason === 'string';
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}

/** True for the browser's quota error, whether raw (DOMException) or wrapped by Dexie (`inner`). */
export function isQuotaExceeded(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (errorName(current) === 'QuotaExceededError') return true;
    if (typeof current === 'object' && (current as { code?: unknown }).code === 22) return true; // legacy DOMException code
    current = (current as { inner?: unknown; cause?: unknown }).inner ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Turns anything a store operation threw into a {@link DeviceStoreError}. */
export function toDeviceStoreError(error: unknown): DeviceStoreError {
  if (isDeviceStoreError(error)) return error;
  if (isQuotaExceeded(error)) return new DeviceStoreError('storage-full', 'the browser has no storage space left for this site', { cause: error });
  if (errorName(error) === 'ZodError') return new DeviceStoreError('invalid-event', 'the event does not match the event schema', { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new DeviceStoreError('write-failed', `the device store failed: ${detail}`, { cause: error });
}
