/**
 * The exam screen's logic: moving between items (in any order), choosing with the
 * keyboard (1–9 choose an option, ← → move), the in-app font size, the venue's stream,
 * proctoring monitors, and finishing automatically at zero.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { useRouter } from 'vue-router';
import type { Item } from '../../../sync/package';
import { startMonitors } from '../proctoring-hooks';
import { useAttemptStore } from '../stores/attempt';
import { useAttemptStream } from './useAttemptStream';
import { useCandidateGuard } from './useCandidateGuard';
import { useExamTimer } from './useExamTimer';

export const FONT_SCALES = [1, 1.2, 1.4] as const;
const FONT_KEY = 'exam.font-scale';

/** The answer after pressing option number `n` (1-based) on `item`; null when there is no such option. */
export function answerForKey(item: Item, n: number, current: readonly string[]): string[] | null {
  if (item.type === 'open') return null;
  const option = item.options[n - 1];
  if (!option) return null;
  if (item.type === 'single') return [option.optionId];
  return current.includes(option.optionId) ? current.filter((id) => id !== option.optionId) : [...current, option.optionId];
}

/**
 * Keys go to the exam unless the candidate is typing. A focused option (radio or
 * checkbox, after a mouse click) still lets 1–9 and ← → work, and its native arrow-key
 * behaviour (which would change the chosen option) is prevented.
 */
function isTypingTarget(target: HTMLElement | null): boolean {
  if (!target) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  if (target.closest('[role="dialog"], dialog')) return true;
  return target.tagName === 'INPUT' && !['radio', 'checkbox'].includes((target as HTMLInputElement).type);
}

export function useExamScreen() {
  const router = useRouter();
  const { ready } = useCandidateGuard();
  const store = useAttemptStore();
  const stream = useAttemptStream();
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('loading');
  const error = ref<Error | null>(null);
  const fontScale = ref<number>(Number(localStorage.getItem(FONT_KEY)) || 1);
  /** True when another tab or window of this browser already shows this attempt. */
  const isOpenElsewhere = ref(false);
  let stopMonitors: (() => void) | null = null;
  let releaseLock: (() => void) | null = null;

  /**
   * One tab per attempt: two tabs would write two interleaved streams of answers. The
   * Web Locks API holds the attempt's lock while this page lives; a second tab is refused.
   */
  async function holdAttemptLock(attemptId: string): Promise<boolean> {
    if (!('locks' in navigator)) return true;
    return new Promise((resolve) => {
      void navigator.locks.request(`exam-attempt:${attemptId}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>((release) => {
          releaseLock = release;
        });
      });
    });
  }

  const timer = useExamTimer(() => void timeUp());
  const total = computed(() => store.items.length);

  async function timeUp(): Promise<void> {
    // The monitors' last events (violations ended, health stopped) come before the finish.
    stopMonitors?.();
    stopMonitors = null;
    await store.finish('time-up');
    await router.replace({ name: 'candidate-result', query: { timeUp: '1' } });
  }

  function go(index: number): void {
    if (index < 0 || index >= total.value) return;
    store.currentIndex = index;
    const item = store.items[index];
    if (item) void store.record({ type: 'item.viewed', data: { itemId: item.itemId } }).catch(() => undefined);
  }

  function choose(item: Item, optionIds: string[]): void {
    void store.setAnswer(item.itemId, optionIds.length > 0 ? { optionIds } : null);
  }

  function setFontScale(scale: number): void {
    fontScale.value = scale;
    localStorage.setItem(FONT_KEY, String(scale));
  }

  function onKey(event: KeyboardEvent): void {
    if (isTypingTarget(event.target as HTMLElement | null)) return;
    const item = store.currentItem;
    if (event.key === 'ArrowRight') go(store.currentIndex + 1);
    else if (event.key === 'ArrowLeft') go(store.currentIndex - 1);
    else if (item && /^[1-9]$/.test(event.key)) {
      const current = store.answers[item.itemId];
      const chosen = answerForKey(item, Number(event.key), current && 'optionIds' in current ? current.optionIds : []);
      if (chosen) choose(item, chosen);
    } else return;
    event.preventDefault();
  }

  onMounted(async () => {
    window.addEventListener('keydown', onKey);
    try {
      if (!(await ready) || !store.attemptId) return;
      if (!(await holdAttemptLock(store.attemptId))) {
        isOpenElsewhere.value = true;
        state.value = 'error';
        return;
      }
      await store.loadAttempt();
      if (store.status === 'finished' || store.status === 'removed') {
        await router.replace({ name: 'candidate-result' });
        return;
      }
      const examPackage = await store.openExam();
      await store.startAttempt();
      stream.start();
      if (store.attemptId) stopMonitors = startMonitors({ attemptId: store.attemptId, examPackage, record: async (draft) => void (await store.record(draft)) });
      // The first item can show before the timer's next tick: show the time left with it.
      timer.tick();
      state.value = 'done';
    } catch (failure) {
      error.value = failure instanceof Error ? failure : new Error(String(failure));
      state.value = 'error';
    }
  });

  watch(() => store.status, (status) => {
    if (status === 'removed' || status === 'finished') void router.replace({ name: 'candidate-result', query: store.finishReason === 'time-up' ? { timeUp: '1' } : {} });
  });

  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKey);
    stopMonitors?.();
    releaseLock?.();
  });

  return { store, state, error, isOpenElsewhere, timer, total, fontScale, setFontScale, go, choose, stream };
}
