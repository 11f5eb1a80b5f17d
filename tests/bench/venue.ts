/**
 * Venue benchmark: how fast the venue takes candidate pushes, and how fast proctors see them.
 *
 * - `ingestEventsPerSec`: device batches (50 events) through the venue's ingest verb
 *   (`DeviceIngest.pushFromDevice`, with the proctor ingest hook installed as in the server),
 *   every chain verified, one transaction each, SQLite WAL + synchronous=FULL, in-process.
 * - `vsRawRatio`: that rate ÷ plain batched INSERTs of the very same venue_log rows (50 a
 *   transaction) into a fresh database with the same schema and pragmas, in the same run.
 *   Both are steady rates: each side first runs once on a small other set of devices.
 * - `p50PushMs`/`p99PushMs`: 600 simulated candidates each pushing one event every 10 s
 *   (60 events/s in all, for 12 s, open loop, random phases) as JSON over loopback HTTP to a real
 *   venue process; latency from the push's scheduled time to its receipt, so queueing counts.
 *   `p50PushMs10x`/`p99PushMs10x`: the same at 600 events/s for 5 s. Pushes that arrive
 *   together share one group commit, so the disk's fsync rate (`fsyncTxPerSec`, single-row
 *   WAL+FULL commits measured here in the same run) bounds groups, not pushes.
 * - `loadAverage1m`: the machine's load when the run started (the cores are shared).
 * - `liveFanoutP99Ms`: 20 proctor tablets hold the room's SSE stream; a candidate event is
 *   pushed every 700 ms; for each event and each feed, the time from sending the push to
 *   the first `room` message whose id (the venue seq the view was derived at) covers it.
 * No assertions on speed; `npm run bench -- venue` writes tests/bench/results/venue.json.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createVenueApp } from '../../edge-server/app';
import { openVenueStore } from '../../edge-server/db/store';
import { seedTwoRooms, FIXTURE_SESSION_ID, PROCTORS } from '../../edge-server/proctor/test-fixture';
import { DeviceIngest } from '../../edge-server/services/device-ingest';
import type { ChainedEvent } from '../../sync/events';
import { createEventGenerator } from '../support/event-generator';
import { startVenue, tempDir } from '../support/processes';
import { summaryLine, writeBenchResult } from './run';

const BATCH = 50;
const CANDIDATES = 600;
const FEEDS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Device batches of `BATCH` events, each device's chain in order. */
function deviceBatches(seed: number, devices: number): { batches: ChainedEvent[][]; total: number } {
  const generator = createEventGenerator({ seed, devices, eventsPerDevice: 100 });
  const batches: ChainedEvent[][] = [];
  for (const device of generator.devices) {
    const chain = generator.eventsOf(device);
    for (let at = 0; at < chain.length; at += BATCH) batches.push(chain.slice(at, at + BATCH));
  }
  return { batches, total: generator.total };
}

/**
 * Ingest through the venue's verb into a fresh venue, then the very rows it stored as plain
 * batched inserts into another fresh database with the same schema and pragmas.
 */
function ingestThenRaw(batches: readonly ChainedEvent[][], total: number): { ingestMs: number; rawMs: number; events: number } {
  const dirs = [tempDir('venue-bench-ingest'), tempDir('venue-bench-raw')];
  try {
    const store = openVenueStore(dirs[0]!);
    const ingest = new DeviceIngest(store);
    createVenueApp({ store, ingest, version: 'bench' }); // installs the proctor ingest hook, as the server does
    const started = performance.now();
    for (const events of batches) ingest.pushFromDevice({ deviceId: events[0]!.deviceId, epoch: events[0]!.epoch, events });
    const ingestMs = performance.now() - started;
    const rows = store.log.readAfter(0, total + 1);
    store.close();

    const raw = openVenueStore(dirs[1]!);
    const insert = raw.db.sqlite.prepare(
      `INSERT INTO venue_log (venue_seq, device_id, epoch, seq, type, attempt_id, at, received_at, hash, prev_hash, body)
       VALUES (@venueSeq, @deviceId, @epoch, @seq, @type, @attemptId, @at, @receivedAt, @hash, @prevHash, @body)`,
    );
    const insertBatch = raw.db.sqlite.transaction((batch: typeof rows) => {
      for (const row of batch) insert.run(row);
    });
    const rawStarted = performance.now();
    for (let at = 0; at < rows.length; at += BATCH) insertBatch(rows.slice(at, at + BATCH));
    const rawMs = performance.now() - rawStarted;
    raw.close();
    return { ingestMs, rawMs, events: rows.length };
  } finally {
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  }
}

