import { describe, expect, it } from 'vitest';
import { createAppUpdater, type ServiceWorkerHandle } from './useAppUpdate';

/** The browser's service-worker edge: records what the page asked of it. */
class FakeWorker implements ServiceWorkerHandle {
  private listeners = new Map<string, (() => void)[]>();
  skipWaitingMessages = 0;
  addEventListener(type: 'waiting' | 'controlling', listener: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: 'waiting' | 'controlling') {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  async register() {
    return undefined;
  }
  async update() {
    return undefined;
  }
  messageSkipWaiting() {
    this.skipWaitingMessages += 1;
  }
}

describe('app updater', () => {
  it('holds a waiting update back during an attempt and applies it after', async () => {
    const worker = new FakeWorker();
    let reloads = 0;
    const updater = createAppUpdater(worker, () => (reloads += 1));
    await updater.register();
    expect(updater.state.value).toBe('done');

    expect(updater.applyUpdate()).toBe(false); // nothing waits yet
    worker.emit('waiting');
    expect(updater.isUpdateWaiting.value).toBe(true);

    updater.setAttemptInProgress(true);
    expect(updater.applyUpdate()).toBe(false);
    expect(worker.skipWaitingMessages).toBe(0);
    worker.emit('controlling'); // e.g. another tab applied it: this page must not reload
    expect(reloads).toBe(0);

    updater.setAttemptInProgress(false);
    expect(updater.applyUpdate()).toBe(true);
    expect(worker.skipWaitingMessages).toBe(1);
    worker.emit('controlling');
    expect(reloads).toBe(1);
  });

  it('reports an error where service workers are unavailable', async () => {
    const updater = createAppUpdater(null, () => undefined);
    await updater.register();
    expect(updater.state.value).toBe('error');
    expect(updater.error.value?.message).toMatch(/secure context/);
  });
});
