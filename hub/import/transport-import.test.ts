import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateChain } from '../../sync/testkit';
import { exportVenueLog } from '../../edge-server/export/venue-export';
import { newTransportKeyPair } from '../../edge-server/export/transport-file';
import { loadVenueIdentity, type VenueIdentity } from '../../edge-server/identity';
import { openTestVenue, removeDir, type TestVenue } from '../../edge-server/test-support';
import { createHubServices, type HubServices } from '../app';
import { listAlarms, storedVenueHashes, type HubDatabase } from '../db';
import { errorResponse } from '../errors';
import { testDatabaseTargets } from '../testing/databases';
import { importRoutes } from './routes';
import { HubTransportKey } from './transport-key';

const VENUE_ID = 'venue-transport-unit';

describe.each(testDatabaseTargets())('venue transport file import on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };
  let services: HubServices;
  let app: Hono;
  let keyDir: string;
  let venue: TestVenue;
  let identity: VenueIdentity;
  let adminCookie: string;
  let reviewerCookie: string;
  let hubPublicKey: string;

  beforeAll(async () => {
    database = await target.open();
    services = createHubServices({ database });
    keyDir = mkdtempSync(join(tmpdir(), 'exam-hub-transport-'));
    const transportKey = new HubTransportKey(join(keyDir, 'transport-x25519.pem'));
    app = new Hono().route('/api', importRoutes(services, transportKey));
    app.onError(errorResponse);
    await services.staff.createAccount({ username: 'boss', password: 'correct horse', role: 'admin' });
    await services.staff.createAccount({ username: 'reader', password: 'reader pass', role: 'reviewer' });
    adminCookie = `hub_session=${(await services.staff.login('boss', 'correct horse', 'test')).token}`;
    reviewerCookie = `hub_session=${(await services.staff.login('reader', 'reader pass', 'test')).token}`;
    venue = openTestVenue();
    identity = loadVenueIdentity(venue.dataDir, venue.store, { venueId: VENUE_ID, hubUrl: null });
    const { token } = await services.enrolment.createToken('boss', { venueId: VENUE_ID });
    await services.enrolment.enrol({ token, venueId: VENUE_ID, name: 'Transport venue', publicKey: identity.publicKey });
    const published = (await (await app.request('/api/hub/transport-key')).json()) as { publicKey: string; keyId: string };
    hubPublicKey = published.publicKey;
    for (const [n, deviceId] of ['pc-a01', 'pc-a02'].entries()) {
      venue.ingest.push({ deviceId, epoch: 1, events: candidateChain({ deviceId, attemptId: `att-${n}`, answers: 120, seed: n + 1 }) });
    }
  }, 120_000);

  afterAll(async () => {
    venue?.close();
    if (venue) removeDir(venue.dataDir);
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    await database?.drop();
  });

  const upload = (file: Uint8Array, cookie = adminCookie) =>
    app.request('/api/import/venue-file', { method: 'POST', headers: { 'content-type': 'application/octet-stream', cookie }, body: new Uint8Array(file) });
  const heldCount = async () => (await storedVenueHashes(database.db, VENUE_ID, 1, 1_000_000)).size;

  it('imports the whole log: the hub root equals the venue signed head; a re-import changes nothing', async () => {
    const exported = exportVenueLog({ store: venue.store, identity, hubPublicKey, eventsPerChunk: 100 });
    expect(exported.head.size).toBe(242);
    expect(exported.chunks).toBe(3);

    const first = await upload(exported.file);
    expect(first.status).toBe(200);
    const outcome = (await first.json()) as Record<string, unknown>;
    expect(outcome).toMatchObject({ venueId: VENUE_ID, fileEvents: 242, importedEvents: 242, alreadyHeldEvents: 0, ackedVenueSeq: 242, root: exported.head.root, isHeadMatched: true });
    expect(await heldCount()).toBe(242);

    const again = await upload(exported.file);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ importedEvents: 0, alreadyHeldEvents: 242, ackedVenueSeq: 242, root: exported.head.root });
    expect(await heldCount()).toBe(242);
  });

  it('imports only what is new when the venue exports again after more pushes', async () => {
    venue.ingest.push({ deviceId: 'pc-a03', epoch: 1, events: candidateChain({ deviceId: 'pc-a03', attemptId: 'att-3', answers: 29, seed: 9 }) });
    const exported = exportVenueLog({ store: venue.store, identity, hubPublicKey, eventsPerChunk: 100 });
    const response = await upload(exported.file);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ importedEvents: 30, alreadyHeldEvents: 242, ackedVenueSeq: 272, root: exported.head.root, isHeadMatched: true });
  });

  it('refuses a file with any byte changed, before it changes anything, and raises an alarm', async () => {
    const exported = exportVenueLog({ store: venue.store, identity, hubPublicKey });
    const before = await heldCount();
    for (const offset of [20, Math.floor(exported.file.length / 2), exported.file.length - 1]) {
      const tampered = new Uint8Array(exported.file);
      tampered[offset] = tampered[offset]! ^ 0x01;
      const response = await upload(tampered);
      expect([400, 401]).toContain(response.status);
      expect(((await response.json()) as { code: string }).code).toMatch(/bad-signature|malformed/);
    }
    expect(await heldCount()).toBe(before);
    const alarms = await listAlarms(database.db, VENUE_ID);
    expect(alarms.some((alarm) => alarm.kind === 'forged-batch')).toBe(true);
  });

  it('refuses a file sealed to another hub key, and a file that is not a transport file', async () => {
    const other = newTransportKeyPair();
    const exported = exportVenueLog({ store: venue.store, identity, hubPublicKey: other.publicKey });
    const response = await upload(exported.file);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/another hub transport key/);
    const junk = await upload(new TextEncoder().encode('pc-name,room,seat\n'.repeat(10)));
    expect(junk.status).toBe(400);
  });

  it('lets only a signed-in admin import', async () => {
    const exported = exportVenueLog({ store: venue.store, identity, hubPublicKey });
    expect((await upload(exported.file, '')).status).toBe(401);
    expect((await upload(exported.file, reviewerCookie)).status).toBe(403);
  });
});
