/**
 * The venue's pipelined uplink against the real hub app (in-memory PGlite) over HTTP: the
 * next batch goes out before the receipt of the one before, the hub stores them in order,
 * and a batch that overtakes its predecessor on the way is refused as a gap and resent.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp, createHubServices, type HubServices } from '../../hub/app';
import { countVenueEvents, openHubDatabase, readVenueHead, venueLogHashes, type HubDatabase } from '../../hub/db';
import { candidateChain } from '../../sync/testkit';
import { loadVenueIdentity } from '../identity';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';
import { HubClient } from './hub-client';
import { VenueSync } from './venue-sync';

let hubDatabase: HubDatabase;
let services: HubServices;
let server: ServerType;
let hubUrl: string;
/** Uplink batch requests being answered right now, and the most seen at once. */
let inFlight = 0;
let maxInFlight = 0;
/** Venue seqs of the batches the hub was asked to store, in arrival order, with their status. */
const arrivals: Array<{ fromVenueSeq: number; status: number }> = [];
/** When set, the request of the batch starting here is held back this long (it arrives after the next one). */
let delayed: { fromVenueSeq: number; ms: number } | undefined;

beforeAll(async () => {
  hubDatabase = await openHubDatabase();
  services = createHubServices({ database: hubDatabase });
  const app = createHubApp({ database: hubDatabase }, services);
  const observed = async (request: Request): Promise<Response> => {
    if (!request.url.endsWith('/api/uplink/batch')) return app.fetch(request);
    const fromVenueSeq = (JSON.parse(request.headers.get('x-uplink-envelope') ?? '{}') as { fromVenueSeq: number }).fromVenueSeq;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (delayed?.fromVenueSeq === fromVenueSeq) {
        const { ms } = delayed;
        delayed = undefined;
        await new Promise((resolve) => setTimeout(resolve, ms));
      }
      const response = await app.fetch(request);
      arrivals.push({ fromVenueSeq, status: response.status });
      return response;
    } finally {
      inFlight--;
    }
  };
  server = await new Promise<ServerType>((ready) => {
    const started = serve({ fetch: observed, port: 0, hostname: '127.0.0.1' }, () => ready(started));
  });
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  await hubDatabase.close();
});

async function enrolledSync(venue: TestVenue, venueId: string, maxBatch: number): Promise<VenueSync> {
  const identity = loadVenueIdentity(venue.dataDir, venue.store, { venueId, hubUrl });
  const { token } = await services.enrolment.createToken('admin', { venueId });
  return new VenueSync({
    store: venue.store, ingest: venue.ingest, identity, enrolToken: token, venueName: venueId, now: Date.now,
    hub: new HubClient({ hubUrl, identity, timeoutMs: 10_000 }), maxBatch, intervalMs: 60_000, backoff: { baseMs: 20, maxMs: 100 },
  });
}

async function pushChains(venue: TestVenue, prefix: string, devices: number, answers: number): Promise<void> {
  for (let device = 0; device < devices; device++) {
    const deviceId = `${prefix}-pc${device}`;
    const response = await postJson(venue.app, '/api/device/events', { deviceId, epoch: 1, events: candidateChain({ deviceId, attemptId: `${prefix}-att${device}`, answers, seed: device + 1 }) });
    expect(response.status).toBe(200);
  }
}

/** The hub holds exactly the venue's log, once, in order, under the venue's own root. */
async function expectHubHoldsAll(venue: TestVenue, venueId: string): Promise<void> {
  const size = venue.ingest.head().size;
  expect(await countVenueEvents(hubDatabase.db, venueId)).toBe(size);
  expect(await venueLogHashes(hubDatabase.db, venueId)).toEqual(venue.store.log.readAfter(0, size).map((row) => row.hash));
  expect(await readVenueHead(hubDatabase.db, venueId)).toMatchObject({ ackedVenueSeq: size, root: venue.ingest.head().root, isHeadMatched: true });
}

describe('pipelined uplink', () => {
  it('sends the next batch before the receipt of the one before, and the hub stores every event once, in order', async () => {
    const venue = openTestVenue();
    try {
      await pushChains(venue, 'pipe', 4, 39);
      const sync = await enrolledSync(venue, 'pipe-venue', 20);
      maxInFlight = 0;
      arrivals.length = 0;
      const result = await sync.syncNow();
      await sync.stop();
      expect(result.uplink).toEqual({ ok: true, ackedVenueSeq: 160 });
      expect(maxInFlight).toBe(2);
      expect(arrivals.every((arrival) => arrival.status === 200)).toBe(true);
      expect(arrivals.map((arrival) => arrival.fromVenueSeq)).toEqual([1, 21, 41, 61, 81, 101, 121, 141]);
      await expectHubHoldsAll(venue, 'pipe-venue');
    } finally {
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 60_000);

  it('resends a batch that reached the hub before the one it follows and was refused as a gap; nothing is lost or doubled', async () => {
    const venue = openTestVenue();
    try {
      await pushChains(venue, 'late', 3, 29);
      const sync = await enrolledSync(venue, 'late-venue', 20);
      // Batch 1-20 is stored first so the hub knows where the venue stands; then 21-40 is held
      // back past the hub's wait for a late predecessor, so 41-60 arrives first.
      arrivals.length = 0;
      delayed = { fromVenueSeq: 21, ms: 600 };
      const result = await sync.syncNow();
      await sync.stop();
      expect(result.uplink).toEqual({ ok: true, ackedVenueSeq: 90 });
      expect(arrivals).toContainEqual({ fromVenueSeq: 41, status: 409 });
      expect(arrivals.filter((arrival) => arrival.fromVenueSeq === 41).map((arrival) => arrival.status)).toEqual([409, 200]);
      expect(venue.store.uplink.get()).toMatchObject({ ackedVenueSeq: 90 });
      await expectHubHoldsAll(venue, 'late-venue');
    } finally {
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 60_000);
});
