/**
 * Proctoring at a candidate's PC, in a real Chromium with a fake camera (a Y4M film
 * made from the fixture photos) against a real venue and hub with the demo: the
 * identity photo before the start, then monitoring through the test, with every
 * violation reaching the venue's log (camera ones with their evidence thumbnail),
 * and the camera refused. No request ever leaves the venue's origin. Thresholds come
 * from the demo package (no face 5 s, several people 1 s, focus lost at once).
 * Needs `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { ChainedEvent } from '../../sync/events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, tryOffOriginFetch, TWO_SCREENS_ARGS } from '../support/face-harness';
import { waitForServiceWorker } from '../support/browser';
import { traceMainThread } from '../support/main-thread-trace';
import { ROOT } from '../support/processes';
import { writeFilmAsY4m } from '../support/y4m';
import { startDemoVenue, type DemoVenue } from './pages/demo-venue';
import { answerFor, FACE_KINDS, launchWithCamera, loseCamera, signInCandidate, violationsOf, waitForIdentityPhoto, type ProctoredSession } from './pages/proctored-candidate';

const FACE = join(FIXTURES_DIR, 'portrait_227943776_1.jpg');
const BLANK = join(FIXTURES_DIR, 'blank.png');
const GROUP = join(FIXTURES_DIR, 'collage_3faces.png');
/** Candidates 20+ of the demo roster: other e2e files start their own venues, but keep clear anyway. */
const FIRST_CANDIDATE = 20;

