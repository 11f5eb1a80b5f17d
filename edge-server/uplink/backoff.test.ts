import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it('doubles with each failure between half and all of the ceiling, and stops growing at the cap', () => {
    expect(backoffDelay(0, options, () => 0.5)).toBe(0);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(40, options, () => 1)).toBe(60_000);
    expect(backoffDelay(40, options, () => 0)).toBe(30_000);
  });
});
