/**
 * The one limit on failed sign-ins, for every server: the venue's proctor PIN, candidate
 * access code and release code, and the hub's staff password. Each failure counts against
 * one or more keys (e.g. client address + account, and the account alone); once a key has
 * `maxFailures` inside its window, further tries are refused until the window ends,
 * whether or not the secret is right. The window opens at a key's first failure; a
 * success clears the first key's count.
 *
 * Pure and clock-free (the caller passes `now`): the venue keeps the counts in SQLite, so
 * a restart does not reset them; the hub keeps them in memory ({@link memoryFailureStore}).
 */

/** The failures counted against one key since `windowStartedAt`. */
export interface FailureRecord {
  key: string;
  failures: number;
  windowStartedAt: number;
}

/** Where the counts live: a SQLite table at the venue, a Map in memory at the hub. */
export interface FailureStore {
  get(key: string): FailureRecord | undefined;
  set(record: FailureRecord): void;
  clear(key: string): void;
}

/** One key a sign-in counts against, and how many failures it may have in a window. */
export interface LimitRule {
  key: string;
  maxFailures: number;
}

/** The outcome of {@link LoginLimiter.check}: refused tries say how long to wait. */
export type LimitDecision = { isLimited: false } | { isLimited: true; retryAfterSeconds: number };

/** A store in memory that forgets the oldest keys past `maxKeys`, so made-up accounts cannot grow it without end. */
export function memoryFailureStore(maxKeys = 10_000): FailureStore {
  const records = new Map<string, FailureRecord>();
  return {
    get: (key) => records.get(key),
    set(record) {
      records.delete(record.key);
      records.set(record.key, record);
      if (records.size > maxKeys) records.delete(records.keys().next().value!);
    },
    clear: (key) => void records.delete(key),
  };
}

/** Counts failed sign-ins per key in fixed windows and refuses tries over the limit. */
export class LoginLimiter {
  readonly #store: FailureStore;
  readonly #windowMs: number;

  /** `windowMs`: how long a key's failures count from its first one; `store`: where they are kept. */
  constructor(options: { windowMs: number; store?: FailureStore }) {
    this.#windowMs = options.windowMs;
    this.#store = options.store ?? memoryFailureStore();
  }

  /** Whether a try is refused now: some key already has its most failures in an open window. */
  check(rules: readonly LimitRule[], now: number): LimitDecision {
    let retryAfterMs = 0;
    for (const rule of rules) {
      const open = this.#openRecord(rule.key, now);
      if (open && open.failures >= rule.maxFailures) retryAfterMs = Math.max(retryAfterMs, open.windowStartedAt + this.#windowMs - now);
    }
    return retryAfterMs > 0 ? { isLimited: true, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : { isLimited: false };
  }

  /** Counts one failure against every key (a window opens at a key's first failure). */
  recordFailure(rules: readonly LimitRule[], now: number): void {
    for (const rule of rules) {
      const open = this.#openRecord(rule.key, now);
      this.#store.set({ key: rule.key, failures: (open?.failures ?? 0) + 1, windowStartedAt: open?.windowStartedAt ?? now });
    }
  }

  /** Forgets a key's failures after a successful sign-in. */
  recordSuccess(key: string): void {
    this.#store.clear(key);
  }

  #openRecord(key: string, now: number): FailureRecord | undefined {
    const record = this.#store.get(key);
    return record !== undefined && now - record.windowStartedAt < this.#windowMs ? record : undefined;
  }
}
