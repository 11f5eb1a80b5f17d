/** The venue process as tests/support starts it: health, a crash (SIGKILL) and a restart on the same data. */
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { candidateChain } from '../sync/testkit';
import { ROOT, freePort, startVenue, tempDir } from '../tests/support/processes';
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

  it('serves HTTPS when given a certificate and key', async () => {
    const dataDir = tempDir('venue-tls');
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] });
    writeFileSync(join(dataDir, 'cert.pem'), pems.cert);
    writeFileSync(join(dataDir, 'key.pem'), pems.private);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'edge-server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, VENUE_PORT: String(port), VENUE_DATA_DIR: join(dataDir, 'data'), HOST: '127.0.0.1', VENUE_TLS_CERT: join(dataDir, 'cert.pem'), VENUE_TLS_KEY: join(dataDir, 'key.pem') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const health = () => new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(`https://127.0.0.1:${port}/api/health`, { ca: pems.cert }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    try {
      let answer: { status: number; body: string } | undefined;
      for (let attempt = 0; attempt < 300 && !answer && child.exitCode === null; attempt++) {
        answer = await health().catch(() => undefined);
        if (!answer) await new Promise((r) => setTimeout(r, 100));
      }
      expect(answer?.status, output).toBe(200);
      expect(JSON.parse(answer!.body).role).toBe('venue');
      expect(output).toContain(`venue listening on https://127.0.0.1:${port}`);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      removeDir(dataDir);
    }
  }, 120_000);
});
