/**
 * Browser side of the device-store test page (bundled by device-store-harness.ts):
 * the real client/db and outbox over Chromium's own IndexedDB, driven by the e2e
 * test through `window.deviceStore`.
 */
import { countPending, DeviceDb, ensureDevice, eventsAfter, appendEvent, getDevice } from '../../client/db';
import { createOutbox, deviceOutboxStore } from '../../client/sync/outbox';
import { verifyChain } from '../../sync/chain';

const db = new DeviceDb();
const outbox = createOutbox({ store: deviceOutboxStore(db) });

const deviceStore = {
  async ensure(deviceId: string) {
    return ensureDevice({ deviceId }, db);
  },
  /** Appends `count` answers all at once; returns the seqs they got, in call order. */
  async appendConcurrently(count: number, prefix: string) {
    const events = await Promise.all(
      Array.from({ length: count }, (_, i) => appendEvent({ type: 'answer.set', attemptId: 'att-e2e', data: { itemId: `${prefix}-${i}`, value: { optionIds: ['a'] } } }, db)),
    );
    return events.map((event) => event.seq);
  },
  /** The whole stored chain: its seqs and the first fault, if any. */
  async chain() {
    const device = await getDevice(db);
    if (!device) return { epoch: null, seqs: [], fault: null };
    const events = await eventsAfter(device.epoch, 0, 100_000, db);
    return { epoch: device.epoch, seqs: events.map((e) => e.seq), fault: verifyChain(events) };
  },
  /** The durability Chromium reports for a transaction the store opens. */
  async durability() {
    return db.transaction('rw', db.events, (transaction) => transaction.idbtrans.durability);
  },
  async drain() {
    await outbox.drain();
    return { state: outbox.state.value, reason: outbox.error.value?.reason ?? null, isOnline: outbox.isOnline.value, pending: await countPending(db) };
  },
};

(window as unknown as { deviceStore: typeof deviceStore }).deviceStore = deviceStore;
export type DeviceStoreApi = typeof deviceStore;
