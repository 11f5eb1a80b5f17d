// One request's lifecycle for a page: state, error and the last result, plus `run`.
import { ref, type Ref } from 'vue';
import { CentralApiError } from '../api';

export function useHubRequest<T>() {
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<CentralApiError | null>(null);
  const result = ref<T | null>(null) as Ref<T | null>;

  async function run(work: () => Promise<T>): Promise<T | null> {
    state.value = 'loading';
    error.value = null;
    try {
      result.value = await work();
      state.value = 'done';
      return result.value;
    } catch (caught) {
      error.value = caught instanceof CentralApiError ? caught : new CentralApiError('internal', String(caught), 0, null);
      state.value = 'error';
      return null;
    }
  }

  return { state, error, result, run };
}
