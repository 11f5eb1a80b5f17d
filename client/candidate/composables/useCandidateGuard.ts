/**
 * Every page after sign-in starts here: after a reload the store is empty, so it asks
 * the venue (or, offline, the device) who is signed in, and sends the candidate back
 * to sign-in when nobody is.
 */
import { ref } from 'vue';
import { useRouter } from 'vue-router';
import { installCandidateMessages } from '../messages';
import { useAttemptStore } from '../stores/attempt';

export function useCandidateGuard() {
  installCandidateMessages();
  const store = useAttemptStore();
  const router = useRouter();
  const state = ref<'idle' | 'loading' | 'done' | 'error'>(store.profile ? 'done' : 'idle');
  const error = ref<Error | null>(null);
  const ready = (async () => {
    if (store.profile) return true;
    state.value = 'loading';
    const profile = await store.restore();
    state.value = profile ? 'done' : 'error';
    if (!profile) await router.replace({ name: 'candidate-sign-in' });
    return profile !== null;
  })();
  return { store, state, error, ready };
}
