/**
 * The countdown on the exam screen: time left from the venue's last contact, on the
 * monotonic clock, so it keeps running offline and ignores a wrong PC clock. It raises
 * the 10- and 5-minute warnings once each and calls `onZero` once at zero.
 */
import { computed, onBeforeUnmount, ref } from 'vue';
import { useAttemptStore } from '../stores/attempt';

export const WARNING_MINUTES = [10, 5] as const;

/** Formats milliseconds as H:MM:SS (or M:SS under an hour). */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = String(minutes).padStart(hours > 0 ? 2 : 1, '0');
  return `${hours > 0 ? `${hours}:` : ''}${mm}:${String(seconds).padStart(2, '0')}`;
}

/**
 * The warning to raise now, if any, marking it (and any larger one) as shown: a resumed
 * attempt with less time left sees only the nearest warning, and none twice.
 */
export function dueWarning(leftMs: number, shown: Set<number>): (typeof WARNING_MINUTES)[number] | null {
  let due: (typeof WARNING_MINUTES)[number] | null = null;
  for (const minutes of WARNING_MINUTES) {
    if (leftMs <= minutes * 60_000 && !shown.has(minutes)) due = minutes;
  }
  if (due !== null) WARNING_MINUTES.filter((m) => m >= due!).forEach((m) => shown.add(m));
  return due;
}

export function useExamTimer(onZero: () => void, tickMs = 250) {
  const store = useAttemptStore();
  const remaining = ref<number | null>(store.remainingMs());
  const warning = ref<(typeof WARNING_MINUTES)[number] | null>(null);
  const shown = new Set<number>();
  let hasHitZero = false;

  function tick(): void {
    const left = store.remainingMs();
    remaining.value = left;
    if (left === null || store.timer?.state !== 'running') return;
    const due = dueWarning(left, shown);
    if (due !== null) warning.value = due;
    if (left <= 0 && !hasHitZero) {
      hasHitZero = true;
      onZero();
    }
  }

  const handle = setInterval(tick, tickMs);
  onBeforeUnmount(() => clearInterval(handle));
  const label = computed(() => (remaining.value === null ? '–:––' : formatRemaining(remaining.value)));
  return { remaining, label, warning, dismissWarning: () => (warning.value = null), tick };
}
