/**
 * An exam in progress resumes after a PC restart with no network, in a real Chromium
 * against a real venue: the candidate answers some items, the browser is killed and the
 * venue process stops; the browser comes back on the same profile with the venue still
 * down, reaches the exam from the service worker and the session key kept on the PC,
 * shows every answer and the time left (counting the time the PC was off), and takes more
 * answers. When the venue returns it receives every answer exactly once. After the finish
 * the key is gone from the PC's IndexedDB.
 * Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIZENSHIP_SESSION_ID } from '../../hub/demo/index';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/browser';
import { ROOT } from '../support/processes';
import { CandidatePage } from './pages/candidate-page';
import { demoCandidates, demoProctorFor, ProctorTablet, startDemoVenue, venueEventsOf, type DemoVenue } from './pages/demo-venue';
import { candidateCameraArgs } from './pages/proctored-candidate';

/** SIGKILLs the browser's main process: no shutdown, no flush. */
function killBrowser(profile: string): void {
  const pid = execFileSync('pgrep', ['-f', `user-data-dir=${profile}`]).toString().trim().split('\n')
    .map(Number).find((candidatePid) => !execFileSync('ps', ['-o', 'args=', '-p', String(candidatePid)]).toString().includes('--type='));
  if (!pid) throw new Error('the browser process was not found');
  process.kill(pid, 'SIGKILL');
}

describe('candidate: PC restart with no network', () => {
  let world: DemoVenue;
  let tablet: ProctorTablet;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    world = await startDemoVenue();
    tablet = new ProctorTablet(world.venue.url);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('reopens the exam from the PC alone, keeps counting down, and delivers every answer once', async () => {
    const candidate = demoCandidates()[7]!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const profile = mkdtempSync(join(tmpdir(), 'exam-candidate-profile-'));
    const launch = () => chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...candidateCameraArgs()], viewport: { width: 1366, height: 768 }, locale: 'kk-KZ',
    });
    let context: BrowserContext | null = await launch();
    try {
      const page = new CandidatePage(context.pages()[0] ?? (await context.newPage()), world.venue.url);
      await page.open('/');
      expect(await page.signIn(candidate.iin, candidate.accessCode)).toBeNull();
      await page.confirmRulesAndCheck();
      const proctor = demoProctorFor(candidate.roomId);
      await tablet.signIn(proctor.username, proctor.pin);
      await tablet.authorise(CITIZENSHIP_SESSION_ID, candidate.candidateId);
      await page.startWhenAuthorised();
      const sessionKey = await page.page.evaluate(() => fetch('/api/candidate/key').then((r) => r.json()).then((body: { key: string }) => body.key));
      expect(sessionKey.length).toBeGreaterThan(20);
      expect(await page.storageDump()).toContain(sessionKey);

      const before = 4;
      await page.pressOption(1);
      for (let n = 1; n < before; n++) {
        await page.nextByKeyboard();
        await page.pressOption(2);
      }
      await page.waitForSaveState('venue');
      await expect.poll(async () => (await page.storedEvents()).every((row) => row.acked === 1), { timeout: 20_000 }).toBe(true);
      const leftAtKill = await page.remainingMs();
      const killedAt = Date.now();
      killBrowser(profile);
      await context.close().catch(() => undefined);
      context = null;
      await world.venue.stop();

      // The PC comes back with the venue unreachable.
      context = await launch();
      const offline = new CandidatePage(context.pages()[0] ?? (await context.newPage()), world.venue.url);
      await offline.open('/exam');
      await offline.waitForExam();
      expect(await offline.page.evaluate(() => fetch('/api/candidate/me').then(() => 'reachable', () => 'unreachable'))).toBe('unreachable');
      const { answered, total } = await offline.gridCounts();
      expect(answered).toBe(before);
      const shown = await offline.remainingMs();
      const expected = leftAtKill - (Date.now() - killedAt);
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThan(leftAtKill);
      expect(Math.abs(shown - expected)).toBeLessThan(5000);

      const more = 3;
      for (let n = before + 1; n <= before + more && n <= total; n++) {
        await offline.openItem(n);
        await offline.pressOption(3);
      }
      await offline.waitForSaveState('local');
      expect((await offline.gridCounts()).answered).toBe(before + more);

      await world.restartVenue();
      await expect.poll(async () => (await offline.storedEvents()).every((row) => row.acked === 1), { timeout: 60_000 }).toBe(true);
      const device = (await offline.storedEvents()).map((row) => row.event).filter((event) => event.attemptId === attemptId && event.type === 'answer.set');
      expect(device).toHaveLength(before + more);
      const atVenue = venueEventsOf(world.venue, attemptId).filter((event) => event.type === 'answer.set');
      expect(atVenue.map((event) => event.hash).sort()).toEqual(device.map((event) => event.hash).sort());
      expect(new Set(atVenue.map((event) => `${event.deviceId}/${event.epoch}/${event.seq}`)).size).toBe(atVenue.length);

      expect(await offline.storageDump()).toContain(sessionKey);
      await offline.openFinish();
      await offline.confirmFinish();
      await expect.poll(() => offline.storageDump().then((dump) => dump.includes(sessionKey)), { timeout: 10_000 }).toBe(false);
    } finally {
      await context?.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      if (world.venue.child.exitCode !== null || world.venue.child.signalCode !== null) await world.restartVenue();
    }
  });
});
