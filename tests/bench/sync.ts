/**
 * Sync benchmark: how fast a venue's log reaches the hub end to end, on real processes
 * over loopback, with every chain recomputed and every batch signature checked by the hub.
 *
 * - `eventsPerSec`: N events are preloaded into the venue while its link to the hub is
 *   down (a pass-through proxy refusing connections); then the link comes up and one
 *   uplink pass is started (`POST /api/admin/sync-now`); timed until the hub acknowledges
 *   the whole log.
 * - `bytesPerEvent`: bytes through the proxy, both directions, HTTP headers included, ÷ N.
 * - `vsRawRatio`: our rate ÷ plain batched INSERTs of the same rows into the same hub
 *   database: a copy of venue_events with its indexes, one multi-row INSERT transaction per
 *   venue batch (the hub's PGlite folder, opened here after the hub has stopped, or the
 *   hub's PostgreSQL database).
 * - The hub runs on PostgreSQL (its production path) when TEST_DATABASE_URL is set: a fresh
 *   database, dropped after; otherwise on PGlite in a temporary folder. `database` says which.
 * - The venue sends batches of `VENUE_UPLINK_BATCH` events (BENCH_SYNC_BATCH, default 10000).
 * - `vsPouchRatio`: our rate ÷ PouchDB replicating the same events as documents to an
 *   express-pouchdb server over loopback HTTP (a smaller N; rates are compared).
 * No assertions on speed; `npm run bench -- sync` writes tests/bench/results/sync.json.
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createHubServices } from '../../hub/app';
import { openHubDatabase } from '../../hub/db';
import { createScratchDatabase } from '../../hub/testing/databases';
import { createEventGenerator, pushAll, venueHealth, waitFor } from '../support/event-generator';
import { startFaultProxy } from '../support/fault-proxy';
import { startHub, startVenue, tempDir, type RunningProcess } from '../support/processes';
import { runPouchBaseline } from './pouch-baseline';
import { summaryLine, writeBenchResult } from './run';

const VENUE_ID = 'venue-bench-01';
const EVENTS_PER_DEVICE = 1000;
/** The venue's uplink batch (events per signed batch), also the raw baseline's rows per transaction. */
const RAW_BATCH = Number(process.env.BENCH_SYNC_BATCH ?? 10_000);
/** Rows per INSERT statement of the raw baseline (PostgreSQL takes at most 65535 parameters). */
const RAW_STATEMENT_ROWS = 1000;

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/**
 * CPU time (user + system, ms) a child process has used so far, from /proc. The machine is
 * shared, so CPU per event is reported beside wall-clock rates: it does not move with the load.
 */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Where the hub keeps its data: a PGlite folder, or a fresh PostgreSQL database when TEST_DATABASE_URL is set. */
interface HubTarget {
  dataDir: string;
  databaseUrl: string | null;
  drop(): Promise<void>;
}

async function hubTarget(): Promise<HubTarget> {
  const dataDir = tempDir('hub-bench');
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return { dataDir, databaseUrl: null, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const scratch = await createScratchDatabase(admin, 'hub_sync_bench');
  return {
    dataDir, databaseUrl: scratch.url,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      await scratch.drop();
    },
  };
}

async function prepareHub(target: HubTarget): Promise<string> {
  const database = await openHubDatabase(target.databaseUrl ? { databaseUrl: target.databaseUrl } : { dataDir: target.dataDir });
  try {
    const { token } = await createHubServices({ database }).enrolment.createToken('venue-technician', { venueId: VENUE_ID });
    return token;
  } finally {
    await database.close();
  }
}

const COLUMNS = ['venue_id', 'venue_seq', 'device_id', 'epoch', 'seq', 'type', 'attempt_id', 'at', 'received_at', 'hash', 'prev_hash', 'body'] as const;

