import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Health } from '../sync/messages';
import { candidateChain } from '../sync/testkit';
import { CONTENT_SECURITY_POLICY } from './static-site';
import { openTestVenue, postJson, removeDir, type TestVenue } from './test-support';

const opened: TestVenue[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const venue of opened.splice(0)) {
    venue.close();
    removeDir(venue.dataDir);
  }
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function venueWith(options: Parameters<typeof openTestVenue>[0] = {}): TestVenue {
  const venue = openTestVenue(options);
  opened.push(venue);
  return venue;
}

function staticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'exam-venue-static-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Exam</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
  return dir;
}

describe('GET /api/health', () => {
  it('reports role, storage and the uplink backlog', async () => {
    const venue = venueWith();
    await postJson(venue.app, '/api/device/events', { deviceId: 'pc-astana-a07', epoch: 1, events: candidateChain({ answers: 4 }) });
    const response = await venue.app.request('/api/health');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Health.parse(body)).toMatchObject({ role: 'venue', version: 'test', storage: { state: 'ok' } });
    expect(body.uplink).toMatchObject({ pending: 5, ackedVenueSeq: 0, lastSuccessAt: null, lastError: null });
    expect(body.log.size).toBe(5);
  });

  it('reports failed storage with 503 when the database is gone', async () => {
    const venue = venueWith();
    venue.store.close();
    const response = await venue.app.request('/api/health');
    expect(response.status).toBe(503);
    expect((await response.json()).storage.state).toBe('failed');
  });
});

describe('static PWA', () => {
  it('serves files with the security headers, index.html and sw.js uncached, assets immutable', async () => {
    const venue = venueWith({ staticDir: staticDir() });
    const index = await venue.app.request('/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Exam</title>');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(index.headers.get('service-worker-allowed')).toBe('/');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const worker = await venue.app.request('/sw.js');
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    expect(worker.headers.get('content-type')).toContain('javascript');
    const asset = await venue.app.request('/assets/index-abc123.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('falls back to index.html for client routes, but not for /api or missing files', async () => {
    const venue = venueWith({ staticDir: staticDir() });
    const route = await venue.app.request('/proctor/rooms/r-1');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Exam</title>');
    expect(route.headers.get('cache-control')).toBe('no-cache');
    const api = await venue.app.request('/api/unknown');
    expect(api.status).toBe(404);
    expect((await api.json()).code).toBe('not-found');
    expect((await venue.app.request('/assets/missing.js')).status).toBe(404);
  });
});

describe('POST /api/admin/sync-now', () => {
  it('is refused from anywhere but the loopback interface', async () => {
    let calls = 0;
    const sync = { syncNow: async () => { calls++; return { uplink: { ok: true, ackedVenueSeq: 0 }, downlink: { ok: true, cursor: 0 } }; } };
    const venue = venueWith({ sync });
    const request = (address?: string) => venue.app.request('/api/admin/sync-now', { method: 'POST' }, address ? { incoming: { socket: { remoteAddress: address } } } : undefined);
    expect((await request('192.168.1.20')).status).toBe(403);
    expect((await request()).status).toBe(403);
    expect(calls).toBe(0);
    const local = await request('127.0.0.1');
    expect(local.status).toBe(200);
    expect((await local.json()).uplink.ok).toBe(true);
    expect((await request('::ffff:127.0.0.1')).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('says so when the venue has no hub to sync with', async () => {
    const venue = venueWith();
    const response = await venue.app.request('/api/admin/sync-now', { method: 'POST' }, { incoming: { socket: { remoteAddress: '::1' } } });
    expect(response.status).toBe(409);
    expect((await response.json()).code).toBe('no-hub');
  });
});
