/**
 * The room, live: one read, then the venue's Server-Sent Events stream of the room's view
 * (a new view whenever the venue log moves, and every few seconds). Countdowns tick on
 * the tablet between views, from the time left the venue last sent.
 */
import { computed, onBeforeUnmount, onMounted, ref } from 'vue';
import { kvGet, kvSet } from '../../db';
import { proctorApi, ProctorApiError, type RoomView } from '../api';

export function useRoomLive(sessionId: string, roomId: string) {
  const room = ref<RoomView | null>(null);
  const receivedAt = ref(0);
  const now = ref(Date.now());
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<ProctorApiError | null>(null);
  const isLive = ref(false);
  let source: EventSource | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;

  // The last view the venue sent, kept so a tablet reloaded without Wi-Fi still shows the room.
  const cacheKey = `proctor.room.${sessionId}.${roomId}`;

  function accept(view: RoomView): void {
    room.value = view;
    receivedAt.value = Date.now();
    now.value = receivedAt.value;
    void kvSet(cacheKey, view).catch(() => undefined);
  }

  async function load(): Promise<void> {
    state.value = 'loading';
    try {
      if (globalThis.navigator?.onLine === false) throw new ProctorApiError('offline', 0, 'the tablet is offline');
      accept(await proctorApi.room(sessionId, roomId));
      state.value = 'done';
    } catch (caught) {
      error.value = caught instanceof ProctorApiError ? caught : new ProctorApiError('server-error', 0, String(caught));
      room.value ??= (await kvGet<RoomView>(cacheKey).catch(() => undefined)) ?? null;
      state.value = 'error';
    }
  }

  function connect(): void {
    source = new EventSource(proctorApi.streamUrl(sessionId, roomId));
    source.addEventListener('room', (event) => {
      accept(JSON.parse((event as MessageEvent<string>).data) as RoomView);
      isLive.value = true;
      state.value = 'done';
      error.value = null;
    });
    source.onerror = () => {
      isLive.value = false; // EventSource reconnects by itself
    };
  }

  /** Time left of an attempt as of now: the venue's figure minus the time since it was sent (frozen while paused). */
  function remainingNow(remainingMs: number | null, isRunning: boolean): number | null {
    if (remainingMs === null) return null;
    return isRunning ? Math.max(0, remainingMs - (now.value - receivedAt.value)) : remainingMs;
  }

  onMounted(() => {
    void load();
    connect();
    ticker = setInterval(() => {
      now.value = Date.now();
    }, 1000);
  });
  onBeforeUnmount(() => {
    source?.close();
    if (ticker) clearInterval(ticker);
  });

  const candidatesById = computed(() => new Map((room.value?.candidates ?? []).map((c) => [c.candidateId, c])));
  return { room, state, error, isLive, candidatesById, remainingNow, reload: load };
}

/** "1:05:09" or "4:07". */
export function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}
