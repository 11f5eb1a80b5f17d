import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useAttemptStore } from '../stores/attempt';
import { REQUIRED_STORAGE_BYTES, usePreCheck, type PreCheckEnvironment } from './usePreCheck';

const realFetch = globalThis.fetch;
let isPackageServed = true;
beforeEach(() => {
  setActivePinia(createPinia());
  // The venue at the network's edge serves the sealed package.
  globalThis.fetch = (async () => isPackageServed
    ? new Response(JSON.stringify({ sealed: { sessionId: 's', examId: 'e', examVersion: 1, iv: 'aXY=', ciphertext: 'Y2lwaGVy', sha256: '0'.repeat(64) } }), { status: 200 })
    : new Response(JSON.stringify({ code: 'no-package', message: 'not yet' }), { status: 404 })) as typeof fetch;
  const store = useAttemptStore();
  store.profile = { candidateId: 'c', iin: '1', lastName: 'L', firstName: 'F', middleName: null, language: 'kk', sessionId: `s-${Math.random()}`, attemptId: 'a', roomId: 'r', roomName: null, seatId: 's', seatLabel: null, deviceId: 'd', startsAt: 0 };
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

function environment(overrides: Partial<PreCheckEnvironment> = {}): PreCheckEnvironment & { persistCalls: number } {
  const env = {
    persistCalls: 0,
    hasCamera: async () => true,
    isExtendedScreen: () => false,
    isFullscreenEnabled: () => true,
    storageFree: async () => 10 * REQUIRED_STORAGE_BYTES,
    async persistStorage() {
      env.persistCalls += 1;
      return true;
    },
    ...overrides,
  };
  return env;
}

describe('usePreCheck', () => {
  it('passes a ready PC, asks for persistent storage and caches the sealed package', async () => {
    const env = environment();
    const check = usePreCheck(env);
    await check.run();
    expect(check.results.value).toEqual({ camera: 'ok', screens: 'ok', fullscreen: 'ok', storage: 'ok', package: 'ok' });
    expect(check.state.value).toBe('done');
    expect(env.persistCalls).toBe(1);
    expect(check.isPersisted.value).toBe(true);
  });

  it('warns about a missing camera or a second screen, and blocks on storage or a missing package', async () => {
    isPackageServed = false;
    const check = usePreCheck(environment({ hasCamera: async () => false, isExtendedScreen: () => true, storageFree: async () => REQUIRED_STORAGE_BYTES - 1 }));
    await check.run();
    isPackageServed = true;
    expect(check.results.value).toEqual({ camera: 'warn', screens: 'warn', fullscreen: 'ok', storage: 'fail', package: 'fail' });
    expect(check.state.value).toBe('error');
  });
});
