/**
 * The venue server process. Flags and environment:
 *   --port / VENUE_PORT (4100), HOST (127.0.0.1), --data / VENUE_DATA_DIR (data/venue-demo),
 *   VENUE_ID (demo), VENUE_NAME, HUB_URL (optional), --enrol-token / VENUE_ENROL_TOKEN
 *   (enrols at the hub on first start), VENUE_STATIC_DIR (dist),
 *   VENUE_SYNC_INTERVAL_MS (5000), VENUE_UPLINK_BATCH (events per uplink batch, 10000),
 *   VENUE_TLS_CERT and VENUE_TLS_KEY (PEM files: serve HTTPS, which service workers and the
 *   camera need on classroom PCs that do not treat the venue's origin as secure), or
 *   VENUE_HTTPS=1 to serve the certificate made by `npm run venue:setup` (data folder, tls/).
 * SIGTERM and SIGINT stop the pump, close the listener and the database cleanly; a crash
 * (SIGKILL, power cut) loses nothing that was acknowledged, as SQLite runs WAL + FULL.
 */
import { serve } from '@hono/node-server';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createVenueApp } from './app';
import { openVenueStore } from './db/store';
import { loadVenueIdentity } from './identity';
import { DeviceIngest } from './services/device-ingest';
import { HubClient } from './uplink/hub-client';
import { VenueSync } from './uplink/venue-sync';
import { venueTlsPaths } from './setup/tls-paths';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: { port: { type: 'string' }, data: { type: 'string' }, 'enrol-token': { type: 'string' } },
  strict: false,
});
const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const env = (name: string): string | undefined => text(process.env[name]);

const port = Number(text(flags.port) ?? env('VENUE_PORT') ?? 4100);
const host = env('HOST') ?? '127.0.0.1';
const dataDir = resolve(text(flags.data) ?? env('VENUE_DATA_DIR') ?? 'data/venue-demo');
const venueId = env('VENUE_ID') ?? 'demo';
const hubUrl = env('HUB_URL') ?? null;
const enrolToken = text(flags['enrol-token']) ?? env('VENUE_ENROL_TOKEN');
const staticDir = resolve(env('VENUE_STATIC_DIR') ?? 'dist');
const intervalMs = Number(env('VENUE_SYNC_INTERVAL_MS') ?? 5000);
const maxBatch = Number(env('VENUE_UPLINK_BATCH') ?? 10_000);
const version = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const store = openVenueStore(dataDir);
const identity = loadVenueIdentity(dataDir, store, { venueId, hubUrl });
const ingest = new DeviceIngest(store);
const configuredHub = store.config.get()?.hubUrl ?? null;
const sync = configuredHub
  ? new VenueSync({
      store, ingest, identity, enrolToken, now: Date.now, intervalMs, maxBatch,
      venueName: env('VENUE_NAME') ?? `Venue ${venueId}`,
      hub: new HubClient({ hubUrl: configuredHub, identity }),
      log: (line) => console.warn(line),
    })
  : undefined;
if (!existsSync(resolve(staticDir, 'index.html'))) console.warn(`no PWA build in ${staticDir}; run \`npm run build\` to serve it`);
const app = createVenueApp({ store, ingest, version, sync, staticDir: existsSync(staticDir) ? staticDir : undefined });

// VENUE_HTTPS=1 serves the certificate `npm run venue:setup` made in the data folder.
const setupTls = env('VENUE_HTTPS') === '1' ? venueTlsPaths(dataDir) : undefined;
const tlsCert = env('VENUE_TLS_CERT') ?? setupTls?.cert;
const tlsKey = env('VENUE_TLS_KEY') ?? setupTls?.key;
if (Boolean(tlsCert) !== Boolean(tlsKey)) throw new Error('Give both VENUE_TLS_CERT and VENUE_TLS_KEY, or neither.');
const tls = tlsCert && tlsKey ? { createServer: createHttpsServer, serverOptions: { cert: readFileSync(tlsCert), key: readFileSync(tlsKey) } } : {};
const server = serve({ fetch: app.fetch, port, hostname: host, ...tls }, (info) => {
  console.log(`venue listening on ${tlsCert ? 'https' : 'http'}://${host}:${info.port}`);
  sync?.start();
});

let isClosing = false;
async function shutdown(signal: string): Promise<void> {
  if (isClosing) return;
  isClosing = true;
  console.log(`venue stopping (${signal})`);
  const forced = setTimeout(() => process.exit(1), 10_000);
  forced.unref();
  await sync?.stop();
  await new Promise<void>((done) => server.close(() => done()));
  store.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
