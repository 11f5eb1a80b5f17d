/**
 * Node side of the face test page: bundles tests/support/face-page.ts with
 * esbuild, serves it with `public/` and the fixture photos from a loopback HTTP
 * server under the same Content-Security-Policy the app needs, and opens it in
 * headless Chromium while recording every request the page makes.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildFaceAssets } from '../../scripts/build-face-model';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES_DIR = resolve(ROOT, '../shared/fixtures/faces');

/** What the proctoring code needs: wasm compilation, a same-origin worker, and no connection anywhere else. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "worker-src 'self' blob:",
].join('; ');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>face test page</title><script type="module" src="/page.js"></script></head><body></body></html>';

export interface FacePageServer {
  origin: string;
  close(): Promise<void>;
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function fileUnder(folder: string, relative: string): string | null {
  const path = normalize(join(folder, relative));
  if (!path.startsWith(folder + '/') || !existsSync(path) || !statSync(path).isFile()) return null;
  return path;
}

/** Serves the test page, /vision/, /models/ and /fixtures/ on 127.0.0.1. */
export async function startFacePageServer(): Promise<FacePageServer> {
  buildFaceAssets();
  const script = await bundle('tests/support/face-page.ts');
  const workerScript = await bundle('client/proctoring/face-worker.ts');
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (url.pathname === '/') return send(200, TYPES['.html']!, PAGE_HTML);
    if (url.pathname === '/page.js') return send(200, TYPES['.js']!, script);
    if (url.pathname === '/face-worker.js') return send(200, TYPES['.js']!, workerScript);
    const mounts: [string, string][] = [['/vision/', join(ROOT, 'public/vision')], ['/models/', join(ROOT, 'public/models')], ['/fixtures/', FIXTURES_DIR]];
    for (const [prefix, folder] of mounts) {
      if (!url.pathname.startsWith(prefix)) continue;
      const path = fileUnder(folder, decodeURIComponent(url.pathname.slice(prefix.length)));
      if (path) return send(200, TYPES[extname(path)] ?? 'application/octet-stream', readFileSync(path));
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export interface FacePage {
  browser: Browser;
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Opens the test page; `cameraFile` (a .y4m) becomes the fake camera; `args` are more Chromium flags. */
export async function openFacePage(origin: string, options: { cameraFile?: string; args?: string[] } = {}): Promise<FacePage> {
  const args = [...CHROMIUM_ARGS, ...(options.args ?? [])];
  if (options.cameraFile) {
    args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${options.cameraFile}`);
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  const context = await browser.newContext();
  if (options.cameraFile) await context.grantPermissions(['camera'], { origin });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'faceHarness' in window, undefined, { timeout: 30_000 }).catch((error: unknown) => {
    throw new Error(`face test page did not start: ${errors.join('; ') || String(error)}`);
  });
  return { browser, page, requests, close: () => browser.close() };
}

export interface FixturePhoto {
  file: string;
  /** Faces a working detector should find. */
  expected: number;
  /** Only the full-range model is expected to find them (a person further back). */
  isFarAway?: boolean;
}

/** The fixture photos and their face counts, as listed in the fixtures' SOURCES.md. */
export const FIXTURE_PHOTOS: FixturePhoto[] = [
  { file: 'astronaut.png', expected: 1 },
  { file: 'portrait_227943776_1.jpg', expected: 1 },
  { file: 'portrait_230501201_1.jpg', expected: 1 },
  { file: 'messi5.jpg', expected: 1, isFarAway: true },
  { file: 'example_3faces.jpg', expected: 3 },
  { file: 'facereg_4faces.jpg', expected: 4 },
  { file: 'collage_3faces.png', expected: 3 },
  { file: 'blank.png', expected: 0 },
  { file: 'chelsea_cat.png', expected: 0 },
  { file: 'coffee.png', expected: 0 },
];

export interface AccuracyRow {
  photo: string;
  expected: number;
  short: number;
  full: number;
}

/** Runs both models on every fixture photo at its own size. */
export async function measureAccuracy(page: Page): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  for (const photo of FIXTURE_PHOTOS) {
    const url = `/fixtures/${photo.file}`;
    const short = await page.evaluate((u) => window.faceHarness.countFaces('short', u), url);
    const full = await page.evaluate((u) => window.faceHarness.countFaces('full', u), url);
    rows.push({ photo: photo.file, expected: photo.expected, short: short.count, full: full.count });
  }
  return rows;
}

/** Chromium flags for a PC with a second screen to the right of the first (headless Chromium's `--screen-info`). */
export const TWO_SCREENS_ARGS = ['--screen-info={0,0 1366x768}{1366,0 1366x768}'];

/** Requests that left the page's origin. */
export function offOriginRequests(requests: string[], origin: string): string[] {
  return requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
}

/** Where a page or worker tried to connect, and what stopped it. */
export interface RefusedConnection {
  /** The fetch failed. */
  isRefused: boolean;
  /** The CSP directive the browser reported as violated, if it reported one. */
  violatedDirective: string | null;
}

/**
 * Makes the page (or one of its workers) fetch from another origin, as a
 * library's telemetry would. The address is a closed port on this machine, so
 * nothing leaves it even if the CSP let the request through; a CSP that works
 * refuses it before any request exists (the request log must stay clean).
 */
export function tryOffOriginFetch(target: { evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> }): Promise<RefusedConnection> {
  return target.evaluate(async (url: string) => {
    let violatedDirective: string | null = null;
    const onViolation = (event: Event) => (violatedDirective = (event as SecurityPolicyViolationEvent).effectiveDirective);
    globalThis.addEventListener('securitypolicyviolation', onViolation);
    let isRefused = false;
    try {
      await fetch(url, { method: 'POST', body: 'usage log' });
    } catch {
      isRefused = true;
    }
    await new Promise((done) => setTimeout(done, 100));
    globalThis.removeEventListener('securitypolicyviolation', onViolation);
    return { isRefused, violatedDirective };
  }, 'http://127.0.0.1:9/telemetry');
}
