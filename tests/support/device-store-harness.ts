/**
 * Node side of the device-store test page: bundles tests/support/device-store-page.ts
 * with esbuild and serves it on 127.0.0.1 from the same origin as a real venue app
 * (in-process, on a real SQLite file), so the page's outbox pushes to the real
 * `/api/device/*` routes.
 */
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { build } from 'esbuild';
import { createVenueApp } from '../../edge-server/app';
import { openVenueStore } from '../../edge-server/db/store';
import { DeviceIngest } from '../../edge-server/services/device-ingest';
import { ROOT, tempDir } from './processes';

const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>device store test page</title><script type="module" src="/page.js"></script></head><body></body></html>';
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; connect-src 'self'";

export interface DeviceStoreHarness {
  origin: string;
  ingest: DeviceIngest;
  close(): Promise<void>;
}

export async function startDeviceStoreHarness(): Promise<DeviceStoreHarness> {
  const bundled = await build({
    entryPoints: [join(ROOT, 'tests/support/device-store-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]!.text;
  const store = openVenueStore(tempDir('device-store'));
  const ingest = new DeviceIngest(store);
  const venue = createVenueApp({ store, ingest, version: 'e2e' });
  const headers = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-store' };
  const server = serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/') return new Response(PAGE_HTML, { headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
      if (pathname === '/page.js') return new Response(script, { headers: { ...headers, 'content-type': 'text/javascript; charset=utf-8' } });
      return venue.fetch(request);
    },
  });
  await new Promise<void>((ready) => (server.listening ? ready() : server.once('listening', () => ready())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    ingest,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      store.close();
    },
  };
}