/** The hub's database, opened here after the hub has stopped: PGlite's folder or a PostgreSQL connection. */
interface RawTarget {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<unknown>;
  transaction(work: (query: (text: string, params: unknown[]) => Promise<unknown>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

async function openRawTarget(target: HubTarget): Promise<RawTarget> {
  if (!target.databaseUrl) {
    const pglite = new PGlite(target.dataDir);
    return {
      query: <T>(text: string, params?: unknown[]) => pglite.query<T>(text, params),
      exec: (text) => pglite.exec(text),
      transaction: async (work) => {
        await pglite.transaction((tx) => work((text, params) => tx.query(text, params)));
      },
      close: () => pglite.close(),
    };
  }
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  return {
    query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)) as unknown as { rows: T[] },
    exec: (text) => client.query(text),
    transaction: async (work) => {
      await client.query('BEGIN');
      try {
        await work((text, params) => client.query(text, params));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    close: () => client.end(),
  };
}

/**
 * Plain batched inserts of the hub's own rows into a copy of its events table (indexes
 * included), in the hub's database: one transaction per venue batch, multi-row INSERTs.
 */
async function rawInsertRate(target: HubTarget, expected: number): Promise<{ rows: number; insertMs: number; rowsPerSec: number; cpuMs: number }> {
  const database = await openRawTarget(target);
  try {
    const { rows } = await database.query<Record<(typeof COLUMNS)[number], unknown>>(
      `SELECT ${COLUMNS.map((c) => (c === 'body' ? 'body::text AS body' : c)).join(', ')} FROM venue_events WHERE venue_id = $1 ORDER BY venue_seq`, [VENUE_ID]);
    if (rows.length !== expected) throw new Error(`the hub holds ${rows.length} events, expected ${expected}`);
    await database.exec('DROP TABLE IF EXISTS bench_raw_events; CREATE TABLE bench_raw_events (LIKE venue_events INCLUDING ALL);');
    const started = performance.now();
    const cpuBefore = ownCpuMs();
    for (let from = 0; from < rows.length; from += RAW_BATCH) {
      const batch = rows.slice(from, from + RAW_BATCH);
      await database.transaction(async (query) => {
        for (let start = 0; start < batch.length; start += RAW_STATEMENT_ROWS) {
          const params: unknown[] = [];
          const tuples = batch.slice(start, start + RAW_STATEMENT_ROWS).map((row) => {
            const base = params.length;
            for (const column of COLUMNS) params.push(row[column]);
            return `(${COLUMNS.map((column, i) => `$${base + i + 1}${column === 'body' ? '::jsonb' : ''}`).join(', ')})`;
          });
          await query(`INSERT INTO bench_raw_events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
        }
      });
    }
    const insertMs = performance.now() - started;
    const cpuMs = ownCpuMs() - cpuBefore;
    const { rows: [copied] } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_raw_events');
    if (copied?.n !== rows.length) throw new Error(`raw baseline copied ${copied?.n} of ${rows.length} rows`);
    await database.exec('DROP TABLE bench_raw_events;');
    return { rows: rows.length, insertMs: Math.round(insertMs), rowsPerSec: Math.round(rows.length / (insertMs / 1000)), cpuMs };
  } finally {
    await database.close();
  }
}

/** Runs the sync benchmark; figures only, no assertions. */
export async function run(): Promise<Record<string, unknown>> {
  const events = Number(process.env.BENCH_SYNC_EVENTS ?? 100_000);
  const pouchEvents = Number(process.env.BENCH_SYNC_POUCH_EVENTS ?? 20_000);
  const devices = Math.max(1, Math.round(events / EVENTS_PER_DEVICE));
  const total = devices * EVENTS_PER_DEVICE;
  const generator = createEventGenerator({ seed: 4242, devices, eventsPerDevice: EVENTS_PER_DEVICE, prefix: 'pc-bench' });

  const target = await hubTarget();
  const token = await prepareHub(target);
  const venueDataDir = tempDir('venue-bench');
  const hub: RunningProcess = await startHub({ dataDir: target.dataDir, env: target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {} });
  const proxy = await startFaultProxy({ targetPort: hub.port, seed: 1, mode: 'pass' });
  let venue: RunningProcess | undefined;
  try {
    // A long interval: after enrolment, uplink passes run only when this benchmark asks.
    venue = await startVenue({ dataDir: venueDataDir, env: { HUB_URL: proxy.url, VENUE_ENROL_TOKEN: token, VENUE_ID, VENUE_SYNC_INTERVAL_MS: '3600000', VENUE_UPLINK_BATCH: String(RAW_BATCH) } });
    const venueUrl = venue.url;
    await waitFor('the venue enrols', async () => (await venueHealth(venueUrl)).uplink.isEnrolled, 30_000);

    // Preload with the link down, so nothing leaves the venue before the clock starts.
    proxy.setMode('down');
    const preloadStarted = performance.now();
    const pushed = await pushAll(generator, { venueUrl, concurrency: 4, batchSize: 500, timeoutMs: 600_000 });
    const preloadMs = performance.now() - preloadStarted;
    if (pushed.acked !== total) throw new Error(`preload: the venue acknowledged ${pushed.acked} of ${total}`);

    proxy.setMode('pass');
    proxy.resetCounters();
    const hubCpuBefore = cpuMsOf(hub.child.pid);
    const venueCpuBefore = cpuMsOf(venue.child.pid);
    const started = performance.now();
    const response = await fetch(`${venueUrl}/api/admin/sync-now`, { method: 'POST', signal: AbortSignal.timeout(900_000) });
    const syncNow = (await response.json()) as { uplink?: { ok: boolean; ackedVenueSeq: number; error?: string } };
    const syncMs = performance.now() - started;
    const hubCpuMs = cpuMsOf(hub.child.pid) - hubCpuBefore;
    const venueCpuMs = cpuMsOf(venue.child.pid) - venueCpuBefore;
    const uplinkCpuMs = hubCpuMs + venueCpuMs;
    const wire = { ...proxy.counters };
    const health = await venueHealth(venueUrl);
    if (!syncNow.uplink?.ok || syncNow.uplink.ackedVenueSeq !== total || health.uplink.ackedVenueSeq !== total) {
      throw new Error(`uplink did not finish: ${JSON.stringify(syncNow)} health=${JSON.stringify(health.uplink)}`);
    }
    const eventsPerSec = total / (syncMs / 1000);
    // The machine is shared: the 1-minute load after each phase says how much to trust its wall-clock rate.
    const load = { uplink: round(loadavg()[0]!), raw: 0, pouch: 0 };

    await venue.stop();
    await hub.stop();
    const raw = await rawInsertRate(target, total);
    load.raw = round(loadavg()[0]!);

    const pouchGenerator = createEventGenerator({ seed: 4242, devices: Math.max(1, Math.round(pouchEvents / EVENTS_PER_DEVICE)), eventsPerDevice: EVENTS_PER_DEVICE, prefix: 'pc-bench' });
    const pouchInput = pouchGenerator.devices.flatMap((device) => pouchGenerator.eventsOf(device));
    const pouch = await runPouchBaseline(pouchInput);
    load.pouch = round(loadavg()[0]!);

    return {
      database: target.databaseUrl ? 'postgres' : 'pglite',
      events: total,
      uplinkBatch: RAW_BATCH,
      eventsPerSec: Math.round(eventsPerSec),
      uplinkSeconds: round(syncMs / 1000),
      bytesPerEvent: round((wire.bytesUp + wire.bytesDown) / total),
      bytesUpPerEvent: round(wire.bytesUp / total),
      wireBytes: wire.bytesUp + wire.bytesDown,
      connections: wire.connections,
      isHeadMatched: health.uplink.isHeadMatched,
      rawInsertsPerSec: raw.rowsPerSec,
      vsRawRatio: round(eventsPerSec / raw.rowsPerSec),
      pouchEvents: pouch.docs,
      pouchDocsPerSec: pouch.docsPerSec,
      vsPouchRatio: round(eventsPerSec / pouch.docsPerSec),
      uplinkCpuUsPerEvent: round((uplinkCpuMs * 1000) / total, 1),
      hubCpuUsPerEvent: round((hubCpuMs * 1000) / total, 1),
      venueCpuUsPerEvent: round((venueCpuMs * 1000) / total, 1),
      rawCpuUsPerEvent: round((raw.cpuMs * 1000) / raw.rows, 1),
      pouchCpuUsPerEvent: round((pouch.cpuMs * 1000) / pouch.docs, 1),
      vsRawCpuRatio: round(raw.cpuMs / raw.rows / (uplinkCpuMs / total)),
      vsPouchCpuRatio: round(pouch.cpuMs / pouch.docs / (uplinkCpuMs / total)),
      loadAverage1m: load,
      devicePushEventsPerSec: Math.round(total / (preloadMs / 1000)),
      targets: { vsPouchRatio: '>= 10', vsRawRatio: '>= 0.5', bytesPerEvent: '<= 40' },
      method: `venue and hub as real processes (hub on ${target.databaseUrl ? 'PostgreSQL' : 'PGlite'}), loopback; uplink timed from sync-now to the hub's receipt for the whole log, in batches of ${RAW_BATCH} events; raw = ${RAW_BATCH}-row transactions of ${RAW_STATEMENT_ROWS}-row INSERTs into a copy of venue_events (with its indexes) in the same ${target.databaseUrl ? 'PostgreSQL database' : 'PGlite folder'}; PouchDB = pouchdb-node (LevelDB) replicating to express-pouchdb, batch_size ${pouch.batchSize}; CPU = user+system time of the hub and venue processes during the uplink (from /proc), and of this process during the raw inserts and the PouchDB replication (both ends in-process); *CpuRatio = their CPU per event ÷ ours`,
    };
  } finally {
    await venue?.stop().catch(() => undefined);
    await hub.stop().catch(() => undefined);
    await proxy.close();
    await target.drop();
    rmSync(venueDataDir, { recursive: true, force: true });
  }
}

// Also runnable on its own: `npx tsx tests/bench/sync.ts`.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const result = await run();
  writeBenchResult('sync', result);
  console.log(summaryLine('sync', result));
}
