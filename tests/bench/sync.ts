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
 *   database (the hub's PGlite folder, opened here after the hub has stopped).
 * - `vsPouchRatio`: our rate ÷ PouchDB replicating the same events as documents to an
 *   express-pouchdb server over loopback HTTP (a smaller N; rates are compared).
 * No assertions on speed; `npm run bench -- sync` writes tests/bench/results/sync.json.
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createHubServices } from '../../hub/app';
import { openHubDatabase } from '../../hub/db';
import { createEventGenerator, pushAll, venueHealth, waitFor } from '../support/event-generator';
import { startFaultProxy } from '../support/fault-proxy';
import { startHub, startVenue, tempDir, type RunningProcess } from '../support/processes';
import { runPouchBaseline } from './pouch-baseline';
import { summaryLine, writeBenchResult } from './run';

const VENUE_ID = 'venue-bench-01';
const EVENTS_PER_DEVICE = 1000;
/** The venue's uplink batch (events per signed batch), for the raw baseline's batch size. */
const RAW_BATCH = 1000;

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

async function prepareHub(): Promise<{ dataDir: string; token: string }> {
  const dataDir = tempDir('hub-bench');
  const database = await openHubDatabase({ dataDir });
  try {
    const { token } = await createHubServices({ database }).enrolment.createToken('venue-technician', { venueId: VENUE_ID });
    return { dataDir, token };
  } finally {
    await database.close();
  }
}

const COLUMNS = ['venue_id', 'venue_seq', 'device_id', 'epoch', 'seq', 'type', 'attempt_id', 'at', 'received_at', 'hash', 'prev_hash', 'body'] as const;

/** Plain batched inserts of the hub's own rows into a copy of its events table, in the hub's database. */
async function rawInsertRate(hubDataDir: string, expected: number): Promise<{ rows: number; insertMs: number; rowsPerSec: number; cpuMs: number }> {
  const pglite = new PGlite(hubDataDir);
  try {
    const { rows } = await pglite.query<Record<(typeof COLUMNS)[number], unknown>>(
      `SELECT ${COLUMNS.map((c) => (c === 'body' ? 'body::text AS body' : c)).join(', ')} FROM venue_events WHERE venue_id = $1 ORDER BY venue_seq`, [VENUE_ID]);
    if (rows.length !== expected) throw new Error(`the hub holds ${rows.length} events, expected ${expected}`);
    await pglite.exec('DROP TABLE IF EXISTS bench_raw_events; CREATE TABLE bench_raw_events (LIKE venue_events INCLUDING ALL);');
    const started = performance.now();
    const cpuBefore = ownCpuMs();
    for (let from = 0; from < rows.length; from += RAW_BATCH) {
      const batch = rows.slice(from, from + RAW_BATCH);
      const params: unknown[] = [];
      const tuples = batch.map((row) => {
        const base = params.length;
        for (const column of COLUMNS) params.push(row[column]);
        return `(${COLUMNS.map((column, i) => `$${base + i + 1}${column === 'body' ? '::jsonb' : ''}`).join(', ')})`;
      });
      await pglite.transaction(async (tx) => {
        await tx.query(`INSERT INTO bench_raw_events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
      });
    }
    const insertMs = performance.now() - started;
    const cpuMs = ownCpuMs() - cpuBefore;
    const { rows: [copied] } = await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_raw_events');
    if (copied?.n !== rows.length) throw new Error(`raw baseline copied ${copied?.n} of ${rows.length} rows`);
    await pglite.exec('DROP TABLE bench_raw_events;');
    return { rows: rows.length, insertMs: Math.round(insertMs), rowsPerSec: Math.round(rows.length / (insertMs / 1000)), cpuMs };
  } finally {
    await pglite.close();
  }
}

/** Runs the sync benchmark; figures only, no assertions. */
export async function run(): Promise<Record<string, unknown>> {
  const events = Number(process.env.BENCH_SYNC_EVENTS ?? 100_000);
  const pouchEvents = Number(process.env.BENCH_SYNC_POUCH_EVENTS ?? 20_000);
  const devices = Math.max(1, Math.round(events / EVENTS_PER_DEVICE));
  const total = devices * EVENTS_PER_DEVICE;
  const generator = createEventGenerator({ seed: 4242, devices, eventsPerDevice: EVENTS_PER_DEVICE, prefix: 'pc-bench' });

  const { dataDir: hubDataDir, token } = await prepareHub();
  const venueDataDir = tempDir('venue-bench');
  const hub: RunningProcess = await startHub({ dataDir: hubDataDir });
  const proxy = await startFaultProxy({ targetPort: hub.port, seed: 1, mode: 'pass' });
  let venue: RunningProcess | undefined;
  try {
    // A long interval: after enrolment, uplink passes run only when this benchmark asks.
    venue = await startVenue({ dataDir: venueDataDir, env: { HUB_URL: proxy.url, VENUE_ENROL_TOKEN: token, VENUE_ID, VENUE_SYNC_INTERVAL_MS: '3600000' } });
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
    const raw = await rawInsertRate(hubDataDir, total);
    load.raw = round(loadavg()[0]!);

    const pouchGenerator = createEventGenerator({ seed: 4242, devices: Math.max(1, Math.round(pouchEvents / EVENTS_PER_DEVICE)), eventsPerDevice: EVENTS_PER_DEVICE, prefix: 'pc-bench' });
    const pouchInput = pouchGenerator.devices.flatMap((device) => pouchGenerator.eventsOf(device));
    const pouch = await runPouchBaseline(pouchInput);
    load.pouch = round(loadavg()[0]!);

    return {
      events: total,
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
      method: `venue and hub as real processes (hub on PGlite), loopback; uplink timed from sync-now to the hub's receipt for the whole log; raw = ${RAW_BATCH}-row INSERT transactions into a copy of venue_events in the same PGlite; PouchDB = pouchdb-node (LevelDB) replicating to express-pouchdb, batch_size ${pouch.batchSize}; CPU = user+system time of the hub and venue processes during the uplink (from /proc), and of this process during the raw inserts and the PouchDB replication (both ends in-process); *CpuRatio = their CPU per event ÷ ours`,
    };
  } finally {
    await venue?.stop().catch(() => undefined);
    await hub.stop().catch(() => undefined);
    await proxy.close();
    rmSync(hubDataDir, { recursive: true, force: true });
    rmSync(venueDataDir, { recursive: true, force: true });
  }
}

// Also runnable on its own: `npx tsx tests/bench/sync.ts`.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const result = await run();
  writeBenchResult('sync', result);
  console.log(summaryLine('sync', result));
}
