/**
 * The page after the test: the venue's analysis card where the result policy allows
 * it, otherwise "results after review". While the finish has not reached the venue yet
 * it keeps sending and asking again.
 */
import { onBeforeUnmount, ref } from 'vue';
import { candidateApi, CandidateApiError, type AttemptResult } from '../api';
import { useAttemptStore } from '../stores/attempt';

export function useResult(retryMs = 2000) {
  const store = useAttemptStore();
  const result = ref<AttemptResult | null>(null);
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<CandidateApiError | null>(null);
  /** Venue clock minus device clock at the last answer, to show the appeal deadline honestly. */
  const clockOffsetMs = ref(0);
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function load(): Promise<void> {
    state.value = 'loading';
    try {
      await store.flush();
      const loaded = await candidateApi.result();
      result.value = loaded;
      clockOffsetMs.value = loaded.now - Date.now();
      state.value = 'done';
      error.value = null;
    } catch (failure) {
      state.value = 'error';
      error.value = failure instanceof CandidateApiError ? failure : new CandidateApiError('server-error', 0, String(failure));
      timer = setTimeout(() => void load(), retryMs);
    }
  }

  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
  });
  return { result, state, error, clockOffsetMs, load };
}
