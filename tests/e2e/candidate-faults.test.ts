/**
 * The candidate's attempt survives faults, in a real Chromium against a real venue:
 * - the venue process stops just after the start: the candidate answers every item and
 *   finishes offline; when the venue comes back it receives everything, and its fold
 *   scores the same as the device's own events;
 * - the browser is killed mid-exam: after a restart the candidate signs in again and
 *   finds every answer, with the venue's remaining time.
 * Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldAttempt } from '../../sync/fold';
import { scoreAttempt } from '../../sync/scoring';
import { buildCitizenshipExam } from '../../hub/demo/exams';
import { CITIZENSHIP_SESSION_ID, DEMO_VENUE_ID, type CandidateCredential } from '../../hub/demo/index';
import { CHROMIUM_ARGS, CHROMIUM_PATH, newDesktopContext } from '../support/browser';
import { candidateCameraArgs, launchCandidateBrowser } from './pages/proctored-candidate';
import { CandidatePage } from './pages/candidate-page';
import { demoCandidates, demoProctorFor, ProctorTablet, requireBuild, startDemoVenue, venueEventsOf, type DemoVenue } from './pages/demo-venue';

const exam = buildCitizenshipExam();
const VENUE_DEVICE = `venue-${DEMO_VENUE_ID}`;

/** The candidate signs in at `page` and confirms the rules, the room's proctor authorises the start on `tablet`, and the exam starts. */
async function signInAndStart(tablet: ProctorTablet, page: CandidatePage, candidate: CandidateCredential): Promise<void> {
  await page.open('/');
  expect(await page.signIn(candidate.iin, candidate.accessCode)).toBeNull();
  await page.confirmRulesAndCheck();
  const proctor = demoProctorFor(candidate.roomId);
  await tablet.signIn(proctor.username, proctor.pin);
  await tablet.authorise(CITIZENSHIP_SESSION_ID, candidate.candidateId);
  await page.startWhenAuthorised();
}

/** The demo world and a proctor's tablet at its venue, for the tests of one `describe`. */
function useDemoVenue(): { world: DemoVenue; tablet: ProctorTablet } {
  const held = {} as { world: DemoVenue; tablet: ProctorTablet };
  beforeAll(async () => {
    held.world = await startDemoVenue();
    held.tablet = new ProctorTablet(held.world.venue.url);
  });
  afterAll(async () => {
    await held.world?.stop();
  });
  return held;
}

