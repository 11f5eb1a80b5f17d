/**
 * `npm run bench [-- name...]`: runs the benchmarks in tests/bench/ (all that exist,
 * or only those named), one after another so they do not compete for the cores.
 * Each `tests/bench/<name>.ts` exports `run(): Promise<Record<string, unknown>>`;
 * its figures go to `tests/bench/results/<name>.json` and one summary line is printed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpus } from 'node:os';

export const BENCH_NAMES = ['sync', 'candidate', 'face', 'venue', 'hub'] as const;
const BENCH_DIR = import.meta.dirname;
const RESULTS_DIR = join(BENCH_DIR, 'results');

/** A one-line `key=value` summary of a result's top-level scalars. */
export function summaryLine(name: string, result: Record<string, unknown>): string {
  const parts = Object.entries(result)
    // Long prose (e.g. a `method` note) stays in the JSON file only.
    .filter(([, value]) => ['number', 'boolean'].includes(typeof value) || (typeof value === 'string' && value.length <= 40))
    .map(([key, value]) => `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value)}`);
  return `${name}: ${parts.join(' ')}`;
}

/** Writes `tests/bench/results/<name>.json` with the figures and when and where they were measured. */
export function writeBenchResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  const record = { bench: name, measuredAt: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', ...result };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

async function main(argv: string[]): Promise<number> {
  const requested = argv.filter((arg) => !arg.startsWith('-'));
  const unknown = requested.filter((name) => !(BENCH_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCH_NAMES.join(', ')}`);
    return 2;
  }
  const names = requested.length > 0 ? requested : [...BENCH_NAMES];
  let failures = 0;
  for (const name of names) {
    const file = join(BENCH_DIR, `${name}.ts`);
    if (!existsSync(file)) {
      if (requested.length > 0) {
        console.error(`${name}: no tests/bench/${name}.ts`);
        failures++;
      } else {
        console.log(`${name}: not written yet, skipped`);
      }
      continue;
    }
    try {
      const module = (await import(pathToFileURL(file).href)) as { run?: () => Promise<Record<string, unknown>> };
      if (typeof module.run !== 'function') throw new Error(`tests/bench/${name}.ts exports no run()`);
      const result = await module.run();
      writeBenchResult(name, result);
      console.log(summaryLine(name, result));
    } catch (error) {
      failures++;
      console.error(`${name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
