// The device store's public face: the rest of the client uses these, never Dexie.
export { DeviceDb, deviceDb, DEVICE_DB_NAME } from './database';
export { ensureDevice, getDevice, newDeviceId, type DeviceIdentity } from './device';
export { appendEvent, validateDraft, markAcked, pendingEvents, countPending, eventsAfter, eventsForAttempt, type EventDraft } from './events';
export { kvGet, kvSet } from './kv';
export { DeviceStoreError, isDeviceStoreError, type DeviceStoreReason } from './errors';
export { requestPersistentStorage, type StorageStatus } from './storage';
export { saveAttemptKey, attemptKey, deleteAttemptKey, deleteAttemptKeysExcept, type AttemptSecret } from './attempt-secrets';
