/**
 * Starts the hub: `node --import tsx hub/main.ts [--port N] [--data DIR] [--demo]`.
 * Env: HUB_PORT (4000), HOST (127.0.0.1), HUB_DATA_DIR (data/hub; PGlite lives there),
 * DATABASE_URL (postgres://… to use a PostgreSQL server instead), HUB_DEMO=1.
 * SIGTERM and SIGINT close the server, then the database.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createHubApp, createHubServices } from './app';
import { openHubDatabase } from './db';
import { seedDemoIfEmpty } from './seed-demo';

const { values: flags } = parseArgs({
  options: { port: { type: 'string' }, data: { type: 'string' }, demo: { type: 'boolean' } },
  strict: true,
});

const port = Number(flags.port ?? process.env.HUB_PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(flags.data ?? process.env.HUB_DATA_DIR ?? 'data/hub');
const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
const isDemo = flags.demo === true || process.env.HUB_DEMO === '1';
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const database = await openHubDatabase(databaseUrl ? { databaseUrl } : { dataDir });
const services = createHubServices({ database, version });
if (isDemo && (await seedDemoIfEmpty(services, dataDir))) console.log(`hub: demo seeded; enrolment token in ${resolve(dataDir, 'demo-enrol-token')}`);
// The central staff's area of the PWA, when it has been built.
const pwaRoot = fileURLToPath(new URL('../dist', import.meta.url));
const app = createHubApp({ database, version, ...(existsSync(resolve(pwaRoot, 'index.html')) ? { pwaRoot } : {}) }, services);

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`hub listening on http://${host}:${info.port} (${database.kind}${databaseUrl ? '' : ` in ${dataDir}`})`);
});

let isClosing = false;
async function shutdown(signal: string): Promise<void> {
  if (isClosing) return;
  isClosing = true;
  console.log(`hub: ${signal}, closing`);
  // Idle keep-alive sockets close at once; a request still running gets five seconds.
  const force = setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 5_000);
  await new Promise<void>((done) => server.close(() => done()));
  clearTimeout(force);
  await database.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
