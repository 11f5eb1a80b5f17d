/**
 * The venue (SQLite) and the hub (PGlite, and PostgreSQL when TEST_DATABASE_URL is set)
 * each keep the event log in their own schema tree. Their rows, read back raw from each
 * database after a real uplink, parse with the same shared row schemas (sync/rows.ts) and
 * hold the same events, in the same venue order, with the same device cursors.
 */
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVenueIdentity } from '../../edge-server/identity';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../../edge-server/test-support';
import { HubClient } from '../../edge-server/uplink/hub-client';
import { VenueSync } from '../../edge-server/uplink/venue-sync';
import { createHubApp, createHubServices } from '../../hub/app';
import type { HubDatabase } from '../../hub/db';
import { testDatabaseTargets } from '../../hub/testing/databases';
import { DeviceHeadRow, eventOfLoggedRow, HubLoggedEventRow, LoggedEventRow } from '../../sync/rows';
import { candidateChain } from '../../sync/testkit';

const VENUE_ID = 'astana-01';
const EVENT_COLUMNS = `venue_seq as "venueSeq", device_id as "deviceId", epoch, seq, type, attempt_id as "attemptId", at,
  received_at as "receivedAt", hash, prev_hash as "prevHash", body`;
const HEAD_COLUMNS = `device_id as "deviceId", epoch, acked_seq as "ackedSeq", acked_hash as "ackedHash"`;

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function hubRows(database: HubDatabase, query: string): Promise<unknown[]> {
  const result = await database.db.execute(sql.raw(query));
  return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
}

async function uplinkedVenue(database: HubDatabase): Promise<TestVenue> {
  const services = createHubServices({ database });
  const app = createHubApp({ database }, services);
  const server = await new Promise<ServerType>((ready) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(started));
  });
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const venue = openTestVenue();
  cleanups.push(() => {
    venue.close();
    removeDir(venue.dataDir);
  });
  for (const [deviceId, answers, seed] of [['pc-astana-a07', 40, 1], ['pc-astana-a08', 25, 2]] as const) {
    const events = candidateChain({ deviceId, epoch: 1_764_057_000_000 + seed, answers, seed, attemptId: `att-${deviceId}` });
    expect((await postJson(venue.app, '/api/device/events', { deviceId, epoch: events[0]!.epoch, events })).status).toBe(200);
  }
  const { token } = await services.enrolment.createToken('admin', { venueId: VENUE_ID });
  const identity = loadVenueIdentity(venue.dataDir, venue.store, { venueId: VENUE_ID, hubUrl });
  const sync = new VenueSync({
    store: venue.store, ingest: venue.ingest, identity, enrolToken: token, venueName: 'Astana venue 1', now: Date.now,
    hub: new HubClient({ hubUrl, identity, timeoutMs: 10_000, now: Date.now }), maxBatch: 1000, intervalMs: 60_000, backoff: { baseMs: 20, maxMs: 100 },
  });
  cleanups.push(() => sync.stop());
  const result = await sync.syncNow();
  expect(result.uplink.ok).toBe(true);
  return venue;
}

describe.each(testDatabaseTargets())('the event log rows of the venue and the hub ($name)', (target) => {
  it('parse with the shared row schemas and hold the same events and cursors', async () => {
    const database = await target.open();
    cleanups.push(() => database.drop());
    const venue = await uplinkedVenue(database);

    const venueRows = venue.store.db.sqlite.prepare(`select ${EVENT_COLUMNS} from venue_log order by venue_seq`).all().map((row) => LoggedEventRow.parse(row));
    const hubEventRows = (await hubRows(database, `select venue_id as "venueId", ${EVENT_COLUMNS} from venue_events where venue_id = '${VENUE_ID}' order by venue_seq`)).map((row) => HubLoggedEventRow.parse(row));
    expect(venueRows.length).toBe(67);
    expect(hubEventRows.map(({ venueId: _venueId, ...row }) => ({ ...row, receivedAt: 0 }))).toEqual(venueRows.map((row) => ({ ...row, receivedAt: 0 })));
    expect(hubEventRows.map(eventOfLoggedRow)).toEqual(venueRows.map(eventOfLoggedRow));

    const venueHeads = venue.store.db.sqlite.prepare(`select ${HEAD_COLUMNS} from device_heads order by device_id`).all().map((row) => DeviceHeadRow.parse(row));
    const hubHeads = (await hubRows(database, `select ${HEAD_COLUMNS} from device_heads order by device_id`)).map((row) => DeviceHeadRow.parse(row));
    // The hub also follows the venue's own chain (its timer events); every PC's cursor agrees.
    for (const head of venueHeads) expect(hubHeads).toContainEqual(head);
    expect(venueHeads.map((head) => head.deviceId)).toEqual(expect.arrayContaining(['pc-astana-a07', 'pc-astana-a08']));
  });
});
