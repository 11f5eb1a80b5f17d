/**
 * The candidate's PC, in headless Chromium against a real demo hub and venue (loopback):
 * - saveDurable: from the click on an option (the click event's own timestamp) until the
 *   transaction holding its event fires `complete` with strict durability, in the device
 *   writer's worker that appends the candidate's events (or in the page, where it appends);
 *   click and commit are taken on the shared `performance.timeOrigin` clock;
 * - saveAck: from the same click until the venue's receipt covering that event arrives
 *   (to the worker's own push, or to the page's outbox, whichever came first);
 * - saveShown: from the same click until the item's save mark leaves "saving" in the page's
 *   DOM: when the page itself hears of the commit (Chromium delivers it after the frame
 *   that follows the input);
 * - rawStrictCommit: a bare IndexedDB read-write transaction with `durability: 'strict'`
 *   putting one small record, in the same page and profile: the floor of the commit;
 * - clickRawCommit: a bare button in the same page whose click handler commits one such
 *   record, click timestamp to `complete`: the floor of a click-to-commit in this browser
 *   (Chromium delivers a transaction's completion later after input than when idle), and
 *   the same on a blank page of another origin (blankPageClickCommit), with no app at all;
 * - blankPageWorkerClickCommit: the floor of the app's own way of saving, with no app: a bare
 *   button on a blank page posting to a dedicated worker that commits one answer-shaped
 *   record (head read, indexed row, head put) with strict durability;
 * - offlineStart: the browser restarted with the network off, the exam screen opened
 *   from the service worker's cache with the attempt's key kept on the PC, until its first
 *   item's options are in the page (`performance.now()` from the navigation's start);
 * - candidateJsKbGz: gzip (level 9) of the JavaScript the page and its workers fetch from
 *   the sign-in page to the exam screen (not the service worker's precache downloads);
 *   the face monitor's lazily loaded bundle, worker, wasm and models are `visionKb`.
 * The demo exam requires the camera: a fake camera shows one face, the identity photo is
 * taken on the wait page, and the face monitor runs while the options are clicked.
 * Timing is taken by probes in the page and in the device writer's worker
 * (tests/bench/candidate/probe.ts); the app has no timing hooks. Run: `npm run bench -- candidate` (builds dist/ first if it is missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { CITIZENSHIP_SESSION_ID } from '../../hub/demo/index';
import { CHROMIUM_ARGS, CHROMIUM_PATH, waitForServiceWorker } from '../support/browser';
import { ROOT } from '../support/processes';
import { CandidatePage } from '../e2e/pages/candidate-page';
import { demoCandidates, demoProctorFor, ProctorTablet, startDemoVenue, type DemoVenue } from '../e2e/pages/demo-venue';
import { FIXTURES_DIR } from '../support/face-harness';
import { writeFilmAsY4m } from '../support/y4m';
import { candidateProbeScript, type AppendSample, type ProbeState } from './candidate/probe';

const WARM_UP_CLICKS = 20;
const MEASURED_CLICKS = 300;
const RAW_WARM_UP = 20;
const RAW_COMMITS = 300;
const ACK_TIMEOUT_MS = 5000;
const IDLE_BETWEEN_CLICKS_MS = 30;
const DIST = join(ROOT, 'dist');
/** The face monitor's own code, wasm and models: loaded lazily, counted apart. */
const VISION_PATH = /^\/(vision|models)\/|\/(vision_bundle|face-worker)-[^/]*\.js$/;
/** What the face monitor's worker loads, if the run saw none of it: the ES-module wasm build and both models. */
const VISION_FILES = ['vision/vision_wasm_module_internal.js', 'vision/vision_wasm_module_internal.wasm', 'models/face_short.tflite', 'models/face_full.tflite'];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[index] ?? Number.NaN);
}

const round = (value: number) => Math.round(value * 100) / 100;
const gzipKb = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length / 1024;

