/**
 * Registers the service worker and holds back its updates while an attempt is in
 * progress: a new version only takes over (and reloads the page) when the user
 * asks for it and no attempt is running. The candidate area calls
 * `setAttemptInProgress(true)` when an attempt starts or resumes, and `false`
 * when it ends.
 */
import { ref, readonly, type Ref } from 'vue';
import { Workbox } from 'workbox-window';

type State = 'idle' | 'loading' | 'done' | 'error';

/** The part of workbox-window's `Workbox` the updater uses. */
export interface ServiceWorkerHandle {
  addEventListener(type: 'waiting' | 'controlling', listener: () => void): void;
  register(): Promise<unknown>;
  update(): Promise<unknown>;
  messageSkipWaiting(): void;
}

export interface AppUpdater {
  state: Readonly<Ref<State>>;
  error: Readonly<Ref<Error | null>>;
  isUpdateWaiting: Readonly<Ref<boolean>>;
  isAttemptInProgress: Readonly<Ref<boolean>>;
  /** Registers the worker once; resolves when registration finished or failed (`state` says which). */
  register(): Promise<void>;
  setAttemptInProgress(isInProgress: boolean): void;
  /** Lets the waiting version take over, then reloads. Refused (false) during an attempt or with no update waiting. */
  applyUpdate(): boolean;
}

export function createAppUpdater(worker: ServiceWorkerHandle | null, reload: () => void = () => window.location.reload()): AppUpdater {
  const state = ref<State>('idle');
  const error = ref<Error | null>(null);
  const isUpdateWaiting = ref(false);
  const isAttemptInProgress = ref(false);
  let isReloadRequested = false;

  worker?.addEventListener('waiting', () => {
    isUpdateWaiting.value = true;
  });
  // Only the update this page asked for may reload it; the first install's
  // clients.claim() also fires 'controlling' and must not.
  worker?.addEventListener('controlling', () => {
    if (isReloadRequested) reload();
  });

  return {
    state: readonly(state),
    error: readonly(error),
    isUpdateWaiting: readonly(isUpdateWaiting),
    isAttemptInProgress: readonly(isAttemptInProgress),
    async register() {
      if (state.value !== 'idle') return;
      if (!worker) {
        state.value = 'error';
        error.value = new Error('service workers are unavailable here (not a secure context?)');
        return;
      }
      state.value = 'loading';
      try {
        await worker.register();
        state.value = 'done';
      } catch (cause) {
        state.value = 'error';
        error.value = cause instanceof Error ? cause : new Error(String(cause));
      }
    },
    setAttemptInProgress(isInProgress) {
      isAttemptInProgress.value = isInProgress;
    },
    applyUpdate() {
      if (!worker || !isUpdateWaiting.value || isAttemptInProgress.value) return false;
      isReloadRequested = true;
      worker.messageSkipWaiting();
      return true;
    },
  };
}

let shared: AppUpdater | null = null;

/** The PWA's one updater, over `/sw.js`. */
export function useAppUpdate(): AppUpdater {
  if (!shared) {
    const hasServiceWorker = typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
    const worker = hasServiceWorker ? new Workbox('/sw.js', { scope: '/' }) : null;
    shared = createAppUpdater(worker);
    if (worker && typeof window !== 'undefined') {
      window.addEventListener('online', () => void worker.update().catch(() => undefined));
    }
  }
  return shared;
}

/** Registers the service worker (production builds only; see main.ts). */
export function registerServiceWorker(): Promise<void> {
  return useAppUpdate().register();
}

/** For the candidate area: hold back updates while an attempt runs. */
export function setAttemptInProgress(isInProgress: boolean): void {
  useAppUpdate().setAttemptInProgress(isInProgress);
}
