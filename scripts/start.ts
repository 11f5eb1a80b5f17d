/**
 * `npm start`: the whole system on its embedded defaults. A hub (PGlite) on
 * http://127.0.0.1:4000 seeded with the demo, one venue "demo" on
 * http://127.0.0.1:4100 enrolled at it, and the demo credentials printed.
 * Data lives in ./data (git-ignored) and survives a restart. Ctrl-C stops both.
 *
 * Flags / environment: --hub-port HUB_PORT (4000), --venue-port VENUE_PORT (4100),
 * --data DATA_DIR (./data), --host HOST (127.0.0.1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    'hub-port': { type: 'string' },
    'venue-port': { type: 'string' },
    data: { type: 'string' },
    host: { type: 'string' },
  },
});
const host = flags.host ?? process.env.HOST ?? '127.0.0.1';
const hubPort = Number(flags['hub-port'] ?? process.env.HUB_PORT ?? 4000);
const venuePort = Number(flags['venue-port'] ?? process.env.VENUE_PORT ?? 4100);
const dataDir = resolve(flags.data ?? process.env.DATA_DIR ?? join(ROOT, 'data'));
const hubData = join(dataDir, 'hub');
const venueData = join(dataDir, 'venue-demo');
mkdirSync(hubData, { recursive: true });
mkdirSync(venueData, { recursive: true });

const hubUrl = `http://${host}:${hubPort}`;
const venueUrl = `http://${host}:${venuePort}`;
const children: ChildProcess[] = [];

function run(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, HOST: host, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (line: string) => `[${name}] ${line}`;
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk.toString().split('\n').filter(Boolean).map(prefix).join('\n') + '\n'));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk.toString().split('\n').filter(Boolean).map(prefix).join('\n') + '\n'));
  child.on('exit', (code, signal) => {
    if (!isStopping) {
      console.error(`${name} stopped unexpectedly (${signal ?? code}); stopping everything.`);
      void stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitHealthy(url: string, name: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become healthy at ${url}`);
}

let isStopping = false;
async function stopAll(code: number): Promise<never> {
  isStopping = true;
  await Promise.all(children.map((child) => new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  })));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) {
    console.log('Building the PWA (first start only)…');
    await new Promise<void>((done, fail) => {
      const build = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
      build.on('exit', (code) => (code === 0 ? done() : fail(new Error(`build failed (${code})`))));
    });
  }
  run('hub', 'hub/main.ts', { HUB_PORT: String(hubPort), HUB_DATA_DIR: hubData, HUB_DEMO: '1', PUBLIC_HUB_URL: hubUrl });
  await waitHealthy(hubUrl, 'hub');
  const tokenFile = join(hubData, 'demo-enrol-token');
  const token = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '';
  run('venue', 'edge-server/main.ts', {
    VENUE_PORT: String(venuePort), VENUE_DATA_DIR: venueData, VENUE_ID: 'demo', HUB_URL: hubUrl, VENUE_ENROL_TOKEN: token,
  });
  await waitHealthy(venueUrl, 'venue');

  const { buildDemoCredentials, formatCredentials } = await import('../hub/demo/index');
  printCredentials(formatCredentials(buildDemoCredentials()));
}

function printCredentials(sheet: string): void {
  const lines = [
    '',
    'Exam venue system is running (Ctrl-C stops everything).',
    '',
    `  Candidate PCs:   ${venueUrl}/`,
    `  Proctor tablet:  ${venueUrl}/proctor`,
    `  Central staff:   ${hubUrl}/central`,
    `  Data folder:     ${dataDir}`,
    '',
    sheet,
  ];
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
