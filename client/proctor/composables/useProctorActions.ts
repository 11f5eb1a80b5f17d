/**
 * Every proctor decision is an event in this tablet's own chain (client/db), sent by the
 * outbox: a reload or a Wi-Fi loss loses nothing. `pending` lists what the venue has not
 * acknowledged yet, so the screen can say which actions it still waits for.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { ChainedEvent } from '../../../sync/events';
import { appendEvent, isDeviceStoreError, pendingEvents, type EventDraft } from '../../db';
import { useOutbox } from '../../sync/outbox';

const PENDING_REFRESH_MS = 1000;

/** A short random id for acts, incidents and the like. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 13)}`;
}

export function useProctorActions() {
  const outbox = useOutbox();
  const pending = ref<ChainedEvent[]>([]);
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;

  async function refreshPending(): Promise<void> {
    pending.value = await pendingEvents(100).catch(() => pending.value);
  }

  /** Writes one decision into the tablet's chain and asks the outbox to send it now. */
  async function record(draft: EventDraft): Promise<boolean> {
    state.value = 'loading';
    error.value = null;
    try {
      await appendEvent(draft);
      outbox.kick();
      state.value = 'done';
      await refreshPending();
      return true;
    } catch (caught) {
      error.value = isDeviceStoreError(caught) ? caught.reason : 'failed';
      state.value = 'error';
      return false;
    }
  }

  /** Writes several decisions (e.g. "pause all"), one event each. */
  async function recordAll(drafts: EventDraft[]): Promise<boolean> {
    for (const draft of drafts) if (!(await record(draft))) return false;
    return true;
  }

  onMounted(() => {
    void refreshPending();
    timer = setInterval(() => void refreshPending(), PENDING_REFRESH_MS);
  });
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer);
  });

  return { pending, state, error, isOnline: outbox.isOnline, record, recordAll, refreshPending };
}
