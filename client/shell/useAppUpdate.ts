/**
 * Registers the service worker and holds back its updates while an attempt is in
 * progress: a new version only takes over (and reloads the page) when the user
 * asks for it and no attempt is running. The candidate area calls
 * `setAttemptInProgress(true)` when an attempt starts or resumes, and `false`
 * when it ends.
 */
import { ref, readonly } from 'vue';
import { Workbox } from 'workbox-window';

type State = 'idle' | 'loading' | 'done' | 'error';

const state = ref<State>('idle');
const error = ref<Error | null>(null);
const isUpdateWaiting = ref(false);
const isAttemptInProgress = ref(false);
let workbox: Workbox | null = null;

/** Registers `/sw.js` once. Resolves when registration finished or failed (state says which). */
export async function registerServiceWorker(scriptUrl = '/sw.js'): Promise<void> {
  if (workbox || state.value === 'loading') return;
  if (!('serviceWorker' in navigator)) {
    state.value = 'error';
    error.value = new Error('service workers are unavailable (not a secure context?)');
    return;
  }
  state.value = 'loading';
  workbox = new Workbox(scriptUrl, { scope: '/' });
  workbox.addEventListener('waiting', () => {
    isUpdateWaiting.value = true;
  });
  try {
    await workbox.register();
    state.value = 'done';
  } catch (cause) {
    state.value = 'error';
    error.value = cause instanceof Error ? cause : new Error(String(cause));
  }
  window.addEventListener('online', () => void workbox?.update().catch(() => undefined));
}

export function setAttemptInProgress(isInProgress: boolean): void {
  isAttemptInProgress.value = isInProgress;
}

/**
 * Lets the waiting version take over and reloads once it controls the page.
 * Refused (returns false) while an attempt is in progress or when no update waits.
 */
export function applyUpdate(): boolean {
  if (!workbox || !isUpdateWaiting.value || isAttemptInProgress.value) return false;
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
  return true;
}

export function useAppUpdate() {
  return {
    state: readonly(state),
    error: readonly(error),
    isUpdateWaiting: readonly(isUpdateWaiting),
    isAttemptInProgress: readonly(isAttemptInProgress),
    applyUpdate,
    setAttemptInProgress,
  };
}