describe('proctoring during the test', () => {
  let world: DemoVenue;
  let scratch: string;
  let browser: Browser | null = null;
  let session: ProctoredSession | null = null;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    scratch = mkdtempSync(join(tmpdir(), 'proctoring-e2e-'));
    world = await startDemoVenue();
  });

  afterEach(async () => {
    if (session) expect(session.requests.offOrigin(world.venue.url)).toEqual([]);
    session = null;
    await browser?.close();
    browser = null;
  });

  afterAll(async () => {
    await world?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Signs in with the film as camera, waits for the photo, lets the proctor authorise and starts. */
  async function startExamWithCamera(
    film: Array<[string, number]>,
    index: number,
    beforePhoto?: (s: ProctoredSession) => Promise<void>,
    pc: Parameters<typeof signInCandidate>[3] & { args?: string[] } = {},
  ): Promise<ProctoredSession> {
    const cameraFile = join(scratch, `camera-${index}.y4m`);
    writeFilmAsY4m(film, cameraFile);
    browser = await launchWithCamera(cameraFile, { args: pc.args });
    session = await signInCandidate(world, browser, index, pc);
    await beforePhoto?.(session);
    await waitForIdentityPhoto(session);
    expect(await session.candidate.accessibilityViolations()).toEqual([]);
    await session.authorise();
    await session.candidate.startWhenAuthorised();
    return session;
  }

  it('keeps one face through a short test free of camera violations, and reports what the browser monitor sees', async () => {
    const s = await startExamWithCamera([[FACE, 60]], FIRST_CANDIDATE);
    const photo = await s.waitForVenue((events) => events.find((e) => e.type === 'identity.photo'));
    expect(photo.data).toMatchObject({ faceCount: 1 });
    expect(photo.data.photo.length).toBeLessThanOrEqual(24_000);
    await s.waitForVenue((events) => events.some((e) => e.type === 'monitor.health' && e.data.state === 'ok'));

    // The venue's CSP refuses any other origin, on the exam page and in the face workers alike.
    const page = s.candidate.page;
    expect(await tryOffOriginFetch(page)).toEqual({ isRefused: true, violatedDirective: 'connect-src' });
    const workers = page.workers();
    expect(workers.length).toBeGreaterThanOrEqual(1);
    for (const worker of workers) expect((await tryOffOriginFetch(worker)).isRefused).toBe(true);

    // Detection can run with no network: the service worker holds the runtime and both models.
    await waitForServiceWorker(page);
    const cached = await page.evaluate(() =>
      Promise.all(['/vision/vision_wasm_module_internal.wasm', '/vision/vision_wasm_module_internal.js', '/models/face_short.tflite', '/models/face_full.tflite'].map(async (url) => (await caches.match(url, { ignoreSearch: true })) !== undefined)),
    );
    expect(cached).toEqual([true, true, true, true]);

    const { mainThread } = await traceMainThread(browser!, page, () => answerFor(s, 8));
    console.info(`exam page main thread while monitoring: longest task ${mainThread.longestMs} ms of ${mainThread.tasks} (${mainThread.longest[0]?.what ?? 'none'})`);

    // The test went fullscreen at its start, as the package requires, and stayed there.
    expect(await page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
    const itemBefore = await s.candidate.currentItemId();

    // What a real blur fires: the window's own blur, then its focus when the candidate comes back.
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await page.getByTestId('violation-notice').filter({ hasText: 'Новое нарушение: фокус экрана тестирования потерян' }).waitFor();
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const lost = await s.waitForVenue((events) => {
      const [started] = violationsOf(events, 'focus-lost');
      return started && events.some((e) => e.type === 'violation.ended' && e.data.violationId === started.data.violationId) ? started : null;
    });
    expect(lost.data.detail).toContain('focus-lost');

    // Another tab in front: the page is hidden, which is leaving the test too.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const hidden = await s.waitForVenue((events) => violationsOf(events, 'focus-lost').find((e) => e.data.detail?.startsWith('tab-hidden')));
    expect(hidden.data.violationId).not.toBe(lost.data.violationId);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    // The notices did not move the candidate: the exam screen and its item stay.
    await expect(page.getByTestId('exam').isVisible()).resolves.toBe(true);
    expect(await s.candidate.currentItemId()).toBe(itemBefore);
    expect(violationsOf(s.venueEvents(), 'fullscreen-left')).toEqual([]);

    // A forbidden key and the context menu: blocked, and each a violation at the venue.
    await page.keyboard.press('Control+c');
    await page.getByTestId('item-view').click({ button: 'right' });
    const copied = await s.waitForVenue((events) => violationsOf(events, 'hotkey')[0]);
    expect(copied.data.detail).toBe('hotkey action=copy key=c');
    await s.waitForVenue((events) => violationsOf(events, 'context-menu')[0]);

    // A reload: the test carries on, and the reload is a violation of its own. It also
    // left fullscreen, which the candidate's next key restores.
    await page.reload();
    await s.candidate.waitForExam();
    await s.waitForVenue((events) => violationsOf(events, 'page-reloaded')[0]);
    await s.candidate.pressOption(1);
    await page.waitForFunction(() => document.fullscreenElement !== null);
    const hasEnded = (events: ChainedEvent[], violationId: string) => events.some((e) => e.type === 'violation.ended' && e.data.violationId === violationId);
    await s.waitForVenue((events) => violationsOf(events, 'fullscreen-left').every((v) => hasEnded(events, v.data.violationId)));

    await s.candidate.openFinish();
    await s.candidate.confirmFinish();
    const events = await s.waitForVenue((held) => (held.some((e) => e.type === 'monitor.health' && e.data.state === 'stopped') ? held : null));
    for (const kind of [...FACE_KINDS, 'monitor-failed']) expect(violationsOf(events, kind), kind).toEqual([]);
    // Every violation of the attempt has ended by its finish.
    for (const started of events.filter((e) => e.type === 'violation.started')) expect(hasEnded(events, started.data.violationId), started.data.kind).toBe(true);
  }, 120_000);

  it('reports an empty chair as "no-face", with its evidence at the venue, and a second screen', async () => {
    const s = await startExamWithCamera([[FACE, 6], [BLANK, 40]], FIRST_CANDIDATE + 1, undefined, { args: TWO_SCREENS_ARGS });
    const page = s.candidate.page;
    const secondScreen = await s.waitForVenue((events) => violationsOf(events, 'second-screen')[0]);
    expect(secondScreen.data.detail).toBe('second-screen');
    await page.getByTestId('violation-notice').filter({ hasText: 'лицо не обнаружено' }).waitFor({ timeout: 40_000 });
    const noFace = await s.waitForVenue((events) => violationsOf(events, 'no-face')[0]);
    expect(noFace.data.evidence).toMatch(/^data:image\/jpeg;base64,/);
    expect(noFace.data.evidence!.length).toBeLessThanOrEqual(24_000);
  }, 120_000);

  it('reports several people in the camera as "multiple-faces", and a camera that goes away', async () => {
    // Two people at first: no photo, and a hint saying why; then the candidate alone is photographed.
    const s = await startExamWithCamera([[GROUP, 8], [FACE, 6], [GROUP, 40]], FIRST_CANDIDATE + 2, async ({ candidate }) => {
      const hint = candidate.page.locator('[data-testid="identity-photo-hint"][data-hint="several-people"]');
      await hint.waitFor({ timeout: 8000 });
      expect(await hint.innerText()).toMatch(/больше одного человека/);
    });
    const photo = await s.waitForVenue((events) => events.find((e) => e.type === 'identity.photo'));
    expect(photo.data.faceCount).toBe(1);
    const several = await s.waitForVenue((events) => violationsOf(events, 'multiple-faces')[0], 45_000);
    expect(several.data.evidence).toMatch(/^data:image\/jpeg;base64,/);

    // The camera goes away mid-test: a visible violation, and the monitor says it is not well.
    expect(await loseCamera(s)).toBeGreaterThan(0);
    await s.waitForVenue((events) => violationsOf(events, 'camera-lost')[0]);
    await s.waitForVenue((events) => events.find((e) => e.type === 'monitor.health' && e.data.state === 'degraded'));
  }, 120_000);

  it('makes a monitor that cannot run a visible violation of its own', async () => {
    // The full-range model cannot be loaded (no service worker holds a copy): the monitor cannot start during the test.
    const s = await startExamWithCamera([[FACE, 60]], FIRST_CANDIDATE + 4, undefined, {
      contextOptions: { serviceWorkers: 'block' },
      beforeOpen: async (context) => void (await context.route('**/models/face_full.tflite', (route) => route.abort())),
    });
    await s.candidate.page.getByTestId('violation-notice').filter({ hasText: 'Новое нарушение: наблюдение остановлено' }).waitFor({ timeout: 30_000 });
    const failed = await s.waitForVenue((events) => violationsOf(events, 'monitor-failed')[0]);
    expect(failed.data.detail).toMatch(/^face model: /);
    const health = await s.waitForVenue((events) => events.find((e): e is Extract<typeof e, { type: 'monitor.health' }> => e.type === 'monitor.health' && e.data.state === 'stopped'));
    expect(health.data.detail).toMatch(/^face model: /);
  }, 120_000);

  it('explains a refused camera and does not let the test start', async () => {
    browser = await launchWithCamera(null, { isCameraDenied: true });
    const s = (session = await signInCandidate(world, browser, FIRST_CANDIDATE + 3));
    const page = s.candidate.page;
    const problem = page.getByTestId('camera-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-problem')).toBe('denied');
    expect(await problem.innerText()).toMatch(/Доступ к камере запрещён/);
    expect(await s.candidate.accessibilityViolations()).toEqual([]);
    await s.authorise();
    await page.getByTestId('start-exam').click({ timeout: 30_000 });
    await expect(page.getByTestId('start-error').innerText()).resolves.toMatch(/нельзя начать без камеры/);
    expect(new URL(page.url()).pathname).toBe('/wait');
    expect(s.venueEvents().some((e) => e.type === 'attempt.started')).toBe(false);
  }, 90_000);
});
