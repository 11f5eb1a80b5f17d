/**
 * Retry delay after consecutive failures: exponential from `baseMs`, capped at `maxMs`,
 * with "equal jitter" (half fixed, half random) so venues that lost the hub together do
 * not all come back in the same second.
 */
export function backoffDelay(failures: number, options: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
