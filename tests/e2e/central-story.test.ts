/**
 * The central staff's whole story in Chromium against a real demo hub and a venue enrolled
 * to it, every staff step by clicking: an admin imports a package, registers a room of the
 * venue "demo", schedules the session with its proctor, imports a two-candidate roster,
 * publishes the session and releases its key now (confirmed); one candidate takes the exam there (the proctor's tablet authorises),
 * finishes and files a content appeal, the other stays away; the staff see the attempt
 * complete at the hub, a reviewer clears the no-show, the appeals commission corrects the
 * key, and the admin publishes the results, finds the certificate in the session's journal,
 * downloads its PDF from there and checks it on the public page. Needs `npm run build`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examFile, IINS, ROOM, rosterCsv } from '../../hub/central/test-fixture';
import { newDesktopContext } from '../support/browser';
import { startHub, startVenue, type RunningProcess } from '../support/processes';
import { CandidatePage } from './pages/candidate-page';
import { CentralPage } from './pages/central-page';
import { ProctorTablet, requireBuild, waitForVenuePull } from './pages/demo-venue';
import { launchCandidateBrowser } from './pages/proctored-candidate';

const SESSION = 's-story';
const VENUE = 'demo';
const PROCTOR = { username: 'story.proctor', displayName: 'Proctor of the story', pin: '2468', roomIds: ['r1'] };

describe('central staff: from import to a verified certificate', () => {
  let hub: RunningProcess;
  let venue: RunningProcess;
  let browser: Browser;
  const scriptErrors: string[] = [];

  async function freshContext(): Promise<BrowserContext> {
    const context = await newDesktopContext(browser);
    context.on('weberror', (error) => scriptErrors.push(error.error().message));
    return context;
  }

  beforeAll(async () => {
    requireBuild();
    hub = await startHub({ env: { HUB_DEMO: '1' } });
    const token = readFileSync(join(hub.dataDir, 'demo-enrol-token'), 'utf8').trim();
    venue = await startVenue({ env: { HUB_URL: hub.url, VENUE_ENROL_TOKEN: token, VENUE_SYNC_INTERVAL_MS: '500' } });
    await waitForVenuePull(venue.url, 'the venue to pull the demo sessions');
    browser = await launchCandidateBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await venue?.stop();
    await hub?.stop();
  });

  it('imports, runs, reviews, decides the appeal, publishes and verifies the certificate', async () => {
    // 1. The admin imports the package and the roster, and publishes the session to the venue.
    const admin = await CentralPage.open(await freshContext(), hub.url);
    await admin.signIn('admin', 'demo-admin-pass');
    await admin.uploadExam('story.json', JSON.stringify(examFile()));
    expect(await admin.textOf('[data-test="exam-imported"]')).toBe('Imported ex-geo, version 1: 4 items.');
    const api = admin.page.request;
    expect(await admin.registerRoom({ venueId: VENUE, roomId: 'r1', name: ROOM.name, rows: 1, perRow: ROOM.seats.length })).toBe(`Room “${ROOM.name}” is registered at venue ${VENUE}.`);
    expect(await admin.registeredRooms()).toEqual(['r1 · Room 1 · 6 seats']);
    // Scheduled two hours ahead, so the key stays sealed until the admin releases it now.
    expect(await admin.scheduleSession({ sessionId: SESSION, venueId: VENUE, exam: 'ex-geo@1', startsAt: Date.now() + 2 * 3_600_000, proctors: [PROCTOR] })).toBe('Scheduled. Import its roster below.');
    const roster = rosterCsv().trim().split('\n').slice(0, 3).join('\n') + '\n';
    await admin.uploadRoster(SESSION, roster);
    const codes = await admin.accessCodes();
    expect(codes.size).toBe(2);
    await admin.publishChosenSession();
    await admin.openSession(SESSION);
    expect(await admin.textOf('[data-test="key-state"]')).toMatch(/^The key will be released at the start: /);
    expect(await admin.textOf('[data-test="proctors"]')).toBe('Proctors: Proctor of the story (story.proctor) — r1');
    expect(await admin.releaseKeyNow()).toMatch(/^Key released: /);
    expect(await admin.showReleaseCode()).toMatch(/^\S{6,}$/);

    // 2. The venue runs the exam: cand-a sits it, cand-b stays away.
    const candidateIin = IINS[0]!;
    const candidate = new CandidatePage(await (await freshContext()).newPage(), venue.url);
    await candidate.open('/');
    await candidate.chooseLanguage('en');
    const deadline = Date.now() + 30_000;
    let refusal: string | null = 'not tried';
    while (refusal !== null && Date.now() < deadline) {
      // The venue may not have pulled the new session yet.
      refusal = await candidate.signIn(candidateIin, codes.get(candidateIin)!);
      if (refusal !== null) await new Promise((r) => setTimeout(r, 500));
    }
    expect(refusal).toBeNull();
    await candidate.confirmRulesAndCheck();
    const tablet = new ProctorTablet(venue.url);
    await tablet.signIn(PROCTOR.username, PROCTOR.pin);
    await tablet.authorise(SESSION, 'cand-a');
    await candidate.page.getByTestId('start-exam').click({ timeout: 45_000 });
    await candidate.waitForExam();
    // Key: i1 a, i2 a, i3 c, i4 d. i3 is answered b (wrong), so 3 of 4 before the appeal.
    for (const [n, optionId] of ['a', 'a', 'b', 'd'].entries()) {
      await candidate.openItem(n + 1);
      await candidate.clickOption(optionId);
    }
    await candidate.waitForSaveState('venue');
    await candidate.openFinish();
    await candidate.confirmFinish();
    await candidate.result();
    await candidate.fileContentAppeal(['i3'], 'key-mismatch', 'Алматы is the largest city in the south; option b is right.');

    // 3. The venue pushes its events up; the staff see the attempt complete and clear the no-show.
    const attemptId = `${SESSION}.cand-a`;
    const seen = Date.now() + 60_000;
    let completeness = '';
    let lastSync = '';
    while (completeness !== 'complete' && Date.now() < seen) {
      lastSync = await (await fetch(`${venue.url}/api/admin/sync-now`, { method: 'POST' })).text();
      await admin.openSession(SESSION);
      const row = admin.page.locator(`tr[data-attempt="${attemptId}"]`);
      completeness = (await row.count()) > 0 ? (await admin.attemptCompleteness(attemptId)).trim().toLowerCase() : '';
      const hasAppeal = (await (await api.get(`${hub.url}/api/central/appeals/items?examId=ex-geo&examVersion=1`)).json() as { items: unknown[] }).items.length > 0;
      if (completeness === 'complete' && !hasAppeal) completeness = 'waiting for the appeal';
      if (completeness !== 'complete') await new Promise((r) => setTimeout(r, 500));
    }
    const lastReport = completeness === 'complete' ? '' : `${lastSync.slice(0, 1500)} ${await (await fetch(`${venue.url}/api/health`)).text()}`.slice(0, 4000);
    expect(completeness, lastReport).toBe('complete');
    await admin.signOut();

    const reviewer = await CentralPage.open(await freshContext(), hub.url);
    await reviewer.signIn('reviewer', 'demo-reviewer-pass');
    await reviewer.openSession(SESSION);
    const noShow = reviewer.page.locator('[data-test="queue"] li[data-resolved="no"][data-kind="no-show"]');
    expect(await noShow.count()).toBe(1);
    expect(await noShow.innerText()).toContain('cand-b');
    await reviewer.clearDiscrepancy('no-show', 'absent: did not come to the venue');
    expect(await reviewer.queue('yes').first().innerText()).toContain('Cleared by reviewer');
    expect(await reviewer.queue('no').allInnerTexts()).toEqual([]);
    await reviewer.signOut();

    // 4. The appeals commission corrects the key of i3 to b and sees the re-scoring report.
    const commission = await CentralPage.open(await freshContext(), hub.url);
    await commission.signIn('appeals', 'demo-appeals-pass');
    const report = await commission.decideAppeal('i3', 'correct-key', 'Option b is the largest southern city by population.', 'b');
    expect(report).toContain('Re-scored 1 attempts');
    expect(report).toContain(`${attemptId}: 3 → 4`);
    await commission.signOut();

    // 5. The admin publishes the results, downloads the certificate and verifies it publicly.
    await admin.signIn('admin', 'demo-admin-pass');
    expect(await admin.publishResults(SESSION)).toBe('Results published: 1, certificates: 1.');
    // Published once: the page now says when, and no longer offers to publish again.
    await admin.page.locator('[data-test="results-published-at"]').waitFor();
    expect(await admin.textOf('[data-test="results-published-at"]')).toMatch(/^Results published at .+\.$/);
    expect(await admin.isPublishResultsOffered()).toBe(false);
    await admin.openSession(SESSION);
    expect(await admin.isPublishResultsOffered()).toBe(false);
    expect((await admin.sessionList()).find((s) => s.sessionId === SESSION)?.state).toBe('Results published');
    await admin.openSession(SESSION);
    // The journal, read on a tablet-wide screen without sideways scrolling.
    await admin.page.setViewportSize({ width: 768, height: 1024 });
    const journal = await admin.certificateJournal();
    expect(await admin.hasHorizontalScroll()).toBe(false);
    expect(journal).toHaveLength(1);
    const certificate = journal[0]!;
    expect(certificate).toMatchObject({ iin: candidateIin, status: 'Valid' });
    expect(certificate.text).toContain('Әбілов Нұрлан');
    expect(certificate.text).toContain('4 / 4');
    const pdf = await admin.downloadCertificate(certificate.number);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await admin.signOut();
    expect(await admin.checkCertificate(candidateIin, certificate.code)).toContain(`Certificate ${certificate.number} is valid until`);
    expect(scriptErrors).toEqual([]);
  }, 240_000);
});
