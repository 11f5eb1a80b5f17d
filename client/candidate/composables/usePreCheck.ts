/**
 * The pre-exam check of this PC: a camera, one screen, full screen possible, enough
 * storage (and asking the browser to keep it: `navigator.storage.persist()`), and the
 * sealed package cached here. A failed hard check blocks the start; a warning only asks
 * the candidate to tell the proctor, who decides.
 */
import { ref } from 'vue';
import { useAttemptStore } from '../stores/attempt';

export type CheckName = 'camera' | 'screens' | 'fullscreen' | 'storage' | 'package';
export type CheckResult = 'pending' | 'ok' | 'warn' | 'fail';

/** The space an attempt needs: the package, its events and some evidence thumbnails. */
export const REQUIRED_STORAGE_BYTES = 50 * 1024 * 1024;

export interface PreCheckEnvironment {
  hasCamera(): Promise<boolean>;
  isExtendedScreen(): boolean | undefined;
  isFullscreenEnabled(): boolean;
  storageFree(): Promise<number | undefined>;
  persistStorage(): Promise<boolean>;
}

export const browserEnvironment: PreCheckEnvironment = {
  async hasCamera() {
    try {
      const devices = await navigator.mediaDevices?.enumerateDevices();
      return (devices ?? []).some((device) => device.kind === 'videoinput');
    } catch {
      return false;
    }
  },
  isExtendedScreen: () => (window.screen as Screen & { isExtended?: boolean }).isExtended,
  isFullscreenEnabled: () => document.fullscreenEnabled,
  async storageFree() {
    const estimate = await navigator.storage?.estimate?.();
    return estimate?.quota === undefined ? undefined : estimate.quota - (estimate.usage ?? 0);
  },
  persistStorage: async () => (await navigator.storage?.persist?.()) ?? false,
};

export function usePreCheck(environment: PreCheckEnvironment = browserEnvironment) {
  const store = useAttemptStore();
  const results = ref<Record<CheckName, CheckResult>>({ camera: 'pending', screens: 'pending', fullscreen: 'pending', storage: 'pending', package: 'pending' });
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<Error | null>(null);
  const isPersisted = ref(false);

  async function run(): Promise<void> {
    state.value = 'loading';
    error.value = null;
    results.value.camera = (await environment.hasCamera()) ? 'ok' : 'warn';
    results.value.screens = environment.isExtendedScreen() === true ? 'warn' : 'ok';
    results.value.fullscreen = environment.isFullscreenEnabled() ? 'ok' : 'warn';
    isPersisted.value = await environment.persistStorage().catch(() => false);
    const free = await environment.storageFree().catch(() => undefined);
    results.value.storage = free === undefined || free >= REQUIRED_STORAGE_BYTES ? 'ok' : 'fail';
    try {
      await store.cacheSealedPackage();
      results.value.package = 'ok';
    } catch (failure) {
      results.value.package = 'fail';
      error.value = failure instanceof Error ? failure : new Error(String(failure));
    }
    state.value = Object.values(results.value).includes('fail') ? 'error' : 'done';
  }

  return { results, state, error, isPersisted, run };
}