/**
 * The steady ingest rate against plain inserts of the same rows. Both sides first run once on
 * a small other set (other devices, other databases), so neither rate includes the JIT's first
 * compile of its code: a venue takes pushes all day, not once.
 */
function measureIngest(): { ingestEventsPerSec: number; rawEventsPerSec: number; events: number } {
  const warmUp = deviceBatches(76, 20);
  ingestThenRaw(warmUp.batches, warmUp.total);
  const measured = deviceBatches(77, 200);
  const { ingestMs, rawMs, events } = ingestThenRaw(measured.batches, measured.total);
  return { ingestEventsPerSec: (events / ingestMs) * 1000, rawEventsPerSec: (events / rawMs) * 1000, events };
}

/** Single-row commits per second on this disk with WAL + synchronous=FULL: the ceiling for one-event pushes. */
function measureFsyncRate(): number {
  const dir = tempDir('venue-bench-fsync');
  try {
    const store = openVenueStore(dir);
    const insert = store.db.sqlite.prepare('INSERT INTO sync_alarms (reason, device_id, epoch, seq, raised_at) VALUES (?, ?, 1, ?, 0)');
    const commit = store.db.sqlite.transaction((seq: number) => insert.run('bench', 'probe', seq));
    const started = performance.now();
    for (let seq = 1; seq <= 300; seq++) commit(seq);
    const rate = (300 / (performance.now() - started)) * 1000;
    store.close();
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Candidate {
  deviceId: string;
  chain: ChainedEvent[];
  next: number;
  busy: Promise<void>;
}

async function push(venueUrl: string, event: ChainedEvent): Promise<void> {
  const response = await fetch(`${venueUrl}/api/device/events`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId: event.deviceId, epoch: event.epoch, events: [event] }),
  });
  if (!response.ok) throw new Error(`push refused: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

/** Open-loop load: `rate` events/s spread over the candidates for `seconds`; latency from each scheduled time. */
async function measurePushes(venueUrl: string, candidates: Candidate[], rate: number, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const order = candidates.map((_, index) => index).sort(() => Math.random() - 0.5);
  const pending: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + n * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const candidate = candidates[order[n % order.length]!]!;
    const event = candidate.chain[candidate.next++];
    if (!event) continue;
    // A candidate's pushes stay in order: each waits for that candidate's previous one.
    candidate.busy = candidate.busy.then(() => push(venueUrl, event)).then(() => {
      latencies.push(performance.now() - due);
    });
    pending.push(candidate.busy);
  }
  await Promise.all(pending);
  return latencies;
}

interface Feed {
  arrivals: Array<{ venueSeq: number; at: number }>;
  close(): void;
}

async function openFeed(venueUrl: string, index: number): Promise<Feed> {
  const { username, pin } = PROCTORS.proctor1;
  const signIn = await fetch(`${venueUrl}/api/proctor/sign-in`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, pin, deviceId: `tab-bench-${index}` }),
  });
  if (!signIn.ok) throw new Error(`proctor sign-in: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const abort = new AbortController();
  const response = await fetch(`${venueUrl}/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${PROCTORS.proctor1.roomId}/stream`, { headers: { cookie }, signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`room stream: ${response.status}`);
  const feed: Feed = { arrivals: [], close: () => abort.abort() };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: ?(\d+)$/m.exec(message);
          if (id) feed.arrivals.push({ venueSeq: Number(id[1]), at: performance.now() });
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return feed;
}

async function measureFanout(venueUrl: string, candidates: Candidate[], samples: number): Promise<number[]> {
  const feeds: Feed[] = [];
  for (let index = 0; index < FEEDS; index++) feeds.push(await openFeed(venueUrl, index));
  await sleep(1500);
  const sent: Array<{ at: number; venueSeq: number }> = [];
  for (let n = 0; n < samples; n++) {
    const candidate = candidates[n % candidates.length]!;
    const event = candidate.chain[candidate.next++]!;
    const at = performance.now();
    await push(venueUrl, event);
    const health = (await (await fetch(`${venueUrl}/api/health`)).json()) as { log: { size: number } };
    sent.push({ at, venueSeq: health.log.size });
    await sleep(700);
  }
  await sleep(1500);
  feeds.forEach((feed) => feed.close());
  const latencies: number[] = [];
  for (const { at, venueSeq } of sent) {
    for (const feed of feeds) {
      const seen = feed.arrivals.find((arrival) => arrival.venueSeq >= venueSeq && arrival.at >= at);
      latencies.push(seen ? seen.at - at : Number.POSITIVE_INFINITY);
    }
  }
  return latencies;
}

export async function run(): Promise<Record<string, unknown>> {
  const loadAverage1m = loadavg()[0]!;
  const ingest = measureIngest();
  const fsyncTxPerSec = measureFsyncRate();

  const dataDir = tempDir('venue-bench-live');
  const seeded = openVenueStore(dataDir);
  await seedTwoRooms(seeded);
  seeded.close();
  const venue = await startVenue({ dataDir, env: { VENUE_ID: 'venue-bench-live' } });
  try {
    const generator = createEventGenerator({ seed: 78, devices: CANDIDATES, eventsPerDevice: 40 });
    const candidates: Candidate[] = generator.devices.map((device) => ({ deviceId: device.deviceId, chain: generator.eventsOf(device), next: 0, busy: Promise.resolve() }));
    await measurePushes(venue.url, candidates, 60, 2); // warm-up
    const realistic = await measurePushes(venue.url, candidates, 60, 12);
    const heavy = await measurePushes(venue.url, candidates, 600, 5);
    let fanout: number[] | null = null;
    let fanoutNote = 'from sending the push to the first room message covering its venue seq, per feed';
    try {
      fanout = await measureFanout(venue.url, candidates, 25);
    } catch (error) {
      fanoutNote = `not measured: ${(error as Error).message}`;
    }
    const result = {
      ingestEventsPerSec: round(ingest.ingestEventsPerSec, 0),
      rawEventsPerSec: round(ingest.rawEventsPerSec, 0),
      vsRawRatio: round(ingest.ingestEventsPerSec / ingest.rawEventsPerSec, 3),
      ingestEvents: ingest.events,
      fsyncTxPerSec: round(fsyncTxPerSec, 0),
      loadAverage1m: round(loadAverage1m),
      p50PushMs: round(percentile(realistic, 50)),
      p99PushMs: round(percentile(realistic, 99)),
      pushesRealistic: realistic.length,
      p50PushMs10x: round(percentile(heavy, 50)),
      p99PushMs10x: round(percentile(heavy, 99)),
      pushesHeavy: heavy.length,
      liveFanoutP50Ms: fanout ? round(percentile(fanout, 50)) : null,
      liveFanoutP99Ms: fanout ? round(percentile(fanout, 99)) : null,
      fanoutFeeds: FEEDS,
      method: `ingest: 200 devices x 100 events in batches of ${BATCH} via DeviceIngest.pushFromDevice (WAL, synchronous=FULL), raw: same rows, plain INSERTs ${BATCH} a transaction, `
        + `both after one symmetric warm-up run (20 other devices, throwaway databases); `
        + `push: ${CANDIDATES} candidates, 60 ev/s for 12 s and 600 ev/s for 5 s, JSON over loopback HTTP to a venue process, latency from scheduled time; `
        + `fanout: ${FEEDS} proctor SSE feeds, ${fanoutNote}. The room stream wakes on each commit (2 s fallback poll).`,
    };
    return result;
  } finally {
    await venue.stop();
    rmSync(join(dataDir), { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  run().then((result) => {
    writeBenchResult('venue', result);
    console.log(summaryLine('venue', result));
  }, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
