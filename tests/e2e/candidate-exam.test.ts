/**
 * The candidate's whole flow in a real Chromium against a real venue and hub with the
 * demo data: sign-in (IIN reasons, generic refusal), personal data, rules, pre-check,
 * waiting for the proctor, every item answered by keyboard (each answer in IndexedDB at
 * once, then acknowledged by the venue), a flag, a technical appeal, finish, and the
 * result screen. Then the proof: the venue holds every event, and its fold scores the
 * same as the device's own events. And what must never reach the PC: the answer key and
 * the decrypted package (network traffic and IndexedDB). Needs `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainedEvent } from '../../sync/events';
import { foldAttempt } from '../../sync/fold';
import { scoreAttempt } from '../../sync/scoring';
import { buildCitizenshipExam } from '../../hub/demo/exams';
import { CITIZENSHIP_SESSION_ID, DEMO_VENUE_ID } from '../../hub/demo/index';
import { newDesktopContext } from '../support/browser';
import { launchCandidateBrowser } from './pages/proctored-candidate';
import { ROOT } from '../support/processes';
import { CandidatePage } from './pages/candidate-page';
import { demoCandidates, demoProctorFor, ProctorTablet, startDemoVenue, venueEventsOf, type DemoVenue } from './pages/demo-venue';

const exam = buildCitizenshipExam();
const VENUE_DEVICE = `venue-${DEMO_VENUE_ID}`;

describe('candidate: sign-in to result', () => {
  let world: DemoVenue;
  let browser: Browser;
  let context: BrowserContext;
  const bodies: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    world = await startDemoVenue();
    browser = await launchCandidateBrowser();
    context = await newDesktopContext(browser);
    context.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.startsWith('/api/') && !url.pathname.endsWith('/stream')) void response.text().then((text) => bodies.push(text)).catch(() => undefined);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('takes a candidate from sign-in through every item to the result, with the venue holding every answer', async () => {
    const candidate = demoCandidates()[0]!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const page = new CandidatePage(await context.newPage(), world.venue.url);
    await page.open('/');
    expect(await page.accessibilityViolations()).toEqual([]);

    // A wrong IIN gets its specific reason; a wrong code a generic refusal.
    await page.chooseLanguage('en');
    expect(await page.signIn(candidate.iin.slice(0, 11), candidate.accessCode)).toMatch(/exactly 12 digits/);
    const badCheck = candidate.iin.slice(0, 11) + String((Number(candidate.iin[11]) + 1) % 10);
    expect(await page.signIn(badCheck, candidate.accessCode)).toMatch(/check\) digit|check digit/);
    expect(await page.signIn(candidate.iin, 'WRONG-0000')).toMatch(/Wrong code/);
    await page.chooseLanguage('kk');
    expect(await page.signIn(candidate.iin, candidate.accessCode)).toBeNull();
    await page.confirmRulesAndCheck();
    expect(await page.isWaiting()).toBe(true);
    // Before the proctor authorises, the venue gives out no key.
    expect(await page.page.evaluate(() => fetch('/api/candidate/key').then((r) => r.status))).toBe(409);

    const tablet = new ProctorTablet(world.venue.url);
    const proctor = demoProctorFor(candidate.roomId);
    await tablet.signIn(proctor.username, proctor.pin);
    await tablet.authorise(CITIZENSHIP_SESSION_ID, candidate.candidateId);
    await page.startWhenAuthorised();
    expect(await page.accessibilityViolations()).toEqual([]);

    // A listening item plays only as often as the package allows.
    const firstItem = await page.currentItemId();
    const listening = exam.examPackage.blocks[0]!.items[0]!;
    expect(listening.maxPlays).toBe(2);
    expect(await page.playAudio()).toBe(1);
    expect(await page.playAudio()).toBe(0);
    expect(await page.canPlayAudio()).toBe(false);
    expect((await page.storedEvents()).filter((row) => row.event.type === 'audio.played')).toHaveLength(2);

    // The first answer is in IndexedDB at once, then acknowledged by the venue.
    await page.pressOption(2);
    await page.page.waitForFunction(() => document.querySelector('[data-testid="save-status"]')?.getAttribute('data-state') !== 'saving');
    const stored = (await page.storedEvents()).filter((row) => row.event.type === 'answer.set');
    expect(stored.map((row) => row.event.type === 'answer.set' && row.event.data.itemId)).toContain(firstItem);
    await page.waitForSaveState('venue');
    // The answers are appended by the device writer's worker, not in the page.
    expect(page.page.workers().map((worker) => new URL(worker.url()).pathname).some((path) => /device-writer/.test(path))).toBe(true);

    const { total } = await page.gridCounts();
    expect(total).toBe(exam.examPackage.blocks.reduce((sum, block) => sum + block.items.length, 0));
    for (let n = 1; n < total; n++) {
      await page.nextByKeyboard();
      await page.pressOption((n % 4) + 1);
    }
    await page.openItem(2);
    await page.toggleFlag();
    await page.fileTechnicalAppeal('image-missing');
    expect(await page.gridCounts()).toEqual({ answered: total, flagged: 1, total });

    const summary = await page.openFinish();
    expect(summary).toEqual({ unanswered: 0, flagged: 1 });
    expect(await page.accessibilityViolations()).toEqual([]);
    await page.confirmFinish();
    const shown = await page.result();
    expect(await page.accessibilityViolations()).toEqual([]);
    const venueResult = await page.page.evaluate(() => fetch('/api/candidate/result').then((r) => r.json())) as { result: { withheld: boolean; score?: { total: number } } };
    // The citizenship policy shows the analysis card: the venue scores with the sealed key the hub sent.
    expect(venueResult.result.withheld).toBe(false);
    expect(shown).toBe('card');

    // A content appeal, within the window, names items and carries a justification.
    await page.fileContentAppeal([firstItem], 'several-correct', 'Options B and C both state the same date in different words.');

    // Every device event reached the venue, and both folds give the same score.
    const device = (await page.storedEvents()).map((row) => row.event).filter((event) => event.attemptId === attemptId);
    await expect.poll(async () => (await page.storedEvents()).every((row) => row.acked === 1), { timeout: 20_000 }).toBe(true);
    const atVenue = venueEventsOf(world.venue, attemptId);
    const venueHashes = new Set(atVenue.map((event) => event.hash));
    expect(device.every((event) => venueHashes.has(event.hash))).toBe(true);
    const venueState = foldAttempt(atVenue, { attemptId, venueDeviceIds: [VENUE_DEVICE] });
    const clock: ChainedEvent[] = atVenue.filter((event) => event.deviceId === VENUE_DEVICE);
    const deviceState = foldAttempt([...device, ...clock], { attemptId, venueDeviceIds: [VENUE_DEVICE] });
    expect(venueState.status).toBe('finished');
    expect(Object.keys(venueState.answers)).toHaveLength(total);
    expect(venueState.appeals.map((appeal) => [appeal.kind, appeal.ground])).toEqual([['technical', 'image-missing'], ['content', 'several-correct']]);
    expect(venueState.audioPlays[firstItem]).toBe(2);
    expect(scoreAttempt(venueState, exam.examPackage, exam.answerKey)).toEqual(scoreAttempt(deviceState, exam.examPackage, exam.answerKey));
    expect(venueResult.result.score?.total).toBe(scoreAttempt(venueState, exam.examPackage, exam.answerKey).total);

    // Nothing that must stay off the PC ever reached it: no key in any answer, no plain package stored.
    const firstStem = exam.examPackage.blocks[0]!.items[0]!.stem;
    const everything = bodies.join('\n');
    expect(everything).not.toContain('correctOptionIds');
    expect(everything).not.toContain(firstStem.kk);
    const dump = await page.storageDump();
    expect(dump).toContain('ciphertext');
    expect(dump).not.toContain(firstStem.kk);
    expect(dump).not.toContain(firstStem.ru);
    expect(dump).not.toContain('correctOptionIds');
  });
});
