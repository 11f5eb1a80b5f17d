import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp, createHubServices, type HubServices } from '../../hub/app';
import { openHubDatabase, type HubDatabase } from '../../hub/db';
import { SetupPcRepository } from '../db/setup-pcs-repo';
import { openVenueStore } from '../db/store';
import { freePort } from '../../tests/support/processes';
import { removeDir } from '../test-support';
import { HUB_TRANSPORT_KEY_FILE } from './hub-transport-key';
import { runVenueSetup, SetupError } from './venue-setup';

const VENUE_ID = 'venue-setup-unit';
const SEATS = 'pc-name,room,seat\nPC-101-01,101,A1\nPC-101-02,101,A2\nPC-102-01,102,A1\n';
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `exam-${prefix}-`));
  dirs.push(dir);
  return dir;
};

describe('venue set-up against a running hub', () => {
  let database: HubDatabase;
  let services: HubServices;
  let server: ServerType;
  let hubUrl: string;
  let token: string;
  const dataDir = tempDir('venue-setup');

  beforeAll(async () => {
    process.env.HUB_TRANSPORT_KEY_FILE = join(tempDir('hub-key'), 'transport-x25519.pem');
    database = await openHubDatabase();
    services = createHubServices({ database });
    const app = createHubApp({ database }, services);
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = (await services.enrolment.createToken('boss', { venueId: VENUE_ID })).token;
  }, 120_000);

  afterAll(async () => {
    delete process.env.HUB_TRANSPORT_KEY_FILE;
    await new Promise((r) => server?.close(r));
    await database?.close();
    dirs.forEach(removeDir);
  });

  const setup = (overrides: Partial<Parameters<typeof runVenueSetup>[0]> = {}) =>
    runVenueSetup({ dataDir, hubUrl, venueId: VENUE_ID, token, lanHost: '192.168.50.2', seatsCsv: SEATS, ...overrides });
  const registered = () => {
    const store = openVenueStore(dataDir);
    try {
      return new SetupPcRepository(store.db).list();
    } finally {
      store.close();
    }
  };

  it('refuses a bad seat plan line by line before it touches anything', async () => {
    const failure = await setup({ seatsCsv: 'PC-1,101,A1\nPC-2,101\nPC-3,101,A1\n' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SetupError);
    expect((failure as SetupError).csvErrors.map((error) => error.line)).toEqual([2, 3]);
    expect((failure as Error).message).toContain('line 2: expected 3 fields');
    expect(existsSync(join(dataDir, 'venue.sqlite'))).toBe(false);
  });

  it('enrols, fetches the transport key, makes the certificates and registers the PCs', async () => {
    const outcome = await setup();
    expect(outcome.isNewlyEnrolled).toBe(true);
    expect(await services.uplink.cursor(VENUE_ID)).toMatchObject({ ackedVenueSeq: 0 });
    const published = (await (await fetch(`${hubUrl}/api/hub/transport-key`)).json()) as { keyId: string };
    expect(JSON.parse(readFileSync(join(dataDir, HUB_TRANSPORT_KEY_FILE), 'utf8'))).toMatchObject({ keyId: published.keyId });
    expect(outcome.tls.isCaCreated).toBe(true);
    expect(outcome.pcs).toEqual({ registered: 3, added: 3, moved: 0, removed: 0 });
    expect(registered()).toEqual([
      { pcName: 'PC-101-01', room: '101', seat: 'A1' },
      { pcName: 'PC-101-02', room: '101', seat: 'A2' },
      { pcName: 'PC-102-01', room: '102', seat: 'A1' },
    ]);
  });

  it('changes nothing when run again with the same inputs (the token is spent by now)', async () => {
    const before = readFileSync(join(dataDir, 'tls', 'venue-server.crt'), 'utf8');
    const outcome = await setup();
    expect(outcome.isNewlyEnrolled).toBe(false);
    expect(outcome.tls).toMatchObject({ isCaCreated: false, isServerCertIssued: false });
    expect(outcome.pcs).toEqual({ registered: 3, added: 0, moved: 0, removed: 0 });
    expect(readFileSync(join(dataDir, 'tls', 'venue-server.crt'), 'utf8')).toBe(before);
  });

  it('updates seats and certificates while the hub is down, keeping the stored transport key', async () => {
    const downHub = `http://127.0.0.1:${await freePort()}`;
    const outcome = await setup({ hubUrl: downHub, token: undefined, seatsCsv: 'PC-101-01,101,A2\nPC-101-02,101,A1\n' });
    expect(outcome.pcs).toEqual({ registered: 2, added: 0, moved: 2, removed: 1 });
    expect(registered().map((pc) => `${pc.pcName}@${pc.seat}`)).toEqual(['PC-101-02@A1', 'PC-101-01@A2']);
  });

  it('asks for a token when the hub does not know the venue', async () => {
    const failure = await runVenueSetup({ dataDir: tempDir('venue-setup-new'), hubUrl, venueId: 'venue-without-token', lanHost: 'venue.lan' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SetupError);
    expect((failure as SetupError).reason).toBe('not-enrolled');
  });
});
