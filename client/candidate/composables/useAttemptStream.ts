/**
 * Listens to the venue's commands for this attempt (authorised, paused, resumed,
 * extended, removed, closed) over Server-Sent Events. Every message carries the
 * venue's timer, which is the device's new "last contact". EventSource reconnects by
 * itself after the venue comes back.
 */
import { onBeforeUnmount, ref } from 'vue';
import type { StreamUpdate } from '../api';
import { useAttemptStore } from '../stores/attempt';

export function useAttemptStream() {
  const store = useAttemptStore();
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<Error | null>(null);
  const lastUpdate = ref<StreamUpdate | null>(null);
  let source: EventSource | null = null;

  function start(): void {
    if (source) return;
    state.value = 'loading';
    source = new EventSource('/api/candidate/stream');
    source.addEventListener('attempt', (message) => {
      const update = JSON.parse((message as MessageEvent<string>).data) as StreamUpdate;
      lastUpdate.value = update;
      store.applyStreamUpdate(update);
      state.value = 'done';
      error.value = null;
    });
    source.addEventListener('error', () => {
      state.value = 'error';
      error.value = new Error('the venue stream is interrupted');
    });
  }

  function stop(): void {
    source?.close();
    source = null;
  }

  onBeforeUnmount(stop);
  return { state, error, lastUpdate, start, stop };
}