describe('candidate: faults', () => {
  beforeAll(requireBuild);
  const demo = useDemoVenue();

  it('keeps every answer while the venue is down, and delivers them all when it returns', async () => {
    const candidate = demoCandidates()[1]!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const browser = await launchCandidateBrowser();
    try {
      const context = await newDesktopContext(browser);
      const page = new CandidatePage(await context.newPage(), demo.world.venue.url);
      await signInAndStart(demo.tablet, page, candidate);
      const timeBefore = await page.remainingMs();
      await demo.world.venue.stop();

      const { total } = await page.gridCounts();
      await page.pressOption(1);
      for (let n = 1; n < total; n++) {
        await page.nextByKeyboard();
        await page.pressOption(((n * 7) % 4) + 1);
      }
      await page.waitForSaveState('local');
      expect((await page.gridCounts()).answered).toBe(total);
      // The countdown went on without the venue.
      expect(await page.remainingMs()).toBeLessThan(timeBefore);
      expect(await page.openFinish()).toEqual({ unanswered: 0, flagged: 0 });
      await page.confirmFinish();
      expect(await page.isResultWaiting()).toBe(true);
      const offline = await page.storedEvents();
      expect(offline.filter((row) => row.event.type === 'answer.set')).toHaveLength(total);
      expect(offline.some((row) => row.event.type === 'attempt.finished' && row.acked === 0)).toBe(true);

      await demo.world.restartVenue();
      await page.result(60_000);
      await expect.poll(async () => (await page.storedEvents()).every((row) => row.acked === 1), { timeout: 30_000 }).toBe(true);

      const device = (await page.storedEvents()).map((row) => row.event).filter((event) => event.attemptId === attemptId);
      const atVenue = venueEventsOf(demo.world.venue, attemptId);
      const held = new Set(atVenue.map((event) => event.hash));
      expect(device.every((event) => held.has(event.hash))).toBe(true);
      const clock = atVenue.filter((event) => event.deviceId === VENUE_DEVICE);
      const venueState = foldAttempt(atVenue, { attemptId, venueDeviceIds: [VENUE_DEVICE] });
      const deviceState = foldAttempt([...device, ...clock], { attemptId, venueDeviceIds: [VENUE_DEVICE] });
      expect(venueState.status).toBe('finished');
      expect(Object.keys(venueState.answers)).toHaveLength(total);
      expect(scoreAttempt(venueState, exam.examPackage, exam.answerKey)).toEqual(scoreAttempt(deviceState, exam.examPackage, exam.answerKey));
    } finally {
      await browser.close();
      if (demo.world.venue.child.exitCode !== null || demo.world.venue.child.signalCode !== null) await demo.world.restartVenue();
    }
  });

  it('resumes after the browser is killed mid-exam, with every answer and the right time left', async () => {
    const candidate = demoCandidates()[2]!;
    const profile = mkdtempSync(join(tmpdir(), 'exam-candidate-profile-'));
    const launch = () => chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...candidateCameraArgs()], viewport: { width: 1366, height: 768 }, locale: 'kk-KZ',
    });
    let context: BrowserContext | null = await launch();
    try {
      const page = new CandidatePage(context.pages()[0] ?? (await context.newPage()), demo.world.venue.url);
      await signInAndStart(demo.tablet, page, candidate);
      const answered = 7;
      await page.pressOption(3);
      for (let n = 1; n < answered; n++) {
        await page.nextByKeyboard();
        await page.pressOption(2);
      }
      await page.waitForSaveState('local').catch(() => undefined);
      const before = (await page.storedEvents()).filter((row) => row.event.type === 'answer.set').length;
      expect(before).toBe(answered);

      // SIGKILL the browser's main process: no shutdown, no flush.
      const pid = execFileSync('pgrep', ['-f', `user-data-dir=${profile}`]).toString().trim().split('\n')
        .map(Number).find((candidatePid) => !execFileSync('ps', ['-o', 'args=', '-p', String(candidatePid)]).toString().includes('--type='));
      expect(pid).toBeGreaterThan(0);
      process.kill(pid!, 'SIGKILL');
      await context.close().catch(() => undefined);
      context = null;

      context = await launch();
      const again = new CandidatePage(context.pages()[0] ?? (await context.newPage()), demo.world.venue.url);
      await again.open('/');
      expect(await again.signIn(candidate.iin, candidate.accessCode)).toBeNull();
      await again.waitForExam();
      expect((await again.gridCounts()).answered).toBe(answered);
      const venueAttempt = await again.page.evaluate(() => fetch('/api/candidate/attempt').then((r) => r.json())) as { attempt: { timer: { remainingMs: number } } };
      const shown = await again.remainingMs();
      expect(Math.abs(shown - venueAttempt.attempt.timer.remainingMs)).toBeLessThan(3000);
      expect(shown).toBeLessThan(exam.examPackage.durationMinutes * 60_000);
    } finally {
      await context?.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('candidate: another PC, another tab, a dropped network', () => {
  const demo = useDemoVenue();

  it('continues on another PC with the answers the venue holds, and signs the first PC out', async () => {
    const candidate = demoCandidates()[3]!;
    const browser = await launchCandidateBrowser();
    try {
      const first = new CandidatePage(await (await newDesktopContext(browser)).newPage(), demo.world.venue.url);
      await signInAndStart(demo.tablet, first, candidate);
      await first.pressOption(1);
      await first.nextByKeyboard();
      await first.pressOption(2);
      await first.toggleFlag();
      await first.waitForSaveState('venue');
      await expect.poll(async () => (await first.storedEvents()).every((row) => row.acked === 1), { timeout: 20_000 }).toBe(true);

      // A fresh PC: empty IndexedDB, same candidate.
      const second = new CandidatePage(await (await newDesktopContext(browser)).newPage(), demo.world.venue.url);
      await second.open('/');
      expect(await second.signIn(candidate.iin, candidate.accessCode)).toBeNull();
      await second.waitForExam();
      expect(await second.gridCounts()).toMatchObject({ answered: 2, flagged: 1 });
      expect(await first.page.evaluate(() => fetch('/api/candidate/me').then((r) => r.status))).toBe(401);
    } finally {
      await browser.close();
    }
  });

  it("follows the proctor's pause, extension and resume on the countdown", async () => {
    const candidate = demoCandidates()[6]!;
    const browser = await launchCandidateBrowser();
    try {
      const page = new CandidatePage(await (await newDesktopContext(browser)).newPage(), demo.world.venue.url);
      await signInAndStart(demo.tablet, page, candidate);
      await demo.tablet.pause(CITIZENSHIP_SESSION_ID, candidate.candidateId);
      await page.page.getByTestId('paused').waitFor({ timeout: 10_000 });
      const frozen = await page.remainingMs();
      await page.page.waitForTimeout(1500);
      expect(await page.remainingMs()).toBe(frozen);
      await demo.tablet.extend(CITIZENSHIP_SESSION_ID, candidate.candidateId, 10, 'the room lost power');
      await expect.poll(() => page.remainingMs(), { timeout: 10_000 }).toBe(frozen + 10 * 60_000);
      await demo.tablet.resume(CITIZENSHIP_SESSION_ID, candidate.candidateId);
      await page.page.getByTestId('paused').waitFor({ state: 'detached', timeout: 10_000 });
      await expect.poll(() => page.remainingMs(), { timeout: 10_000 }).toBeLessThan(frozen + 10 * 60_000);
    } finally {
      await browser.close();
    }
  });

  it('refuses to show the same attempt in a second tab', async () => {
    const candidate = demoCandidates()[4]!;
    const browser = await launchCandidateBrowser();
    try {
      const context = await newDesktopContext(browser);
      const first = new CandidatePage(await context.newPage(), demo.world.venue.url);
      await signInAndStart(demo.tablet, first, candidate);
      const second = new CandidatePage(await context.newPage(), demo.world.venue.url);
      await second.open('/exam');
      await second.page.getByTestId('other-tab').waitFor();
      expect(await second.page.getByTestId('exam').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it('saves on the PC while the network is down and says so, reaches the venue, and survives a reload', async () => {
    const candidate = demoCandidates()[5]!;
    const browser = await launchCandidateBrowser();
    try {
      const context = await newDesktopContext(browser);
      const page = new CandidatePage(await context.newPage(), demo.world.venue.url);
      await signInAndStart(demo.tablet, page, candidate);
      await context.setOffline(true);
      await page.pressOption(3);
      await page.waitForSaveState('local');
      await page.page.getByTestId('offline-notice').waitFor({ timeout: 15_000 });
      expect((await page.storedEvents()).some((row) => row.event.type === 'answer.set' && row.acked === 0)).toBe(true);
      await context.setOffline(false);
      await page.waitForSaveState('venue', 30_000);
      expect(await page.page.getByTestId('offline-notice').count()).toBe(0);
      // A reload resumes the same attempt from this PC and the venue.
      const left = await page.remainingMs();
      await page.page.reload();
      await page.waitForExam();
      expect((await page.gridCounts()).answered).toBe(1);
      expect(Math.abs((await page.remainingMs()) - left)).toBeLessThan(10_000);
    } finally {
      await browser.close();
    }
  });
});
