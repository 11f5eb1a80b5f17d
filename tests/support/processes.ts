/**
 * Real hub and venue processes for integration and end-to-end tests.
 * Each runs as `node --import tsx <entry>` on 127.0.0.1 with its own data folder,
 * and is ready once `GET /api/health` answers 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface RunningProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: a crash, not a shutdown. */
  kill(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `exam-${prefix}-`));
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before it was healthy:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not healthy after ${timeoutMs} ms:\n${output()}`);
}

export interface ProcessOptions {
  port?: number;
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
}

async function startProcess(entry: string, portEnv: string, dataEnv: string, prefix: string, options: ProcessOptions): Promise<RunningProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? tempDir(prefix);
  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, [portEnv]: String(port), [dataEnv]: dataDir, HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString(); if (log.length > 200_000) log = log.slice(-100_000); });
  child.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); if (log.length > 200_000) log = log.slice(-100_000); });
  const url = `http://127.0.0.1:${port}`;
  const exited = () => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  const running: RunningProcess = {
    url, port, dataDir, child,
    output: () => log,
    async stop() { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); await exited(); },
    async kill() { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); await exited(); },
  };
  try {
    await waitHealthy(url, child, running.output);
  } catch (error) {
    await running.kill();
    throw error;
  }
  return running;
}

/** Starts `hub/main.ts` (PGlite in `dataDir` unless `env.DATABASE_URL` is given). */
export function startHub(options: ProcessOptions = {}): Promise<RunningProcess> {
  return startProcess('hub/main.ts', 'HUB_PORT', 'HUB_DATA_DIR', 'hub', options);
}

/** Starts `edge-server/main.ts`; pass `env.HUB_URL` to give it an uplink. */
export function startVenue(options: ProcessOptions = {}): Promise<RunningProcess> {
  return startProcess('edge-server/main.ts', 'VENUE_PORT', 'VENUE_DATA_DIR', 'venue', options);
}
