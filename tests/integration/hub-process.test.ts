import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHub, tempDir, type RunningProcess } from '../support/processes';
import { ApiErrorBody, DownlinkPage, Health } from '../../sync/messages';
import { TestVenue } from '../../hub/testing/venue';

describe('hub process', () => {
  let hub: RunningProcess | undefined;
  afterEach(async () => {
    await hub?.stop();
  });

  it('seeds the demo once, and keeps its data across a SIGKILL and restart', async () => {
    const dataDir = tempDir('hub-main');
    hub = await startHub({ dataDir, env: { HUB_DEMO: '1' } });
    expect(hub.output()).toMatch(/hub listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(Health.parse(await (await fetch(`${hub.url}/api/health`)).json()).role).toBe('hub');
    const token = readFileSync(join(dataDir, 'demo-enrol-token'), 'utf8').trim();
    const venue = new TestVenue('demo');
    const enrol = () => fetch(`${hub!.url}/api/venues/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, venueId: 'demo', name: 'Demo', publicKey: venue.publicKey }) });
    expect((await enrol()).status).toBe(201);

    await hub.kill();
    hub = await startHub({ dataDir, env: { HUB_DEMO: '1' } });
    expect(readFileSync(join(dataDir, 'demo-enrol-token'), 'utf8').trim()).toBe(token);
    // The enrolment survived the crash: a second venue key cannot reuse the token.
    const reuse = await fetch(`${hub.url}/api/venues/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, venueId: 'demo', name: 'Demo', publicKey: new TestVenue('demo').publicKey }) });
    expect(ApiErrorBody.parse(await reuse.json()).code).toBe('token-used');
    const page = DownlinkPage.parse(await (await fetch(`${hub.url}/api/venues/demo/downlink?cursor=0`, { headers: venue.queryHeaders() })).json());
    expect(page.entries.filter((entry) => entry.kind === 'key-release')).toHaveLength(2);
    expect(page.entries.filter((entry) => entry.kind === 'session')).toHaveLength(2);
    const login = await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo-admin-pass' }) });
    expect(login.status).toBe(200);
  }, 180_000);
});
