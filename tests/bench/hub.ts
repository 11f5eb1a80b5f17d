/**
 * Hub benchmark (`npm run bench -- hub`), on PostgreSQL when TEST_DATABASE_URL is set (a
 * fresh database, dropped after), otherwise on PGlite at a reduced reconciliation scale.
 *
 * - `catchUpSeconds`, `catchUpMB`: a hub that holds nothing of a venue's day (600 candidates
 *   × 300 events, interleaved) takes the whole log as signed, deflated batches of `batch`
 *   events (HUB_BENCH_BATCH, default 10000, a venue's VENUE_UPLINK_BATCH) through the real
 *   uplink route (signature, chain and Merkle checks, one transaction per batch), pipelined as
 *   the venue sends them: HUB_BENCH_WINDOW (default 2, the venue's UPLINK_WINDOW) batches in
 *   flight, the next sent before the receipt of the one before; every receipt must acknowledge
 *   exactly its own batch. MB is the compressed bodies sent.
 * - `ingestEventsPerSec`: events ÷ catch-up seconds (ingest at full batch size).
 * - `vsCopyRatio`: that rate ÷ the database's own bulk load of the same rows (same bodies)
 *   into an unindexed copy of venue_events, in the same database and run: on PostgreSQL one
 *   COPY of a CSV (server-side from a file, streamed from the bench if the server cannot read
 *   it); on PGlite, whose COPY is slower than its inserts, one `insert … select from unnest`
 *   of column arrays per 5000 rows.
 * - `reconcileQueryMs`: the reconciliation dashboard's main query (sessionOverviewOf: per
 *   session, attempts, closed, with late events, in conflict, events) over the per-attempt
 *   summary rows (attempt_summaries) of `reconcileAttempts` attempts, never the raw events.
 *   The `reconcileEvents` events behind them (100k × 100 = 10M on PostgreSQL with
 *   HUB_BENCH_SCALE=1, the default there) and the summary rows the ingest would keep for
 *   them are generated inside the database with generate_series; the overview's totals
 *   are checked against the events. `reconcileSessionQueryMs`: one session's attempt rows
 *   (1%, the drill-down); `reconcileAllRowsMs`: all attempt rows of the venue shipped to
 *   the hub process (bounded by the driver decoding 100k rows, not by the database).
 * - HUB_BENCH_ONLY=reconcile runs the reconciliation part alone; HUB_BENCH_ONLY=ingest the
 *   catch-up and its COPY baseline alone.
 * Speed is reported, never asserted.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createHubApp, createHubServices } from '../../hub/app';
import { openHubDatabase, transactionConnectionOf, type HubDatabase } from '../../hub/db';
import { attemptSummariesOf, sessionOverviewOf } from '../../hub/db/central';
import { adminQuery, createScratchDatabase } from '../../hub/testing/databases';
import { enrolTestVenue } from '../../hub/testing/hub';
import { TestVenue, type SignedBatch } from '../../hub/testing/venue';
import { UplinkReceipt } from '../../sync/messages';
import { candidateChain } from '../../sync/testkit';
import { summaryLine, writeBenchResult } from './run';

const CANDIDATES = 600;
const EVENTS_PER_CANDIDATE = 300;
/** Events per signed uplink batch (HUB_BENCH_BATCH), as a venue sends them with VENUE_UPLINK_BATCH=10000. */
const BATCH = Number(process.env.HUB_BENCH_BATCH ?? 10_000);
/** Batches in flight at once (HUB_BENCH_WINDOW), as the venue's uplink pipelines them (UPLINK_WINDOW); 1 sends one at a time. */
const WINDOW = Math.max(1, Number(process.env.HUB_BENCH_WINDOW ?? 2));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function openTarget(): Promise<{ database: HubDatabase; url: string | null; drop: () => Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) {
    const database = await openHubDatabase();
    return { database, url: null, drop: () => database.close() };
  }
  const scratch = await createScratchDatabase(admin, 'hub_bench');
  // Flush what earlier work left dirty (a dropped bench database, other tests) before anything
  // is timed, so that its writes land in neither the ingest nor the COPY baseline.
  await adminQuery(admin, 'checkpoint').catch(() => undefined);
  const database = await openHubDatabase({ databaseUrl: scratch.url });
  return {
    database, url: scratch.url,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

async function catchUp(database: HubDatabase) {
  const clock = Date.now();
  const services = createHubServices({ database, now: () => clock });
  const app = createHubApp({ database }, services);
  const venue = new TestVenue('bench-venue', () => clock);
  await enrolTestVenue({ services, app }, venue, 'bench');
  const chains = Array.from({ length: CANDIDATES }, (_, c) => candidateChain({ deviceId: `pc-${c}`, attemptId: `att-${c}`, answers: EVENTS_PER_CANDIDATE - 1, seed: c + 1 }));
  for (let i = 0; i < EVENTS_PER_CANDIDATE; i++) venue.append(chains.map((chain) => chain[i]!));
  const head = venue.head();
  const batches: SignedBatch[] = [];
  for (let from = 1; from <= venue.log.length; from += BATCH) batches.push(venue.batch(from, Math.min(BATCH, venue.log.length - from + 1), { head }));
  const bytes = batches.reduce((sum, batch) => sum + batch.body.length, 0);
  const send = async (batch: SignedBatch) => {
    const response = await app.request('/api/uplink/batch', TestVenue.post(batch));
    if (response.status !== 200) throw new Error(`batch refused: ${response.status} ${await response.text()}`);
    const receipt = UplinkReceipt.parse(await response.json());
    const last = batch.envelope.fromVenueSeq + batch.envelope.count - 1;
    if (receipt.ackedVenueSeq !== last) throw new Error(`receipt acknowledges ${receipt.ackedVenueSeq}, expected ${last}`);
  };
  const started = performance.now();
  // As the venue's uplink sends them: the next batch goes out before the receipt of the one before.
  const inFlight: Array<Promise<void>> = [];
  for (const batch of batches) {
    inFlight.push(send(batch));
    if (inFlight.length >= WINDOW) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  return { events: venue.log.length, seconds, megabytes: bytes / 1e6, rows: venue.log };
}

async function copyBaseline(database: HubDatabase, url: string | null, rows: ReturnType<TestVenue['log']['slice']>): Promise<{ seconds: number; method: string }> {
  const client = url ? new pg.Client({ connectionString: url }) : null;
  const query = async (text: string) => (client ? client.query(text) : database.db.execute(text as never));
  if (client) await client.connect();
  await query('create table copy_events (like venue_events)');
  const csvLine = (r: (typeof rows)[number], i: number) => {
    const { prevHash, hash, ...body } = r;
    return [ 'bench-venue', i + 1, r.deviceId, r.epoch, r.seq, r.type, r.attemptId ?? '', r.at, Date.now(), hash, prevHash, `"${JSON.stringify(body).replaceAll('"', '""')}"` ].join(',');
  };
  const csv = rows.map(csvLine).join('\n');
  try {
    if (!client) {
      // PGlite loads rows fastest (faster than its COPY) as one `insert … select from unnest` of column arrays per 5000 rows.
      const connection = transactionConnectionOf(database.db);
      if (connection?.kind !== 'pglite') throw new Error('expected PGlite');
      const receivedAt = Date.now();
      const columns = rows.map((r, i) => {
        const { prevHash, hash, ...body } = r;
        return { venueSeq: i + 1, deviceId: r.deviceId, epoch: r.epoch, seq: r.seq, type: r.type, attemptId: r.attemptId ?? null, at: r.at, hash, prevHash, body: JSON.stringify(body) };
      });
      const started = performance.now();
      for (let from = 0; from < columns.length; from += 5000) {
        const chunk = columns.slice(from, from + 5000);
        const pick = <K extends keyof (typeof chunk)[number]>(key: K) => chunk.map((row) => row[key]);
        await connection.client.query(
          `insert into copy_events select 'bench-venue', u.venue_seq, u.device_id, u.epoch, u.seq, u.type, u.attempt_id, u.at, ${receivedAt}, u.hash, u.prev_hash, u.body::jsonb
           from unnest($1::bigint[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[])
             as u(venue_seq, device_id, epoch, seq, type, attempt_id, at, hash, prev_hash, body)`,
          [pick('venueSeq'), pick('deviceId'), pick('epoch'), pick('seq'), pick('type'), pick('attemptId'), pick('at'), pick('hash'), pick('prevHash'), pick('body')],
        );
      }
      return { seconds: (performance.now() - started) / 1000, method: 'PGlite insert from unnest, 5000 rows each' };
    }
    const dir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
    try {
      chmodSync(dir, 0o755);
      const file = join(dir, 'events.csv');
      writeFileSync(file, csv);
      chmodSync(file, 0o644);
      const started = performance.now();
      await client.query(`copy copy_events from '${file}' with (format csv)`);
      return { seconds: (performance.now() - started) / 1000, method: 'server-side COPY from CSV' };
    } catch {
      // The server cannot read our file (another machine): the same COPY, streamed from here.
      await client.query('truncate copy_events');
      const started = performance.now();
      await pipeline(Readable.from([Buffer.from(csv, 'utf8')]), client.query(copyFrom('copy copy_events from stdin with (format csv)')));
      return { seconds: (performance.now() - started) / 1000, method: 'COPY FROM STDIN of CSV' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await client?.end();
  }
}

async function reconcileQuery(database: HubDatabase, url: string | null, scale: number) {
  const attempts = Math.max(1000, Math.round(100_000 * scale));
  const perAttempt = 100;
  const client = url ? new pg.Client({ connectionString: url }) : null;
  const query = async (text: string) => (client ? client.query(text) : database.db.execute(text as never));
  if (client) await client.connect();
  try {
    // Attempt a: candidate PC pc-a writes 99 events, the venue device closes it (seq per device);
    // 100 sessions of attempts, each attempt.started naming its session and candidate.
    await query(`insert into venue_events (venue_id, venue_seq, device_id, epoch, seq, type, attempt_id, at, received_at, hash, prev_hash, body)
      select 'gen-venue', a * ${perAttempt} + e + 1000000,
        case when e = ${perAttempt - 1} then 'venue-gen' else 'gen-pc-' || a end, 1,
        case when e = ${perAttempt - 1} then a + 1 else e + 1 end,
        case when e = 0 then 'attempt.started' when e = ${perAttempt - 1} then 'attempt.closed' else 'answer.set' end,
        'gen-' || a, 1800000000000 + e * 30000 + (a % 7) * 1000, 1800000000000, md5(a || ':' || e), md5(a || ':' || (e - 1)),
        case when e = 0 then jsonb_build_object('data', jsonb_build_object('sessionId', 'gen-session-' || (a % 100), 'candidateId', 'gen-cand-' || a)) else '{}'::jsonb end
      from generate_series(0, ${attempts - 1}) a, generate_series(0, ${perAttempt - 1}) e`);
    // The summary rows the ingest would have kept for those events, generated inside the database
    // too (same formulas), then checked against the events' totals.
    await query(`insert into attempt_summaries (venue_id, attempt_id, session_id, candidate_id, device_seqs, event_count, first_at, last_at, closed_at, is_closed, late_count, is_conflict)
      select 'gen-venue', 'gen-' || a, 'gen-session-' || (a % 100), 'gen-cand-' || a,
        jsonb_build_object('gen-pc-' || a || '#1', ${perAttempt - 1}, 'venue-gen#1', a + 1), ${perAttempt},
        1800000000000 + (a % 7) * 1000, 1800000000000 + ${(perAttempt - 1) * 30000} + (a % 7) * 1000, 1800000000000 + ${(perAttempt - 1) * 30000} + (a % 7) * 1000,
        true, 0, false
      from generate_series(0, ${attempts - 1}) a`);
    await query('analyze venue_events');
    await query('analyze attempt_summaries');
    const started = performance.now();
    const overview = await sessionOverviewOf(database.db, 'gen-venue');
    const ms = performance.now() - started;
    const totals = (await query(`select count(*)::bigint as events, count(distinct attempt_id)::int as attempts, max(at) as last_at from venue_events where venue_id = 'gen-venue'`)) as { rows: unknown[] };
    const held = totals.rows[0] as { events: string; attempts: number; last_at: string } | undefined;
    const summed = overview.reduce((sum, row) => ({ attempts: sum.attempts + row.attempts, events: sum.events + row.events, closed: sum.closed + row.closed }), { attempts: 0, events: 0, closed: 0 });
    if (summed.attempts !== held!.attempts || summed.events !== Number(held!.events) || summed.closed !== attempts || Math.max(...overview.map((r) => r.lastAt)) !== Number(held!.last_at)) {
      throw new Error(`summaries disagree with the events: ${JSON.stringify({ summed, held })}`);
    }
    const sessionStarted = performance.now();
    const sessionRows = await attemptSummariesOf(database.db, 'gen-venue', 'gen-session-7');
    const sessionMs = performance.now() - sessionStarted;
    const allStarted = performance.now();
    const allRows = await attemptSummariesOf(database.db, 'gen-venue');
    const allRowsMs = performance.now() - allStarted;
    if (allRows.length !== attempts || sessionRows.length !== Math.ceil((attempts - 7) / 100)) throw new Error(`summary rows: ${allRows.length}, session rows: ${sessionRows.length}`);
    return { attempts, events: attempts * perAttempt, ms, sessionMs, allRowsMs };
  } finally {
    await client?.end();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const target = await openTarget();
  try {
    const scale = Number(process.env.HUB_BENCH_SCALE ?? (target.url ? 1 : 0.01));
    if (process.env.HUB_BENCH_ONLY === 'reconcile') {
      const reconcile = await reconcileQuery(target.database, target.url, scale);
      return {
        database: target.url ? 'postgres' : 'pglite',
        reconcileQueryMs: round(reconcile.ms, 1), reconcileSessionQueryMs: round(reconcile.sessionMs, 1), reconcileAllRowsMs: round(reconcile.allRowsMs, 1),
        reconcileAttempts: reconcile.attempts, reconcileEvents: reconcile.events,
      };
    }
    const ingest = await catchUp(target.database);
    const baseline = await copyBaseline(target.database, target.url, ingest.rows);
    if (process.env.HUB_BENCH_ONLY === 'ingest') {
      const ingestEventsPerSec = ingest.events / ingest.seconds;
      return {
        database: target.url ? 'postgres' : 'pglite',
        ingestEventsPerSec: round(ingestEventsPerSec, 0), vsCopyRatio: round(ingestEventsPerSec / (ingest.events / baseline.seconds), 3), copyMethod: baseline.method,
        copyRowsPerSec: round(ingest.events / baseline.seconds, 0), batch: BATCH, window: WINDOW, catchUpSeconds: round(ingest.seconds, 2), catchUpMB: round(ingest.megabytes, 2), catchUpEvents: ingest.events,
      };
    }
    const reconcile = await reconcileQuery(target.database, target.url, scale);
    const ingestEventsPerSec = ingest.events / ingest.seconds;
    return {
      database: target.url ? 'postgres' : 'pglite',
      ingestEventsPerSec: round(ingestEventsPerSec, 0),
      vsCopyRatio: round(ingestEventsPerSec / (ingest.events / baseline.seconds), 3),
      copyMethod: baseline.method,
      copyRowsPerSec: round(ingest.events / baseline.seconds, 0),
      batch: BATCH,
      window: WINDOW,
      reconcileQueryMs: round(reconcile.ms, 1),
      reconcileSessionQueryMs: round(reconcile.sessionMs, 1),
      reconcileAllRowsMs: round(reconcile.allRowsMs, 1),
      reconcileAttempts: reconcile.attempts,
      reconcileEvents: reconcile.events,
      catchUpSeconds: round(ingest.seconds, 2),
      catchUpMB: round(ingest.megabytes, 2),
      catchUpEvents: ingest.events,
    };
  } finally {
    await target.drop();
  }
}

// Also runnable on its own: `npx tsx tests/bench/hub.ts`.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const result = await run();
  // A partial run (HUB_BENCH_ONLY) is printed, not recorded over the full result.
  if (!process.env.HUB_BENCH_ONLY) writeBenchResult('hub', result);
  console.log(summaryLine('hub', result));
}
