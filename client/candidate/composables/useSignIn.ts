/**
 * The sign-in form's logic: the IIN is checked here first so the candidate sees at once
 * which rule it breaks; the venue then checks the access code and gives one generic
 * refusal for a wrong code or an unknown IIN, and rate-limits attempts.
 */
import { ref } from 'vue';
import { validateIin } from '../../../sync/iin';
import { CandidateApiError } from '../api';
import { useAttemptStore } from '../stores/attempt';

export type SignInState = 'idle' | 'loading' | 'done' | 'error';

export function useSignIn() {
  const store = useAttemptStore();
  const iin = ref('');
  const accessCode = ref('');
  const state = ref<SignInState>('idle');
  /** A message key (with params) for the error to show, or null. */
  const error = ref<{ key: string; params?: Record<string, string | number>; field: 'iin' | 'code' | 'form' } | null>(null);

  async function submit(): Promise<boolean> {
    const check = validateIin(iin.value);
    if (!check.isValid) {
      state.value = 'error';
      error.value = { key: `cand.iin.${check.reason}`, field: 'iin' };
      return false;
    }
    if (!accessCode.value.trim()) {
      state.value = 'error';
      error.value = { key: 'common.required', field: 'code' };
      return false;
    }
    state.value = 'loading';
    error.value = null;
    try {
      await store.signIn(iin.value, accessCode.value);
      state.value = 'done';
      return true;
    } catch (failure) {
      state.value = 'error';
      error.value = describe(failure);
      return false;
    }
  }

  return { iin, accessCode, state, error, submit };
}

function describe(failure: unknown): { key: string; params?: Record<string, string | number>; field: 'iin' | 'code' | 'form' } {
  if (!(failure instanceof CandidateApiError)) return { key: 'cand.error', field: 'form' };
  switch (failure.code) {
    case 'invalid-iin':
      return { key: `cand.iin.${String(failure.details.reason ?? 'length')}`, field: 'iin' };
    case 'sign-in-refused':
      return { key: 'cand.sign-in.refused', field: 'code' };
    case 'too-many-attempts':
      return { key: 'cand.sign-in.too-many', params: { minutes: Math.max(1, Math.ceil(Number(failure.details.retryAfterSeconds ?? 60) / 60)) }, field: 'form' };
    case 'offline':
      return { key: 'cand.offline', field: 'form' };
    default:
      return { key: 'cand.error', field: 'form' };
  }
}
