/**
 * The venue technician's answer to "the hub is down for days", on real processes: the
 * venue is set up with the one command while the hub is reachable, then the hub goes
 * away for the whole exam session. The venue keeps taking every push; its log goes to
 * the hub on a hand-carried, encrypted and signed transport file; the hub's root after
 * the import equals the venue's head; a changed byte is refused and changes nothing; and
 * when the network finally returns, the uplink finds nothing left to send.
 * The venue's HTTPS, with the certificate set-up made, is checked against the venue CA.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createHubServices } from '../../hub/app';
import { listAlarms, readVenueHead, storedVenueHashes, openHubDatabase } from '../../hub/db';
import { createEventGenerator, pushAll, venueHealth, waitFor } from '../support/event-generator';
import { freePort, ROOT, startHub, startVenue, tempDir, type RunningProcess } from '../support/processes';

const run = promisify(execFile);
const VENUE_ID = 'venue-transport-01';
const DEVICES = 24;
const EVENTS_PER_DEVICE = 120;
const TOTAL = DEVICES * EVENTS_PER_DEVICE;

const running: RunningProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const process of running.reverse()) await process.stop().catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function cli(script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: 120_000, env: { ...process.env, ...env } });
  return stdout;
}

/** `GET https://127.0.0.1:port/api/health`, trusting only the venue CA. */
function httpsHealth(port: number, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/health', ca, timeout: 10_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('venue transport: hub down for the whole session', () => {
  it('sets up, works offline, carries its log to the hub by file, and the network then finds nothing to send', async () => {
    // The hub's own services make the enrolment token and the admin account.
    const hubDir = tempDir('hub-transport');
    const venueDir = tempDir('venue-transport');
    dirs.push(hubDir, venueDir);
    const prepared = await openHubDatabase({ dataDir: hubDir });
    const services = createHubServices({ database: prepared });
    const { token } = await services.enrolment.createToken('venue-technician', { venueId: VENUE_ID });
    await services.staff.createAccount({ username: 'central-admin', password: 'import pass 2026', role: 'admin' });
    await prepared.close();

    // Set-up day: the hub is reachable.
    let hub = await startHub({ dataDir: hubDir });
    running.push(hub);
    const seats = join(venueDir, '..', `seats-${VENUE_ID}.csv`);
    writeFileSync(seats, 'pc-name,room,seat\nPC-101-01,101,A1\nPC-101-02,101,A2\n');
    dirs.push(seats);
    const setupOutput = await cli('edge-server/setup/cli.ts', ['--hub', hub.url, '--token', token, '--venue-id', VENUE_ID, '--lan-host', '127.0.0.1', '--seats', seats, '--data', venueDir]);
    expect(setupOutput).toContain(`enrolled venue ${VENUE_ID}`);
    expect(setupOutput).toContain('2 classroom PCs registered');
    const hubUrl = hub.url;
    await hub.stop();

    // Exam day: no hub at all. The venue takes every push.
    let venue = await startVenue({ dataDir: venueDir, env: { VENUE_ID, HUB_URL: hubUrl, VENUE_SYNC_INTERVAL_MS: '300' } });
    running.push(venue);
    const generator = createEventGenerator({ seed: 51, devices: DEVICES, eventsPerDevice: EVENTS_PER_DEVICE });
    const pushed = await pushAll(generator, { venueUrl: venue.url, concurrency: 6, batchSize: 40, timeoutMs: 120_000 });
    expect(pushed.acked).toBe(TOTAL);
    const offline = await venueHealth(venue.url);
    expect(offline.log.size).toBe(TOTAL);
    expect(offline.uplink.ackedVenueSeq).toBe(0);
    expect(offline.uplink.lastError).toMatch(/unreachable/);

    // The technician exports while the venue runs, then the venue is shut down for the day.
    const file = join(venueDir, '..', `${VENUE_ID}.venuelog`);
    dirs.push(file);
    const exportOutput = await cli('edge-server/export/cli.ts', ['--out', file, '--data', venueDir]);
    expect(exportOutput).toContain(`${TOTAL} events`);
    expect(exportOutput).toContain(offline.log.root);
    await venue.stop();

    // At the hub: a changed byte is refused; the real file imports; its root is the venue's head.
    hub = await startHub({ dataDir: hubDir });
    running.push(hub);
    const login = await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'central-admin', password: 'import pass 2026' }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const upload = (bytes: Uint8Array) => fetch(`${hub.url}/api/import/venue-file`, { method: 'POST', headers: { cookie, 'content-type': 'application/octet-stream' }, body: bytes as unknown as BodyInit });
    const bytes = new Uint8Array(readFileSync(file));
    const tampered = new Uint8Array(bytes);
    tampered[Math.floor(bytes.length * 0.6)]! ^= 0x20;
    const refused = await upload(tampered);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'bad-signature' });

    const imported = await upload(bytes);
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ venueId: VENUE_ID, importedEvents: TOTAL, ackedVenueSeq: TOTAL, root: offline.log.root, isHeadMatched: true });
    // A second import (here by the admin's command) changes nothing.
    const again = await cli('hub/import/cli.ts', [file, '--hub', hub.url, '--user', 'central-admin'], { HUB_ADMIN_PASSWORD: 'import pass 2026' });
    expect(again).toContain(`0 events imported, ${TOTAL} already held`);
    expect(again).toContain(`holds ${TOTAL} events, root ${offline.log.root}`);

    // The network returns: the uplink finds the hub holding everything and sends nothing new.
    venue = await startVenue({ dataDir: venueDir, port: venue.port, env: { VENUE_ID, HUB_URL: hub.url, VENUE_SYNC_INTERVAL_MS: '300' } });
    running.push(venue);
    await waitFor('the venue sees the hub holding its whole log', async () => {
      const health = await venueHealth(venue.url);
      return health.uplink.ackedVenueSeq === TOTAL && health.uplink.lastError === null;
    }, 30_000);
    expect((await venueHealth(venue.url)).uplink.isHeadMatched).toBe(true);
    await venue.stop();
    await hub.stop();

    const after = await openHubDatabase({ dataDir: hubDir });
    try {
      expect((await storedVenueHashes(after.db, VENUE_ID, 1, 10 * TOTAL)).size).toBe(TOTAL);
      expect(await readVenueHead(after.db, VENUE_ID)).toMatchObject({ ackedVenueSeq: TOTAL, root: offline.log.root, isHeadMatched: true });
      const alarms = (await listAlarms(after.db, VENUE_ID)).map((alarm) => alarm.kind);
      expect(alarms).toEqual(['forged-batch']);
    } finally {
      await after.close();
    }
  }, 240_000);

  it('serves HTTPS with the certificate set-up made, trusted through the venue CA alone', async () => {
    const venueDir = tempDir('venue-https');
    dirs.push(venueDir);
    const setupOutput = await cli('edge-server/setup/cli.ts', ['--hub', `http://127.0.0.1:${await freePort()}`, '--venue-id', 'venue-https-01', '--lan-host', '127.0.0.1', '--data', venueDir]).catch((error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`);
    // Without a reachable hub, a first set-up refuses: it cannot enrol or fetch the transport key.
    expect(setupOutput).toMatch(/set-up failed/);

    const hubDir = tempDir('hub-https');
    dirs.push(hubDir);
    const database = await openHubDatabase({ dataDir: hubDir });
    const { token } = await createHubServices({ database }).enrolment.createToken('venue-technician', { venueId: 'venue-https-01' });
    await database.close();
    const hub = await startHub({ dataDir: hubDir });
    running.push(hub);
    await cli('edge-server/setup/cli.ts', ['--hub', hub.url, '--token', token, '--venue-id', 'venue-https-01', '--lan-host', '127.0.0.1', '--data', venueDir]);
    await hub.stop();

    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'edge-server/main.ts'], {
      cwd: ROOT, stdio: 'ignore', env: { ...process.env, VENUE_PORT: String(port), VENUE_DATA_DIR: venueDir, VENUE_ID: 'venue-https-01', HOST: '127.0.0.1', VENUE_HTTPS: '1' },
    });
    try {
      const ca = readFileSync(join(venueDir, 'tls', 'venue-ca.crt'));
      await waitFor('the venue answers over HTTPS', async () => (await httpsHealth(port, ca)) === 200, 60_000);
      // Without the venue CA, the certificate is not trusted.
      await expect(httpsHealth(port, Buffer.from(''))).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }, 180_000);
});
