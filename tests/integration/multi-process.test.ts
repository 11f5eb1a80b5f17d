/**
 * The sync acceptance test, on real processes: candidate devices push through a venue
 * whose uplink reaches the hub only through a faulty link (resets, stalls, an outage),
 * while the venue is killed with SIGKILL again and again and restarted on the same data.
 * In the end the hub must hold exactly the venue's log (same events, same order, none
 * twice), its root must equal the venue's signed head, and a forged, a replayed and a
 * conflicting batch must each be refused with its reason and change nothing.
 *
 * Every fault is drawn from one seed: FAULT_SEED=<n> replays a run's schedule (the log
 * line at the end prints the seed, the faults inflicted and the timing of each phase).
 * MULTI_PROCESS_DEVICES shrinks the run while debugging (800 events per device).
 */
import { createPrivateKey, createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyOfEvent, chainEvent, verifyChain } from '../../sync/chain';
import { encodeVenueBatch } from '../../sync/codec';
import { parseEventBody, type ChainedEvent } from '../../sync/events';
import { MerkleAccumulator } from '../../sync/merkle';
import { hexToBytes } from '../../sync/canonical';
import { headSigningText, uplinkSigningText, type SignedHead, type UplinkEnvelope } from '../../sync/messages';
import { createHubServices } from '../../hub/app';
import { openHubDatabase } from '../../hub/db';
import { createEventGenerator, pushAll, venueHealth, waitFor } from '../support/event-generator';
import { seededRandom, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { freePort, startHub, startVenue, tempDir, type RunningProcess } from '../support/processes';

const SEED = Number(process.env.FAULT_SEED ?? 20261125);
const DEVICES = Number(process.env.MULTI_PROCESS_DEVICES ?? 250);
const EVENTS_PER_DEVICE = 800;
const TOTAL = DEVICES * EVENTS_PER_DEVICE;
const KILLS = 6;
const VENUE_ID = 'venue-fault-01';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
const dataDirs: string[] = [];
const stopPushing = new AbortController();

afterAll(async () => {
  stopPushing.abort();
  for (const item of running.reverse()) {
    if ('close' in item) await item.close().catch(() => undefined);
    else await item.stop().catch(() => undefined);
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('fault proxy', () => {
  async function echoServer(): Promise<{ server: Server; port: number }> {
    const server = createServer((socket) => socket.on('data', (chunk) => socket.write(chunk)).on('error', () => undefined));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    return { server, port: typeof address === 'object' && address ? address.port : 0 };
  }

  function roundTrip(port: number, text: string): Promise<{ reply: string; ms: number } | { error: string }> {
    return new Promise((resolve) => {
      const started = performance.now();
      let reply = '';
      const socket = createConnection(port, '127.0.0.1', () => socket.write(text));
      socket.on('data', (chunk) => {
        reply += chunk.toString();
        if (reply.length >= text.length) {
          socket.end();
          resolve({ reply, ms: performance.now() - started });
        }
      });
      socket.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
      socket.on('close', () => resolve({ error: 'closed' }));
    });
  }

  it('passes, resets, stalls and refuses as told, and counts what it did', async () => {
    const echo = await echoServer();
    const pass = await startFaultProxy({ targetPort: echo.port, seed: 1, mode: 'pass' });
    const resets = await startFaultProxy({ targetPort: echo.port, seed: 2, mode: 'faulty', resetChance: 1, stallChance: 0 });
    const stalls = await startFaultProxy({ targetPort: echo.port, seed: 3, mode: 'faulty', resetChance: 0, stallChance: 1, stallMs: [400, 401] });
    try {
      expect(await roundTrip(pass.port, 'answer.set')).toMatchObject({ reply: 'answer.set' });
      expect(pass.counters.bytesUp).toBe(10);
      expect(pass.counters.bytesDown).toBe(10);

      expect(await roundTrip(resets.port, 'answer.set')).toHaveProperty('error');
      expect(resets.counters.reset).toBe(1);

      const stalled = await roundTrip(stalls.port, 'x');
      expect(stalled).toMatchObject({ reply: 'x' });
      expect((stalled as { ms: number }).ms).toBeGreaterThanOrEqual(390);
      expect(stalls.counters.stalled).toBeGreaterThanOrEqual(1);

      pass.forceNext('reset');
      expect(await roundTrip(pass.port, 'answer.set')).toHaveProperty('error');
      expect(pass.counters.reset).toBe(1);

      pass.setMode('down');
      expect(await roundTrip(pass.port, 'y')).toHaveProperty('error');
      expect(pass.counters.refused).toBe(1);
    } finally {
      await Promise.all([pass.close(), resets.close(), stalls.close()]);
      await new Promise<void>((r) => echo.server.close(() => r()));
    }
  });
});

describe('event generator', () => {
  it('writes valid device chains, the same for the same seed', () => {
    const generator = createEventGenerator({ seed: 7, devices: 3, eventsPerDevice: 300 });
    expect(generator.total).toBe(900);
    const chains = generator.devices.map((device) => generator.eventsOf(device));
    for (const chain of chains) {
      expect(chain).toHaveLength(300);
      expect(verifyChain(chain)).toBeNull();
      for (const event of chain) expect(() => parseEventBody(bodyOfEvent(event))).not.toThrow();
      expect(chain[0]!.type).toBe('attempt.started');
      expect(chain.at(-1)!.type).toBe('attempt.finished');
      expect(new Set(chain.map((event) => event.type)).size).toBeGreaterThanOrEqual(6);
    }
    expect(createEventGenerator({ seed: 7, devices: 3, eventsPerDevice: 300 }).eventsOf(generator.devices[1]!).at(-1)!.hash).toBe(chains[1]!.at(-1)!.hash);
    expect(createEventGenerator({ seed: 8, devices: 3, eventsPerDevice: 300 }).eventsOf(generator.devices[1]!).at(-1)!.hash).not.toBe(chains[1]!.at(-1)!.hash);
  });
});

// ---- the acceptance run --------------------------------------------------------

/** A fresh hub data folder holding a one-time enrolment token for `venueId` (made by the hub's own service). */
async function prepareHub(venueId: string): Promise<{ dataDir: string; token: string }> {
  const dataDir = tempDir('hub-fault');
  const database = await openHubDatabase({ dataDir });
  try {
    const { token } = await createHubServices({ database }).enrolment.createToken('venue-technician', { venueId });
    return { dataDir, token };
  } finally {
    await database.close();
  }
}

/** Where the hub stands on the venue's log (its whole answer), asked as the venue would: a signed query. */
async function readHubCursor(hubUrl: string, key: KeyObject): Promise<{ ackedVenueSeq: number; root: string }> {
  const nonce = randomBytes(16).toString('hex');
  const sentAt = Date.now();
  const response = await fetch(`${hubUrl}/api/uplink/cursor`, {
    headers: {
      'x-venue-id': VENUE_ID, 'x-nonce': nonce, 'x-sent-at': String(sentAt),
      'x-signature': sign(null, Buffer.from(['cursor/1', VENUE_ID, nonce, sentAt].join('\n')), key).toString('base64'),
    },
  });
  if (!response.ok) throw new Error(`hub cursor: ${response.status} ${await response.text()}`);
  return (await response.json()) as { ackedVenueSeq: number; root: string };
}

interface VenueLogCopy {
  hashes: string[];
  tail: ChainedEvent[];
}

/** Reads the venue's log straight from its SQLite file (the venue is stopped). */
function readVenueLog(venueDataDir: string, tailLength: number): VenueLogCopy {
  const sqlite = new Database(join(venueDataDir, 'venue.sqlite'), { readonly: true });
  try {
    const hashes = (sqlite.prepare('SELECT hash FROM venue_log ORDER BY venue_seq').raw().all() as string[][]).map((row) => row[0]!);
    const tailRows = sqlite.prepare('SELECT body, prev_hash AS prevHash, hash FROM venue_log ORDER BY venue_seq DESC LIMIT ?').all(tailLength) as Array<{ body: string; prevHash: string; hash: string }>;
    const tail = tailRows.reverse().map((row) => ({ ...(JSON.parse(row.body) as object), prevHash: row.prevHash, hash: row.hash }) as ChainedEvent);
    return { hashes, tail };
  } finally {
    sqlite.close();
  }
}

function signedBatch(key: KeyObject, head: SignedHead, fromVenueSeq: number, events: ChainedEvent[]): { envelope: UplinkEnvelope; body: Uint8Array } {
  const body = deflateSync(encodeVenueBatch({ venueId: VENUE_ID, fromVenueSeq, entries: events.map((event) => ({ event })) }));
  const unsigned = {
    venueId: VENUE_ID, nonce: randomBytes(16).toString('hex'), sentAt: Date.now(), fromVenueSeq, count: events.length,
    bodySha256: createHash('sha256').update(body).digest('hex'), head,
  };
  return { envelope: { ...unsigned, signature: sign(null, Buffer.from(uplinkSigningText(unsigned)), key).toString('base64') }, body };
}

async function postBatch(hubUrl: string, batch: { envelope: UplinkEnvelope; body: Uint8Array }): Promise<{ status: number; body: { code?: string; ackedVenueSeq?: number } }> {
  const response = await fetch(`${hubUrl}/api/uplink/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-uplink-envelope': JSON.stringify(batch.envelope) },
    body: batch.body as unknown as BodyInit,
  });
  return { status: response.status, body: (await response.json()) as { code?: string; ackedVenueSeq?: number } };
}

describe('venue → hub under faults, on real processes', () => {
  it(`delivers ${TOTAL} events exactly once through resets, stalls and ${KILLS} SIGKILLs; forged, replayed and conflicting batches change nothing`, async () => {
    const phases: Record<string, number> = {};
    const t0 = performance.now();
    const mark = (name: string) => { phases[name] = Math.round(performance.now() - t0); };
    const random = seededRandom(SEED);
    const generator = createEventGenerator({ seed: SEED, devices: DEVICES, eventsPerDevice: EVENTS_PER_DEVICE, prefix: 'pc-fault' });

    const { dataDir: hubDataDir, token } = await prepareHub(VENUE_ID);
    dataDirs.push(hubDataDir);
    const hub: RunningProcess = await startHub({ dataDir: hubDataDir });
    running.push({ stop: () => hub.stop() });
    const proxy: FaultProxy = await startFaultProxy({ targetPort: hub.port, seed: SEED, mode: 'pass', resetChance: 0.03, stallChance: 0.03, stallMs: [200, 2500] });
    running.push(proxy);
    const venuePort = await freePort();
    const venueDataDir = tempDir('venue-fault');
    dataDirs.push(venueDataDir);
    const venueEnv = { HUB_URL: proxy.url, VENUE_ENROL_TOKEN: token, VENUE_ID, VENUE_SYNC_INTERVAL_MS: '300' };
    let venue: RunningProcess = await startVenue({ port: venuePort, dataDir: venueDataDir, env: venueEnv });
    running.push({ stop: () => venue.stop() });
    await waitFor('the venue enrols at the hub', async () => (await venueHealth(venue.url)).uplink.isEnrolled === true, 30_000);
    mark('started');

    // Device pushes run while the link misbehaves and the venue dies at seeded moments.
    proxy.setMode('faulty');
    let acked = 0;
    let isPushDone = false;
    const pushing = pushAll(generator, { venueUrl: venue.url, concurrency: 6, batchSize: 250, timeoutMs: 300_000, signal: stopPushing.signal, onAcked: (n) => { acked += n; } })
      .finally(() => { isPushDone = true; });
    const killPoints = Array.from({ length: KILLS - 1 }, () => 0.05 + random() * 0.85).sort((a, b) => a - b);
    const outageAt = 0.2 + random() * 0.5;
    let kills = 0;
    let isOutageDone = false;
    const crash = async (why: string) => {
      await venue.kill();
      kills++;
      await sleep(100 + Math.floor(random() * 1200));
      venue = await startVenue({ port: venuePort, dataDir: venueDataDir, env: venueEnv });
      phases[`kill${kills}:${why}`] = Math.round(performance.now() - t0);
    };
    for (const point of killPoints) {
      while (!isPushDone && acked < point * TOTAL) {
        if (!isOutageDone && acked >= outageAt * TOTAL) {
          isOutageDone = true;
          proxy.setMode('down');
          await sleep(2000 + Math.floor(random() * 2000));
          proxy.setMode('faulty');
          // Beside the seeded schedule, at least one reset and one stall for certain.
          proxy.forceNext('reset');
          proxy.forceNext('stall');
        }
        await sleep(50);
      }
      if (isPushDone) break;
      await sleep(Math.floor(random() * 400));
      await crash(`push@${Math.round((acked / TOTAL) * 100)}%`);
    }
    const pushed = await pushing;
    mark('pushed');
    expect(pushed.acked).toBe(TOTAL);
    expect(pushed.regressions).toBe(0);
    // One more crash while the uplink is still draining (or right after), then the rest seeded.
    while (kills < KILLS) {
      await sleep(500 + Math.floor(random() * 2000));
      await crash(`drain${kills}`);
    }

    const drainTrace: string[] = [];
    let lastTraceAt = 0;
    await waitFor('the uplink drains to the hub', async () => {
      const health = await venueHealth(venue.url);
      if (performance.now() - lastTraceAt > 5000) {
        lastTraceAt = performance.now();
        drainTrace.push(`${Math.round((lastTraceAt - t0) / 1000)}s:${health.uplink.ackedVenueSeq}${health.uplink.lastError ? `(${health.uplink.lastError.slice(0, 60)})` : ''}`);
      }
      return health.log.size === TOTAL && health.uplink.ackedVenueSeq === TOTAL && health.uplink.pending === 0;
    }, 240_000);
    mark('drained');
    const finalHealth = await venueHealth(venue.url);
    const faults = { ...proxy.counters };
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(faults.reset).toBeGreaterThan(0);
    expect(faults.stalled).toBeGreaterThan(0);

    // The venue stops; from here on only this test speaks to the hub, as that venue.
    await venue.stop();
    const venueKey = createPrivateKey(readFileSync(join(venueDataDir, 'venue-ed25519.pem')));
    const venueLog = readVenueLog(venueDataDir, 8);
    expect(venueLog.hashes).toHaveLength(TOTAL);
    const cursorBefore = await readHubCursor(hub.url, venueKey);
    expect(cursorBefore).toMatchObject({ ackedVenueSeq: TOTAL, root: finalHealth.log.root });

    const headAt = Date.now();
    const headBody = { venueId: VENUE_ID, size: TOTAL, root: finalHealth.log.root, at: headAt };
    const head: SignedHead = { ...headBody, signature: sign(null, Buffer.from(headSigningText(headBody)), venueKey).toString('base64') };
    const tailFrom = TOTAL - venueLog.tail.length + 1;

    // Forged: the right batch, signed with a key the hub has never seen.
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const forged = await postBatch(hub.url, signedBatch(stranger, head, tailFrom, venueLog.tail));
    expect(forged).toMatchObject({ status: 401, body: { code: 'bad-signature' } });

    // Replayed: a genuine resend is accepted once (a no-op), the same bytes again are refused.
    const genuine = signedBatch(venueKey, head, tailFrom, venueLog.tail);
    expect(await postBatch(hub.url, genuine)).toMatchObject({ status: 200, body: { ackedVenueSeq: TOTAL } });
    expect(await postBatch(hub.url, genuine)).toMatchObject({ status: 409, body: { code: 'stale-nonce' } });

    // Conflicting: the last event again under its identity, with another payload (so another hash).
    const last = venueLog.tail.at(-1)!;
    const altered = chainEvent(last.prevHash, { ...bodyOfEvent(last), at: last.at + 1 });
    expect(altered.hash).not.toBe(last.hash);
    const conflicting = await postBatch(hub.url, signedBatch(venueKey, head, TOTAL, [altered]));
    expect(conflicting).toMatchObject({ status: 409, body: { code: 'conflict' } });

    expect(await readHubCursor(hub.url, venueKey)).toEqual(cursorBefore);
    mark('refusals');

    // Everything the hub holds, read from its own database after it has stopped.
    await hub.stop();
    const pglite = new PGlite(hub.dataDir);
    try {
      const count = await pglite.query<{ events: number; identities: number; hashes: number }>(
        `SELECT count(*)::int AS events, count(DISTINCT (device_id, epoch, seq))::int AS identities, count(DISTINCT hash)::int AS hashes FROM venue_events WHERE venue_id = $1`, [VENUE_ID]);
      expect(count.rows[0]).toEqual({ events: TOTAL, identities: TOTAL, hashes: TOTAL });

      const hubHashes = (await pglite.query<{ hash: string }>(`SELECT hash FROM venue_events WHERE venue_id = $1 ORDER BY venue_seq`, [VENUE_ID])).rows.map((row) => row.hash);
      expect(hubHashes.length).toBe(TOTAL);
      let firstDifference = -1;
      for (let i = 0; i < TOTAL && firstDifference < 0; i++) if (hubHashes[i] !== venueLog.hashes[i]) firstDifference = i;
      expect(firstDifference, 'first venue seq (0-based) where hub and venue logs differ').toBe(-1);
      const seqRange = await pglite.query<{ first: number; last: number }>(`SELECT min(venue_seq)::int AS first, max(venue_seq)::int AS last FROM venue_events WHERE venue_id = $1`, [VENUE_ID]);
      expect(seqRange.rows[0]).toEqual({ first: 1, last: TOTAL });

      const perDevice = await pglite.query<{ device_id: string; epoch: number; events: number; last_seq: number; last_hash: string }>(
        `SELECT e.device_id, e.epoch, count(*)::int AS events, max(e.seq)::int AS last_seq,
                (SELECT hash FROM venue_events l WHERE l.device_id = e.device_id AND l.epoch = e.epoch ORDER BY l.seq DESC LIMIT 1) AS last_hash
           FROM venue_events e WHERE e.venue_id = $1 GROUP BY e.device_id, e.epoch`, [VENUE_ID]);
      expect(perDevice.rows).toHaveLength(DEVICES);
      for (const row of perDevice.rows) {
        const tip = pushed.tips.get(row.device_id);
        expect({ device: row.device_id, events: row.events, seq: row.last_seq, hash: row.last_hash }).toEqual({ device: row.device_id, events: EVENTS_PER_DEVICE, seq: tip?.seq, hash: tip?.hash });
      }
      const deviceHeads = await pglite.query<{ device_id: string; acked_seq: number; acked_hash: string }>(`SELECT device_id, acked_seq, acked_hash FROM device_heads WHERE venue_id = $1`, [VENUE_ID]);
      expect(deviceHeads.rows).toHaveLength(DEVICES);
      for (const row of deviceHeads.rows) expect([row.device_id, row.acked_seq, row.acked_hash]).toEqual([row.device_id, EVENTS_PER_DEVICE, pushed.tips.get(row.device_id)?.hash]);

      const venueHead = await pglite.query<{ acked_venue_seq: number; root: string; signed_head: SignedHead; is_head_matched: boolean }>(
        `SELECT acked_venue_seq::int AS acked_venue_seq, root, signed_head, is_head_matched FROM venue_heads WHERE venue_id = $1`, [VENUE_ID]);
      const held = venueHead.rows[0]!;
      expect(held.acked_venue_seq).toBe(TOTAL);
      expect(held.root).toBe(finalHealth.log.root);
      expect(held.signed_head).toMatchObject({ venueId: VENUE_ID, size: TOTAL, root: held.root });
      expect(held.is_head_matched).toBe(true);
      const recomputed = new MerkleAccumulator();
      for (const hash of hubHashes) recomputed.append(hexToBytes(hash));
      expect(recomputed.rootHex()).toBe(held.root);

      const alarms = await pglite.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM alarms WHERE venue_id = $1 GROUP BY kind ORDER BY kind`, [VENUE_ID]);
      expect(Object.fromEntries(alarms.rows.map((row) => [row.kind, row.n]))).toEqual({ conflict: 1, 'forged-batch': 1, 'replayed-batch': 1 });
    } finally {
      await pglite.close();
    }
    mark('verified');
    console.log(`[multi-process] seed=${SEED} events=${TOTAL} kills=${kills} faults=${JSON.stringify(faults)} pushRetries=${pushed.retries} resent=${pushed.resent} refusals=${JSON.stringify(pushed.refusals)} phases(ms)=${JSON.stringify(phases)} drain=${drainTrace.join(' ')}`);
  }, 420_000);
});