/** A classroom PC with a camera that shows one face (the demo exam requires the camera and runs the face monitor). */
function launch(userDataDir: string, cameraFile: string, offline: boolean): Promise<BrowserContext> {
  const camera = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${cameraFile}`];
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...camera], viewport: { width: 1366, height: 768 }, locale: 'kk-KZ', offline,
  });
}

async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

interface ScriptLoad {
  path: string;
  phase: 'before-start' | 'exam';
  kbGz: number;
}

/** Records the code and models the page and its workers request from their origin, gzip-sized from the bytes received. */
function recordScripts(context: BrowserContext, origin: string, phase: () => ScriptLoad['phase']): { loads: ScriptLoad[]; settled: () => Promise<void> } {
  const loads: ScriptLoad[] = [];
  const seen = new Set<string>();
  const pending: Promise<void>[] = [];
  context.on('response', (response) => {
    // The service worker's own precache downloads are not what the page loads.
    if (response.request().serviceWorker()) return;
    const url = new URL(response.url());
    if (url.origin !== origin || !/\.(m?js|wasm|tflite)$/.test(url.pathname) || seen.has(url.pathname)) return;
    seen.add(url.pathname);
    const at = phase();
    pending.push(response.body().then(
      (body) => { loads.push({ path: url.pathname, phase: at, kbGz: gzipKb(body) }); },
      () => {
        const file = join(DIST, url.pathname);
        if (existsSync(file)) loads.push({ path: url.pathname, phase: at, kbGz: gzipKb(readFileSync(file)) });
      },
    ));
  });
  return { loads, settled: async () => { await Promise.all(pending); } };
}

/** Signs the first demo candidate in, has the proctor authorise, and opens the exam screen. */
async function reachExam(world: DemoVenue, page: Page): Promise<void> {
  const candidate = demoCandidates()[0];
  if (!candidate) throw new Error('the demo has no candidate');
  const screen = new CandidatePage(page, world.venue.url);
  await screen.open('/');
  await waitForServiceWorker(page);
  const refused = await screen.signIn(candidate.iin, candidate.accessCode);
  if (refused) throw new Error(`sign-in refused: ${refused}`);
  await screen.confirmRulesAndCheck();
  await page.locator('[data-testid="identity-photo"][data-state="taken"]').waitFor({ timeout: 45_000 }).catch(async (error: unknown) => {
    const photo = page.getByTestId('identity-photo');
    throw new Error(`no identity photo: state=${await photo.getAttribute('data-state')} camera=${await photo.getAttribute('data-camera')} text=${await photo.innerText()}`, { cause: error });
  });
  const tablet = new ProctorTablet(world.venue.url);
  const proctor = demoProctorFor(candidate.roomId);
  await tablet.signIn(proctor.username, proctor.pin);
  await tablet.authorise(CITIZENSHIP_SESSION_ID, candidate.candidateId);
}

/** Moves to the first item with at least two single-choice options; returns their centres. */
async function singleChoiceOptions(page: Page): Promise<Array<{ x: number; y: number }>> {
  for (let step = 0; step < 60; step++) {
    const centres = await page.$$eval('[data-testid="item-view"] [data-option] input[type="radio"]', (inputs) => inputs.map((input) => {
      const box = input.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }));
    if (centres.length >= 2) return centres;
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(50);
  }
  throw new Error('no single-choice item found');
}

interface SaveFigures {
  durable: number[];
  ack: number[];
  /** Click to the save mark leaving "saving" in the DOM (what the candidate sees, a frame later at most). */
  shown: number[];
  /** Click timestamp to the page's first click listener: the browser delivering the input. */
  clickDelivery: number[];
  /** Click to the page posting the append to the worker, and from there to the worker's transaction. */
  clickToPost: number[];
  postToTransaction: number[];
  transaction: number[];
  beforeTransaction: number[];
  durabilities: string[];
  missed: number;
}

/** What the page and the device writer's worker recorded (both on the shared clock). */
type Recorded = Pick<ProbeState, 'clicks' | 'clicksHandled' | 'posted' | 'shown' | 'appends' | 'receipts'>;

/** Pairs each measured click with the append it caused (in the writer's worker, or in the page), the receipt that covered it and the mark shown. */
function pairSaves(recorded: Recorded, from: number): SaveFigures {
  const figures: SaveFigures = { durable: [], ack: [], shown: [], clickDelivery: [], clickToPost: [], postToTransaction: [], transaction: [], beforeTransaction: [], durabilities: [], missed: 0 };
  for (let i = from; i < recorded.clicks.length; i++) {
    const clickAt = recorded.clicks[i]!;
    const nextClickAt = recorded.clicks[i + 1] ?? Infinity;
    // Monitors write events of their own (violations, health): the click's is its answer.
    const append = recorded.appends.find((a) => a.openedAt >= clickAt && a.openedAt < nextClickAt && a.type === 'answer.set');
    if (!append || append.committedAt === null || append.seq === null) {
      figures.missed++;
      continue;
    }
    figures.durable.push(append.committedAt - clickAt);
    figures.transaction.push(append.committedAt - append.openedAt);
    figures.beforeTransaction.push(append.openedAt - clickAt);
    figures.durabilities.push(append.durability);
    const posted = recorded.posted.find((at) => at >= clickAt && at < nextClickAt);
    const handled = recorded.clicksHandled[i];
    if (handled !== undefined) figures.clickDelivery.push(handled - clickAt);
    if (posted !== undefined) {
      figures.clickToPost.push(posted - clickAt);
      figures.postToTransaction.push(append.openedAt - posted);
    }
    const mark = recorded.shown.find((m) => m.at >= clickAt && m.at < nextClickAt);
    if (mark) figures.shown.push(mark.at - clickAt);
    const receipt = recorded.receipts.filter((r) => r.ackedSeq >= append.seq! && r.at >= append.committedAt!).sort((a, b) => a.at - b.at)[0];
    if (receipt) figures.ack.push(receipt.at - clickAt);
    else figures.missed++;
  }
  return figures;
}

/**
 * Bare strict IndexedDB commits in the page, `count` times after `warmUp`:
 * - `small`: one read-write transaction putting one small record;
 * - `appendShaped`: what appendEvent asks of IndexedDB, without the app: over a head row
 *   and a log with the same three compound indexes, read the head, add a row shaped
 *   like an answer event, put the head back. (Stores named apart, so the probe does not
 *   take them for appends.)
 */
function rawStrictCommits(page: Page, warmUp: number, count: number): Promise<{ small: number[]; appendShaped: number[] }> {
  return page.evaluate(async ([warm, n]) => {
    const name = 'bench-raw-strict-commit';
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('rows', { keyPath: 'seq' });
        request.result.createObjectStore('head', { keyPath: 'key' });
        const log = request.result.createObjectStore('log', { keyPath: ['epoch', 'seq'] });
        log.createIndex('[acked+epoch+seq]', ['acked', 'epoch', 'seq']);
        log.createIndex('[attemptId+epoch+seq]', ['attemptId', 'epoch', 'seq']);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const commit = (work: (transaction: IDBTransaction) => void, stores: string[]) => new Promise<void>((resolve, reject) => {
      const transaction = db.transaction(stores, 'readwrite', { durability: 'strict' });
      work(transaction);
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
    });
    const small: number[] = [];
    for (let i = 0; i < warm + n; i++) {
      const started = performance.now();
      await commit((t) => t.objectStore('rows').put({ seq: i, itemId: 'item-1', optionIds: ['b'], at: Date.now() }), ['rows']);
      if (i >= warm) small.push(performance.now() - started);
    }
    const epoch = Date.now();
    await commit((t) => t.objectStore('head').put({ key: 'self', deviceId: 'dev-bench', epoch, nextSeq: 1, lastHash: '0'.repeat(64), createdAt: epoch }), ['head']);
    const appendShaped: number[] = [];
    for (let i = 0; i < warm + n; i++) {
      const started = performance.now();
      await commit((t) => {
        const read = t.objectStore('head').get('self');
        read.onsuccess = () => {
          const head = read.result as { nextSeq: number; lastHash: string };
          const event = { type: 'answer.set', attemptId: 'session.candidate', deviceId: 'dev-bench', epoch, seq: head.nextSeq, at: Date.now(), data: { itemId: 'item-1', value: { optionIds: ['b'] } }, prevHash: head.lastHash, hash: 'f'.repeat(64) };
          t.objectStore('log').add({ epoch, seq: head.nextSeq, attemptId: event.attemptId, acked: 0, event });
          t.objectStore('head').put({ ...head, key: 'self', nextSeq: head.nextSeq + 1, lastHash: event.hash });
        };
      }, ['head', 'log']);
      if (i >= warm) appendShaped.push(performance.now() - started);
    }
    db.close();
    await new Promise((resolve) => { const request = indexedDB.deleteDatabase(name); request.onsuccess = request.onerror = resolve; });
    return { small, appendShaped };
  }, [warmUp, count] as const);
}

/**
 * The floor of a click-to-commit in this browser: a bare button in the same page whose click
 * handler opens one strict read-write transaction putting one small record (own database, no
 * rendering work), clicked `count` times after `warmUp` with the same pacing as the options.
 * Returns click event timestamp to `complete`, per click.
 */
async function clickRawStrictCommits(page: Page, warmUp: number, count: number): Promise<number[]> {
  const centre = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('bench-click-raw-commit', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('rows', { keyPath: 'seq' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const button = document.createElement('button');
    button.textContent = 'raw';
    button.style.cssText = 'position:fixed;right:4px;bottom:4px;z-index:2147483647;width:48px;height:48px';
    document.body.appendChild(button);
    const samples: number[] = [];
    const waiters: Array<() => void> = [];
    let seq = 0;
    button.addEventListener('click', (event) => {
      const transaction = db.transaction(['rows'], 'readwrite', { durability: 'strict' });
      transaction.objectStore('rows').put({ seq: seq++, itemId: 'item-1', optionIds: ['b'], at: Date.now() });
      transaction.oncomplete = () => {
        samples.push(performance.now() - event.timeStamp);
        waiters.splice(0).forEach((wake) => wake());
      };
    });
    (window as unknown as { __clickRaw: unknown }).__clickRaw = {
      samples,
      next: (n: number) => new Promise<void>((resolve) => {
        const check = () => (samples.length >= n ? resolve() : waiters.push(check));
        check();
      }),
    };
    const box = button.getBoundingClientRect();
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  });
  for (let i = 0; i < warmUp + count; i++) {
    await page.mouse.click(centre.x, centre.y);
    await page.evaluate((n) => (window as unknown as { __clickRaw: { next: (n: number) => Promise<void> } }).__clickRaw.next(n), i + 1);
    await page.waitForTimeout(IDLE_BETWEEN_CLICKS_MS);
  }
  const samples = await page.evaluate(() => (window as unknown as { __clickRaw: { samples: number[] } }).__clickRaw.samples);
  return samples.slice(warmUp);
}

/**
 * The same click-to-commit on a blank page of another origin in the same browser (no app,
 * no camera, no workers): what this browser itself takes between a click and a strict
 * commit's `complete` event.
 */
async function blankPageClickCommits(context: BrowserContext, warmUp: number, count: number): Promise<number[]> {
  const page = await context.newPage();
  try {
    await page.route('http://blank.bench.invalid/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title><body></body>' }));
    await page.goto('http://blank.bench.invalid/');
    return await clickRawStrictCommits(page, warmUp, count);
  } finally {
    await page.close();
  }
}

/**
 * The floor of the app's way of saving, with no app: on a blank page of another origin, a bare
 * button whose click handler posts to a dedicated worker, which puts one record shaped like an
 * answer event in a strict transaction that first reads a head row (as the chain writer does).
 * Returns click timestamp to the worker's `complete`, on the shared clock, per click.
 */
async function blankPageWorkerClickCommits(context: BrowserContext, warmUp: number, count: number): Promise<number[]> {
  const page = await context.newPage();
  const worker = `
    let db;
    const open = indexedDB.open('bench-worker-commit', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('head', { keyPath: 'key' });
      const log = open.result.createObjectStore('log', { keyPath: ['epoch', 'seq'] });
      log.createIndex('acked', ['acked', 'epoch', 'seq']);
      log.createIndex('attempt', ['attemptId', 'epoch', 'seq']);
    };
    open.onsuccess = () => { db = open.result; postMessage('ready'); };
    onmessage = (message) => {
      const seq = message.data.seq;
      const t = db.transaction(['head', 'log'], 'readwrite', { durability: 'strict' });
      const check = t.objectStore('head').get('self');
      check.onsuccess = () => { if (check.result && check.result.nextSeq !== seq) t.abort(); };
      t.objectStore('log').add({ epoch: 1, seq, acked: 0, attemptId: 'session.candidate', event: { type: 'answer.set', seq, data: { itemId: 'item-1', value: { optionIds: ['b'] } }, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) } });
      t.objectStore('head').put({ key: 'self', nextSeq: seq + 1 });
      t.oncomplete = () => postMessage({ seq, at: performance.timeOrigin + performance.now() });
    };`;
  try {
    await page.route('http://blank.bench.invalid/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title><body></body>' }));
    await page.route('http://blank.bench.invalid/writer.js', (route) => route.fulfill({ contentType: 'text/javascript', body: worker }));
    await page.goto('http://blank.bench.invalid/');
    const centre = await page.evaluate(async () => {
      const writer = new Worker('/writer.js');
      await new Promise((resolve) => { writer.onmessage = resolve; });
      const button = document.createElement('button');
      button.textContent = 'save';
      button.style.cssText = 'position:fixed;left:4px;top:4px;width:48px;height:48px';
      document.body.appendChild(button);
      const clicks: number[] = [];
      const samples: number[] = [];
      let seq = 1;
      writer.onmessage = (message: MessageEvent<{ seq: number; at: number }>) => samples.push(message.data.at - clicks[message.data.seq - 1]!);
      button.addEventListener('click', (event) => {
        clicks.push(performance.timeOrigin + event.timeStamp);
        writer.postMessage({ seq: seq++ });
      });
      (window as unknown as { __workerCommits: number[] }).__workerCommits = samples;
      const box = button.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    });
    for (let i = 0; i < warmUp + count; i++) {
      await page.mouse.click(centre.x, centre.y);
      await page.waitForFunction((n) => (window as unknown as { __workerCommits: number[] }).__workerCommits.length >= n, i + 1);
      await page.waitForTimeout(IDLE_BETWEEN_CLICKS_MS);
    }
    const samples = await page.evaluate(() => (window as unknown as { __workerCommits: number[] }).__workerCommits);
    return samples.slice(warmUp);
  } finally {
    await page.close();
  }
}

/** Restarts the browser with no network and opens the exam screen from the cache. */
async function offlineColdStart(userDataDir: string, cameraFile: string, origin: string, waitMs: number) {
  const context = await launch(userDataDir, cameraFile, true);
  try {
    await context.addInitScript({ content: candidateProbeScript() });
    const page = await firstPage(context);
    const servedBy = { serviceWorker: 0, failed: 0 };
    page.on('requestfinished', (request) => void request.response().then((r) => { if (r?.fromServiceWorker()) servedBy.serviceWorker++; }).catch(() => undefined));
    page.on('requestfailed', () => { servedBy.failed++; });
    const started = Date.now();
    await page.goto(`${origin}/exam`);
    const isExamUp = await page.waitForFunction(() => globalThis.__candidateProbe.examInteractiveAt !== null, undefined, { timeout: waitMs }).then(() => true, () => false);
    const wallMs = Date.now() - started;
    const marks = await page.evaluate(() => ({ exam: globalThis.__candidateProbe.examInteractiveAt, shell: globalThis.__candidateProbe.shellReadyAt }));
    let isSavedOffline = false;
    if (isExamUp) {
      // Interactive means a choice is saved on this PC, offline.
      await page.locator('[data-testid="item-view"] [data-option] input').first().click();
      isSavedOffline = await page.locator('[data-testid="save-status"][data-state="local"]').waitFor({ timeout: 5000 }).then(() => true, () => false);
    }
    const shown = isExamUp ? 'first item' : ((await page.locator('[role="alert"]').allInnerTexts()).join(' | ') || 'nothing');
    return { isExamUp, examMs: marks.exam, shellMs: marks.shell, wallMs, isSavedOffline, shown, servedBy };
  } finally {
    await context.close();
  }
}

/**
 * Waits until the click's answer is committed and acknowledged, wherever that happened: the
 * device writer's worker (its own push, or the page's outbox), else the page itself; then
 * until the page has stored the receipt (no transaction over `events` left open).
 */
async function waitForSave(page: Page, writer: Worker | null, clickIndex: number): Promise<boolean> {
  const clickAt = await page.evaluate((index) => globalThis.__candidateProbe.clicks[index] ?? Infinity, clickIndex);
  // Both evaluate the same way; typed as one so that either can be asked.
  const committer = (writer ?? page) as unknown as Worker;
  const seq = await committer.evaluate(([after, timeout]) => globalThis.__candidateProbe.waitForCommit(after, timeout), [clickAt, ACK_TIMEOUT_MS] as const);
  if (seq === null) return false;
  const isAcked = await new Promise<boolean>((resolve) => {
    const places = (writer ? [writer, page] : [page]) as unknown as Worker[];
    let left = places.length;
    const settle = (found: boolean) => (found ? resolve(true) : --left === 0 && resolve(false));
    for (const place of places) place.evaluate(([at, timeout]) => globalThis.__candidateProbe.waitForReceipt(at, timeout), [seq, ACK_TIMEOUT_MS] as const).then(settle, () => settle(false));
  });
  await page.evaluate((timeout) => globalThis.__candidateProbe.waitForQuiet(timeout), ACK_TIMEOUT_MS);
  return isAcked;
}

/** Runs the benchmark and returns its figures (the dispatcher writes them to results/candidate.json). */
export async function run(): Promise<Record<string, unknown>> {
  if (!existsSync(join(DIST, 'index.html'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const scratch = mkdtempSync(join(tmpdir(), 'candidate-bench-'));
  const userDataDir = join(scratch, 'profile');
  const cameraFile = join(scratch, 'camera.y4m');
  writeFilmAsY4m([[join(FIXTURES_DIR, 'portrait_227943776_1.jpg'), 60]], cameraFile);
  const loadBefore = loadavg()[0] ?? 0;
  let world: DemoVenue | null = null;
  try {
    world = await startDemoVenue();
    const origin = world.venue.url;
    // 1. Online: the flow to the exam, then clicks on options, then the raw baseline.
    let phase: ScriptLoad['phase'] = 'before-start';
    const context = await launch(userDataDir, cameraFile, false);
    let scripts: ReturnType<typeof recordScripts>;
    let saves: SaveFigures;
    let raw: number[];
    let rawAppendShaped: number[];
    let clickRaw: number[];
    let blankClickRaw: number[];
    let blankWorkerClick: number[];
    let startExamMs: number;
    let appendsInWorker = 0;
    try {
      await context.addInitScript({ content: candidateProbeScript() });
      const page = await firstPage(context);
      // The device writer's worker appends and pushes the candidate's events: instrumented like the page.
      let writer: Worker | null = null;
      let writerReady: Promise<unknown> = Promise.resolve();
      page.on('worker', (worker) => {
        if (!worker.url().includes('device-writer')) return;
        writer = worker;
        writerReady = worker.evaluate(candidateProbeScript());
      });
      scripts = recordScripts(context, origin, () => phase);
      await reachExam(world, page);
      phase = 'exam';
      const onlineStarted = Date.now();
      await page.getByTestId('start-exam').click({ timeout: 30_000 });
      await page.waitForFunction(() => globalThis.__candidateProbe.examInteractiveAt !== null, undefined, { timeout: 30_000 });
      startExamMs = Date.now() - onlineStarted;
      await scripts.settled();

      const options = await singleChoiceOptions(page);
      // Let the start's own events reach the venue first.
      await page.waitForTimeout(500);
      await writerReady;
      const firstClick = await page.evaluate(() => globalThis.__candidateProbe.clicks.length);
      let timeouts = 0;
      for (let i = 0; i < WARM_UP_CLICKS + MEASURED_CLICKS; i++) {
        const option = options[i % options.length]!;
        await page.mouse.click(option.x, option.y);
        const isAcked = await waitForSave(page, writer, firstClick + i);
        if (!isAcked) timeouts++;
        // A candidate reads between clicks: the next click does not queue behind this one's receipt.
        await page.waitForTimeout(IDLE_BETWEEN_CLICKS_MS);
      }
      const recorded: Recorded = await page.evaluate(() => {
        const { clicks, clicksHandled, posted, shown, appends, receipts } = globalThis.__candidateProbe;
        return { clicks, clicksHandled, posted, shown, appends, receipts };
      });
      if (writer) {
        const inWorker = await (writer as Worker).evaluate(() => ({ appends: globalThis.__candidateProbe.appends, receipts: globalThis.__candidateProbe.receipts }));
        recorded.appends.push(...inWorker.appends);
        recorded.receipts.push(...inWorker.receipts);
        appendsInWorker = inWorker.appends.filter((a: AppendSample) => a.type === 'answer.set').length;
      }
      saves = pairSaves(recorded, firstClick + WARM_UP_CLICKS);
      saves.missed += timeouts;
      ({ small: raw, appendShaped: rawAppendShaped } = await rawStrictCommits(page, RAW_WARM_UP, RAW_COMMITS));
      clickRaw = await clickRawStrictCommits(page, RAW_WARM_UP, RAW_COMMITS);
      blankClickRaw = await blankPageClickCommits(context, RAW_WARM_UP, RAW_COMMITS);
      blankWorkerClick = await blankPageWorkerClickCommits(context, RAW_WARM_UP, RAW_COMMITS);
      // The face monitor's worker has loaded its wasm and models by now.
      await scripts.settled();
    } finally {
      await context.close();
    }

    // 2. Offline cold starts: the browser restarted with no network at all; the exam
    // reopens from the service worker's cache with the key kept on the PC for the attempt.
    const firstOffline = await offlineColdStart(userDataDir, cameraFile, origin, 20_000);
    const secondOffline = await offlineColdStart(userDataDir, cameraFile, origin, 8000);

    const isVision = (l: ScriptLoad) => VISION_PATH.test(l.path);
    const code = scripts.loads.filter((l) => /\.m?js$/.test(l.path) && !isVision(l));
    const sum = (loads: ScriptLoad[]) => round(loads.reduce((total, l) => total + l.kbGz, 0));
    const visionLoads = scripts.loads.filter(isVision);
    // Counted from what the page fetched; from dist/ when the monitor never loaded it.
    const visionKb = visionLoads.length > 0 ? sum(visionLoads) : round(VISION_FILES.reduce((total, file) => total + (existsSync(join(DIST, file)) ? gzipKb(readFileSync(join(DIST, file))) : 0), 0));
    const swKbGz = existsSync(join(DIST, 'sw.js')) ? round(gzipKb(readFileSync(join(DIST, 'sw.js')))) : null;
    const durabilities = [...new Set(saves.durabilities)];
    const saveDurableP99Ms = percentile(saves.durable, 99);
    const rawStrictCommitP99Ms = percentile(raw, 99);
    const clickRawCommitP99Ms = percentile(clickRaw, 99);

    return {
      saveDurableP50Ms: percentile(saves.durable, 50),
      saveDurableP99Ms,
      saveAckP50Ms: percentile(saves.ack, 50),
      saveAckP99Ms: percentile(saves.ack, 99),
      saveShownP50Ms: percentile(saves.shown, 50),
      saveShownP99Ms: percentile(saves.shown, 99),
      appendsInWriterWorker: appendsInWorker,
      rawStrictCommitP50Ms: percentile(raw, 50),
      rawStrictCommitP99Ms,
      saveToRawP99Ratio: round(saveDurableP99Ms / rawStrictCommitP99Ms),
      clickRawCommitP50Ms: percentile(clickRaw, 50),
      clickRawCommitP99Ms,
      blankPageClickCommitP50Ms: percentile(blankClickRaw, 50),
      blankPageClickCommitP99Ms: percentile(blankClickRaw, 99),
      blankPageWorkerClickCommitP50Ms: percentile(blankWorkerClick, 50),
      blankPageWorkerClickCommitP99Ms: percentile(blankWorkerClick, 99),
      saveToWorkerFloorP50Ratio: round(percentile(saves.durable, 50) / percentile(blankWorkerClick, 50)),
      saveToWorkerFloorP99Ratio: round(saveDurableP99Ms / percentile(blankWorkerClick, 99)),
      saveToClickRawP50Ratio: round(percentile(saves.durable, 50) / percentile(clickRaw, 50)),
      saveToClickRawP99Ratio: round(saveDurableP99Ms / clickRawCommitP99Ms),
      offlineStartMs: firstOffline.examMs === null ? null : round(firstOffline.examMs),
      offlineShellStartMs: firstOffline.shellMs === null ? null : round(firstOffline.shellMs),
      offlineStartWallMs: firstOffline.wallMs,
      isOfflineSaveWorking: firstOffline.isSavedOffline,
      isExamUpOfflineAgain: secondOffline.isExamUp,
      candidateJsKbGz: sum(code),
      candidateJsBeforeStartKbGz: sum(code.filter((l) => l.phase === 'before-start')),
      visionKb,
      durability: durabilities.join(','),
      clicks: saves.durable.length,
      missed: saves.missed,
      loadAverage1m: `${round(loadBefore)}→${round(loadavg()[0] ?? 0)}`,
      details: {
        saveDurableP95Ms: percentile(saves.durable, 95),
        saveDurableMaxMs: percentile(saves.durable, 100),
        appendTransactionP50Ms: percentile(saves.transaction, 50),
        appendTransactionP99Ms: percentile(saves.transaction, 99),
        clickToTransactionP50Ms: percentile(saves.beforeTransaction, 50),
        clickToTransactionP99Ms: percentile(saves.beforeTransaction, 99),
        clickDeliveryP50Ms: percentile(saves.clickDelivery, 50),
        clickDeliveryP99Ms: percentile(saves.clickDelivery, 99),
        clickToPostP50Ms: percentile(saves.clickToPost, 50),
        clickToPostP99Ms: percentile(saves.clickToPost, 99),
        postToTransactionP50Ms: percentile(saves.postToTransaction, 50),
        postToTransactionP99Ms: percentile(saves.postToTransaction, 99),
        saveAckP95Ms: percentile(saves.ack, 95),
        rawStrictCommitP95Ms: percentile(raw, 95),
        rawAppendShapedCommitP50Ms: percentile(rawAppendShaped, 50),
        rawAppendShapedCommitP99Ms: percentile(rawAppendShaped, 99),
        startExamOnlineMs: startExamMs,
        offlineFirst: firstOffline,
        offlineSecond: secondOffline,
        scripts: code.map((l) => ({ ...l, kbGz: round(l.kbGz) })),
        visionFetched: visionLoads.map((l) => ({ ...l, kbGz: round(l.kbGz) })),
        serviceWorkerKbGz: swKbGz,
      },
      method: [
        `${MEASURED_CLICKS} mouse clicks (after ${WARM_UP_CLICKS} warm-up) alternating between the options of one single-choice item, each waited out until the venue's receipt is stored, then ${IDLE_BETWEEN_CLICKS_MS} ms idle;`,
        'durable = click event timestamp to the complete event of the strict transaction that stores its answer (in the device writer\'s worker), ack = click to the first receipt response covering its seq (worker or page), shown = click to the save mark leaving "saving" in the DOM;',
        `raw = ${RAW_COMMITS} strict read-write transactions putting one small record, same page (and ${RAW_COMMITS} shaped like appendEvent's: read head, add indexed row, put head);`,
        `clickRaw = ${RAW_COMMITS} clicks on a bare button in the same page whose handler commits one such record, click timestamp to complete, same pacing; blankPageClickCommit = the same on a blank page of another origin in the same browser: the browser's own floor for a click-to-commit; blankPageWorkerClickCommit = a bare button there posting to a worker that commits an answer-shaped record (head read, indexed row, head put), click timestamp to the worker's complete: the floor of the app's way of saving;`,
        'offlineStart = persistent profile, browser restarted with no network, /exam from the service worker, navigation start to the first item\'s options in the DOM (twice: the second restart is offlineSecond in the details);',
        'JS sizes = gzip -9 of the bytes the page and its workers received; visionKb = gzip -9 of the face monitor\'s bundle, worker, wasm and models. A fake camera shows one face throughout, so the face monitor runs during the clicks.',
      ].join(' '),
    };
  } finally {
    await world?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
