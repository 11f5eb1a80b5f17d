/** The venue process as tests/support starts it: health, a crash (SIGKILL) and a restart on the same data. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateChain } from '../sync/testkit';
import { startVenue } from '../tests/support/processes';
import { PRIVATE_KEY_FILE } from './identity';
import { removeDir } from './test-support';

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('edge-server/main.ts', () => {
  it('keeps every acknowledged event through SIGKILL and restart, and stops cleanly on SIGTERM', async () => {
    const chain = candidateChain({ answers: 30 });
    const first = await startVenue();
    try {
      expect(first.output()).toContain(`venue listening on http://127.0.0.1:${first.port}`);
      expect(statSync(join(first.dataDir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
      const response = await post(`${first.url}/api/device/events`, { deviceId: 'pc-astana-a07', epoch: 1, events: chain.slice(0, 20) });
      expect((await response.json()).receipt.ackedSeq).toBe(20);
      const { log } = await (await fetch(`${first.url}/api/health`)).json();
      await first.kill();

      const second = await startVenue({ dataDir: first.dataDir, port: first.port });
      try {
        const cursor = await (await fetch(`${second.url}/api/device/cursor?deviceId=pc-astana-a07&epoch=1`)).json();
        expect(cursor).toEqual({ deviceId: 'pc-astana-a07', epoch: 1, ackedSeq: 20, ackedHash: chain[19]!.hash });
        expect((await (await fetch(`${second.url}/api/health`)).json()).log).toEqual(log);
        const rest = await post(`${second.url}/api/device/events`, { deviceId: 'pc-astana-a07', epoch: 1, events: chain.slice(20) });
        expect((await rest.json()).receipt.ackedSeq).toBe(31);
      } finally {
        await second.stop();
      }
      expect(second.child.exitCode).toBe(0);
      expect(second.output()).toContain('venue stopping (SIGTERM)');
    } finally {
      await first.kill();
      removeDir(first.dataDir);
    }
  }, 120_000);
});
