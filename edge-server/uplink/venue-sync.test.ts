/**
 * The uplink and downlink against the real hub app (in-memory PGlite), served over
 * HTTP on a loopback port, as in production.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp, createHubServices, type HubServices } from '../../hub/app';
import { countVenueEvents, openHubDatabase, readVenueHead, type HubDatabase } from '../../hub/db';
import type { ExamPackage } from '../../sync/package';
import type { Session } from '../../sync/roster';
import { candidateChain } from '../../sync/testkit';
import { loadVenueIdentity } from '../identity';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';
import { HubClient } from './hub-client';
import { VenueSync } from './venue-sync';

const VENUE_ID = 'astana-01';
let hubDatabase: HubDatabase;
let services: HubServices;
let server: ServerType;
let hubUrl: string;
/** The same hub behind a switch: 'up', 'down' (503) or 'hanging' (never answers). */
let flakyUrl: string;
let flakyServer: ServerType;
let flakyState: 'up' | 'down' | 'hanging' = 'up';
let flakyTooLarge = 0;

beforeAll(async () => {
  hubDatabase = await openHubDatabase();
  // A small body limit, so that the venue's first batches are refused with 413 and halved.
  services = createHubServices({ database: hubDatabase, config: { uplinkBodyLimitBytes: 1000 } });
  const app = createHubApp({ database: hubDatabase }, services);
  server = await new Promise<ServerType>((ready) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(started));
  });
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const flakyFetch = (request: Request) => {
    if (flakyState === 'down') return new Response('{"code":"unavailable","message":"down"}', { status: 503 });
    if (flakyState === 'hanging') return new Promise<Response>(() => undefined);
    return Promise.resolve(app.fetch(request)).then((response) => {
      if (response.status === 413) flakyTooLarge++;
      return response;
    });
  };
  flakyServer = await new Promise<ServerType>((ready) => {
    const started = serve({ fetch: flakyFetch, port: 0, hostname: '127.0.0.1' }, () => ready(started));
  });
  flakyUrl = `http://127.0.0.1:${(flakyServer.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  flakyState = 'up';
  (flakyServer as import('node:http').Server).closeAllConnections();
  await new Promise<void>((done) => flakyServer.close(() => done()));
  await new Promise<void>((done) => server.close(() => done()));
  await hubDatabase.close();
});

interface SyncOptions { hubUrl: string; venueId?: string; enrolToken?: string; timeoutMs?: number; maxEncodedBytes?: number; now?: () => number }

function venueSync(venue: TestVenue, options: SyncOptions) {
  const identity = loadVenueIdentity(venue.dataDir, venue.store, { venueId: options.venueId ?? VENUE_ID, hubUrl: options.hubUrl });
  const now = options.now ?? Date.now;
  return new VenueSync({
    store: venue.store, ingest: venue.ingest, identity, enrolToken: options.enrolToken, venueName: 'Astana venue 1', now,
    hub: new HubClient({ hubUrl: options.hubUrl, identity, timeoutMs: options.timeoutMs ?? 5000, now }), maxBatch: 1000,
    intervalMs: 60_000, backoff: { baseMs: 20, maxMs: 100 }, maxEncodedBytes: options.maxEncodedBytes,
  });
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pushChain(venue: TestVenue, deviceId: string, answers: number, seed: number) {
  const response = await postJson(venue.app, '/api/device/events', { deviceId, epoch: 1, events: candidateChain({ deviceId, answers, seed }) });
  expect(response.status).toBe(200);
}

function demoSession(): { session: Session; examPackage: ExamPackage } {
  const session: Session = {
    sessionId: 'ses-astana-2026-11-25', venueId: VENUE_ID, examId: 'exam-history', examVersion: 1, startsAt: 1_764_057_600_000,
    rooms: [{ roomId: 'room-1', name: 'Room 1', seats: [{ seatId: 'A-07', label: 'A7', row: 0, col: 6 }] }],
    candidates: [{ candidateId: 'cand-0001', iin: '990101300123', lastName: 'Ахметов', firstName: 'Ерлан', language: 'kk', accommodations: [], roomId: 'room-1', seatId: 'A-07' }],
    proctors: [],
  };
  const examPackage: ExamPackage = {
    format: 'exam-package/1', examId: 'exam-history', version: 1, title: { kk: 'Тарих', ru: 'История' }, durationMinutes: 60,
    blocks: [{ blockId: 'blk', title: { kk: 'Блок', ru: 'Блок' }, passMark: 1, items: [{ itemId: 'blk-001', type: 'single', points: 1, stem: { kk: 'Сұрақ', ru: 'Вопрос' }, options: [{ optionId: 'blk-001-a', text: { kk: 'А', ru: 'А' } }, { optionId: 'blk-001-b', text: { kk: 'Б', ru: 'Б' } }] }] }],
    totalPassMark: { points: 1 }, accommodations: [], media: [], resultPolicy: { showAnalysisCard: true, contentAppealWindowMinutes: 30 },
    proctoring: { isCameraRequired: false, signals: {}, sampleIntervalMs: 500, fullRangeEvery: 10, headTurnedYawDegrees: 35, darkLumaBelow: 40, weights: {} },
  };
  return { session, examPackage };
}

describe('venue ↔ hub', () => {
  it('records an unreachable hub in health and keeps everything, then enrols, uploads in halved batches and pulls the downlink', async () => {
    let venue = openTestVenue();
    try {
      await pushChain(venue, 'pc-astana-a07', 150, 1);
      await pushChain(venue, 'pc-astana-a08', 120, 2);

      const offline = venueSync(venue, { hubUrl: 'http://127.0.0.1:9' });
      const failed = await offline.syncNow();
      expect(failed.uplink.ok).toBe(false);
      const failedHealth = await (await venue.app.request('/api/health')).json();
      expect(failedHealth.uplink).toMatchObject({ pending: 272, ackedVenueSeq: 0, attempts: 1, lastError: expect.stringContaining('unreachable') });
      await offline.stop();

      const { token } = await services.enrolment.createToken('admin', { venueId: VENUE_ID });
      const { session, examPackage } = demoSession();
      await services.publishing.publish(session, examPackage, { examId: 'exam-history', version: 1, items: { 'blk-001': { correctOptionIds: ['blk-001-a'] } } }, { isKeyReleasedNow: true });

      const sync = venueSync(venue, { hubUrl, enrolToken: token });
      const result = await sync.syncNow();
      expect(result.uplink).toEqual({ ok: true, ackedVenueSeq: 272 });
      expect(result.downlink.ok).toBe(true);
      expect(sync.splitCount).toBeGreaterThan(0);
      expect(await countVenueEvents(hubDatabase.db, VENUE_ID)).toBe(272);
      const hubHead = await readVenueHead(hubDatabase.db, VENUE_ID);
      expect(hubHead?.root).toBe(venue.ingest.head().root);
      expect(hubHead?.isHeadMatched).toBe(true);
      const health = await (await venue.app.request('/api/health')).json();
      expect(health.uplink).toMatchObject({ isEnrolled: true, pending: 0, ackedVenueSeq: 272, isHeadMatched: true, attempts: 0, lastError: null });
      expect(health.uplink.lastSuccessAt).toEqual(expect.any(Number));

      expect(venue.store.downlink.sessionIds()).toEqual([session.sessionId]);
      expect(venue.store.downlink.sealedPackage(session.sessionId)?.examId).toBe('exam-history');
      expect(venue.store.downlink.releasedKey(session.sessionId)?.key).toMatch(/^[0-9a-f]{64}$/);
      const cursor = venue.store.downlink.get().cursor;
      expect(cursor).toBeGreaterThanOrEqual(3);

      // A restart keeps enrolment and cursors; new events go up from where the hub stands.
      await sync.stop();
      venue = venue.reopen();
      await pushChain(venue, 'pc-astana-a09', 10, 3);
      const again = await venueSync(venue, { hubUrl }).syncNow();
      expect(again.uplink).toEqual({ ok: true, ackedVenueSeq: 283 });
      expect(again.downlink).toEqual({ ok: true, cursor });
      expect((await readVenueHead(hubDatabase.db, VENUE_ID))?.root).toBe(venue.ingest.head().root);
    } finally {
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 60_000);

  it('names the missing enrolment instead of failing silently', async () => {
    const venue = openTestVenue();
    try {
      await pushChain(venue, 'pc-almaty-b01', 3, 4);
      const result = await venueSync(venue, { hubUrl, venueId: 'almaty-02' }).syncNow();
      expect(result.uplink.ok).toBe(false);
      expect(result.uplink.error).toContain('enrolment token');
      expect(venue.store.uplink.get()).toMatchObject({ ackedVenueSeq: 0, attempts: 1 });
    } finally {
      venue.close();
      removeDir(venue.dataDir);
    }
  });

  it('retries on its own with backoff while the hub is down, and catches up when it returns', async () => {
    const venue = openTestVenue();
    const { token } = await services.enrolment.createToken('admin', { venueId: 'karaganda-03' });
    const sync = venueSync(venue, { hubUrl: flakyUrl, venueId: 'karaganda-03', enrolToken: token });
    try {
      await pushChain(venue, 'pc-karaganda-c01', 40, 5);
      flakyState = 'down';
      sync.start();
      await waitFor(() => venue.store.uplink.get().attempts >= 3);
      expect(venue.store.uplink.get()).toMatchObject({ ackedVenueSeq: 0, lastError: expect.stringContaining('503') });
      flakyState = 'up';
      await waitFor(() => venue.store.uplink.get().ackedVenueSeq === 41);
      expect(venue.store.uplink.get()).toMatchObject({ attempts: 0, lastError: null, isHeadMatched: true });
      expect(await countVenueEvents(hubDatabase.db, 'karaganda-03')).toBe(41);
    } finally {
      await sync.stop();
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 60_000);

  it('stops promptly even while a request to the hub hangs', async () => {
    const venue = openTestVenue();
    const sync = venueSync(venue, { hubUrl: flakyUrl, venueId: 'karaganda-03', timeoutMs: 60_000 });
    try {
      flakyState = 'hanging';
      const pass = sync.syncNow();
      await new Promise((r) => setTimeout(r, 200));
      // The request would hang for 60 s; stop() aborts it, well inside this test's own timeout.
      await sync.stop();
      const result = await pass;
      expect(result.uplink.ok).toBe(false);
      expect(result.uplink.error).toContain('stopping');
    } finally {
      flakyState = 'up';
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 30_000);

  it('halves a batch whose encoding is over its own cap before the hub ever has to refuse it', async () => {
    const venue = openTestVenue();
    const { token } = await services.enrolment.createToken('admin', { venueId: 'shymkent-04' });
    const sync = venueSync(venue, { hubUrl: flakyUrl, venueId: 'shymkent-04', enrolToken: token, maxEncodedBytes: 600 });
    try {
      await pushChain(venue, 'pc-shymkent-d01', 30, 6);
      flakyTooLarge = 0;
      expect((await sync.syncNow()).uplink).toEqual({ ok: true, ackedVenueSeq: 31 });
      expect(sync.splitCount).toBeGreaterThan(0);
      expect(flakyTooLarge).toBe(0);
      expect(await countVenueEvents(hubDatabase.db, 'shymkent-04')).toBe(31);
    } finally {
      await sync.stop();
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 30_000);

  it('signs with the hub\'s time when the venue PC\'s clock is hours off, after one refused pass', async () => {
    const venue = openTestVenue();
    const { token } = await services.enrolment.createToken('admin', { venueId: 'aktobe-05' });
    let skewMs = 0;
    const sync = venueSync(venue, { hubUrl, venueId: 'aktobe-05', enrolToken: token, now: () => Date.now() + skewMs });
    try {
      await pushChain(venue, 'pc-aktobe-e01', 10, 7);
      expect((await sync.syncNow()).uplink).toEqual({ ok: true, ackedVenueSeq: 11 });
      skewMs = -3 * 3_600_000;
      await pushChain(venue, 'pc-aktobe-e02', 10, 8);
      const refused = await sync.syncNow();
      expect(refused.uplink.ok).toBe(false);
      expect(refused.uplink.error).toContain('stale-nonce');
      expect((await sync.syncNow()).uplink).toEqual({ ok: true, ackedVenueSeq: 22 });
    } finally {
      await sync.stop();
      venue.close();
      removeDir(venue.dataDir);
    }
  }, 30_000);
});
