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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../support/face-harness';
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
  async function startExamWithCamera(film: Array<[string, number]>, index: number, beforePhoto?: (s: ProctoredSession) => Promise<void>): Promise<ProctoredSession> {
    const cameraFile = join(scratch, `camera-${index}.y4m`);
    writeFilmAsY4m(film, cameraFile);
    browser = await launchWithCamera(cameraFile);
    session = await signInCandidate(world, browser, index);
    await beforePhoto?.(session);
    await waitForIdentityPhoto(session);
    expect(await session.candidate.accessibilityViolations()).toEqual([]);
    await session.authorise();
    await session.candidate.startWhenAuthorised();
    return session;
  }

  it('keeps one face through a short test free of camera violations, and reports leaving the window or tab', async () => {
    const s = await startExamWithCamera([[FACE, 60]], FIRST_CANDIDATE);
    const photo = await s.waitForVenue((events) => events.find((e) => e.type === 'identity.photo'));
    expect(photo.data).toMatchObject({ faceCount: 1 });
    expect(photo.data.photo.length).toBeLessThanOrEqual(24_000);
    await s.waitForVenue((events) => events.some((e) => e.type === 'monitor.health' && e.data.state === 'ok'));

    const { longestMainThreadTaskMs } = await answerFor(s, 8);
    console.info(`longest main-thread task on the exam page while monitoring: ${longestMainThreadTaskMs} ms`);

    // What a real blur fires: the window's own blur, then its focus when the candidate comes back.
    const page = s.candidate.page;
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
    // The notice did not move the candidate: the exam screen and its item stay.
    await expect(page.getByTestId('exam').isVisible()).resolves.toBe(true);

    await s.candidate.openFinish();
    await s.candidate.confirmFinish();
    const events = await s.waitForVenue((held) => (held.some((e) => e.type === 'monitor.health' && e.data.state === 'stopped') ? held : null));
    for (const kind of FACE_KINDS) expect(violationsOf(events, kind), kind).toEqual([]);
  }, 120_000);

  it('reports an empty chair as "no-face", with its evidence at the venue', async () => {
    const s = await startExamWithCamera([[FACE, 6], [BLANK, 40]], FIRST_CANDIDATE + 1);
    await s.candidate.page.getByTestId('violation-notice').filter({ hasText: 'лицо не обнаружено' }).waitFor({ timeout: 40_000 });
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
