import { describe, expect, it } from 'vitest';
import { LoginLimiter, memoryFailureStore, type FailureRecord, type FailureStore } from './login-limiter';

const WINDOW = 15 * 60_000;
const T0 = 1_800_000_000_000;
const byAddress = (account: string, address = '10.0.0.5') => ({ key: `${address}|${account}`, maxFailures: 3 });

describe('LoginLimiter', () => {
  it('refuses once a key has its most failures, until its window ends', () => {
    const limiter = new LoginLimiter({ windowMs: WINDOW });
    const rules = [byAddress('anna')];
    for (let n = 0; n < 3; n++) {
      expect(limiter.check(rules, T0 + n).isLimited).toBe(false);
      limiter.recordFailure(rules, T0 + n);
    }
    expect(limiter.check(rules, T0 + 1000)).toEqual({ isLimited: true, retryAfterSeconds: WINDOW / 1000 - 1 });
    expect(limiter.check(rules, T0 + WINDOW - 1).isLimited).toBe(true);
    expect(limiter.check(rules, T0 + WINDOW).isLimited).toBe(false);
    // After the window, failures count from one again.
    limiter.recordFailure(rules, T0 + WINDOW);
    expect(limiter.check(rules, T0 + WINDOW + 1).isLimited).toBe(false);
  });

  it('keeps keys apart, and a success clears only its own key', () => {
    const limiter = new LoginLimiter({ windowMs: WINDOW });
    for (let n = 0; n < 3; n++) limiter.recordFailure([byAddress('anna')], T0);
    expect(limiter.check([byAddress('anna')], T0).isLimited).toBe(true);
    expect(limiter.check([byAddress('anna', '10.0.0.6')], T0).isLimited).toBe(false);
    expect(limiter.check([byAddress('bolat')], T0).isLimited).toBe(false);
    limiter.recordFailure([byAddress('bolat')], T0);
    limiter.recordSuccess(byAddress('anna').key);
    expect(limiter.check([byAddress('anna')], T0).isLimited).toBe(false);
  });

  it('refuses when any one of several rules is exhausted (the account from many addresses)', () => {
    const limiter = new LoginLimiter({ windowMs: WINDOW });
    const rulesFrom = (address: string) => [byAddress('anna', address), { key: 'anna', maxFailures: 5 }];
    for (let n = 0; n < 5; n++) limiter.recordFailure(rulesFrom(`10.0.1.${n}`), T0);
    expect(limiter.check(rulesFrom('10.0.2.1'), T0).isLimited).toBe(true);
    expect(limiter.check([byAddress('anna', '10.0.2.1')], T0).isLimited).toBe(false);
  });

  it('keeps its counts in the store it is given, so another limiter on that store (a restart) sees them', () => {
    const rows = new Map<string, FailureRecord>();
    const store: FailureStore = { get: (key) => rows.get(key), set: (row) => void rows.set(row.key, row), clear: (key) => void rows.delete(key) };
    for (let n = 0; n < 3; n++) new LoginLimiter({ windowMs: WINDOW, store }).recordFailure([byAddress('anna')], T0 + n);
    expect(rows.get(byAddress('anna').key)).toEqual({ key: byAddress('anna').key, failures: 3, windowStartedAt: T0 });
    expect(new LoginLimiter({ windowMs: WINDOW, store }).check([byAddress('anna')], T0 + 10).isLimited).toBe(true);
  });
});

describe('memoryFailureStore', () => {
  it('forgets the oldest keys beyond its size', () => {
    const store = memoryFailureStore(2);
    store.set({ key: 'a', failures: 1, windowStartedAt: T0 });
    store.set({ key: 'b', failures: 1, windowStartedAt: T0 });
    store.set({ key: 'a', failures: 2, windowStartedAt: T0 });
    store.set({ key: 'c', failures: 1, windowStartedAt: T0 });
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.failures).toBe(2);
    expect(store.get('c')?.failures).toBe(1);
  });
});
