/**
 * The analysis card in a real Chromium, against a venue that holds the answer key of its
 * exam (an in-process venue on a real SQLite file, seeded as the downlink would with a
 * small exam of every item type). The candidate answers a single, a multiple-answer and
 * an open item, and the card shows each item's points, the blocks against their
 * thresholds, the total against the pass mark, and the verdict. A one-minute exam then
 * warns, finishes by itself at zero, and the venue closes it as time-up. Needs `npm run build`.
 */
import { serve, type ServerType } from '@hono/node-server';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVenueApp } from '../../edge-server/app';
import { FIXTURE_ANSWER_KEY, FIXTURE_CODES, FIXTURE_IINS, FIXTURE_PROCTOR, FIXTURE_SESSION_ID, fixturePackage, releaseFixtureKey, seedFixture } from '../../edge-server/candidate/test-fixture';
import { openVenueStore, type VenueStore } from '../../edge-server/db/store';
import { DeviceIngest } from '../../edge-server/services/device-ingest';
import { newDesktopContext } from '../support/browser';
import { launchCandidateBrowser } from './pages/proctored-candidate';
import { ROOT } from '../support/processes';
import { CandidatePage } from './pages/candidate-page';
import { ProctorTablet } from './pages/demo-venue';

interface InProcessVenue {
  url: string;
  close(): Promise<void>;
}

/** A venue in this process on a real SQLite file, seeded with the fixture exam, its key released and its answer key held. */
async function startFixtureVenue(examPackage = fixturePackage()): Promise<InProcessVenue> {
  const dataDir = mkdtempSync(join(tmpdir(), 'exam-card-venue-'));
  const store: VenueStore = openVenueStore(dataDir);
  store.config.create({ venueId: 'card', publicKey: 'not-enrolled', hubUrl: null }, Date.now());
  const { key } = await seedFixture(store, { examPackage });
  releaseFixtureKey(store, key);
  const app = createVenueApp({ store, ingest: new DeviceIngest(store), version: 'e2e', staticDir: join(ROOT, 'dist'), answerKeyFor: (sessionId) => (sessionId === FIXTURE_SESSION_ID ? FIXTURE_ANSWER_KEY : undefined) });
  let server: ServerType | undefined;
  const url = await new Promise<string>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`));
  });
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function signInAndStart(browser: Browser, url: string): Promise<CandidatePage> {
  const page = new CandidatePage(await (await newDesktopContext(browser)).newPage(), url);
  await page.open('/');
  await page.chooseLanguage('en');
  expect(await page.signIn(FIXTURE_IINS['cand-1'], FIXTURE_CODES['cand-1'])).toBeNull();
  await page.confirmRulesAndCheck();
  const tablet = new ProctorTablet(url);
  await tablet.signIn(FIXTURE_PROCTOR.username, FIXTURE_PROCTOR.pin);
  await tablet.authorise(FIXTURE_SESSION_ID, 'cand-1');
  await page.startWhenAuthorised();
  return page;
}

describe('candidate: analysis card and time-up', () => {
  let browser: Browser;
  const venues: InProcessVenue[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    browser = await launchCandidateBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const venue of venues) await venue.close();
  });

  it('scores single, multiple and open items and shows the card with every pass mark', async () => {
    const venue = await startFixtureVenue();
    venues.push(venue);
    const page = await signInAndStart(browser, venue.url);
    await page.page.locator('[data-font-scale="1.4"]').click();
    expect(await page.page.getByTestId('exam').evaluate((el) => (el as HTMLElement).style.fontSize)).toBe('1.4em');

    await page.pressOption(1); // i1: correct
    await page.nextByKeyboard();
    await page.clickOption('i2c'); // i2: wrong
    await page.nextByKeyboard();
    await page.pressOption(1); // i3: a …
    await page.pressOption(3); // … and c: both correct
    await page.nextByKeyboard();
    await page.page.getByTestId('open-answer').fill('Because the constitution says so, in article one.');
    await page.page.getByTestId('previous').click(); // leaving the box saves it
    await page.waitForSaveState('venue');
    expect(await page.gridCounts()).toEqual({ answered: 4, flagged: 0, total: 4 });

    expect(await page.openFinish()).toEqual({ unanswered: 0, flagged: 0 });
    await page.confirmFinish();
    expect(await page.result()).toBe('card');
    const card = page.page.getByTestId('analysis-card');
    expect(await card.getByTestId('total').innerText()).toBe('3');
    expect(await card.locator('tr[data-item]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-points')))).toEqual(['1', '0', '2', '0']);
    expect(await card.getByTestId('block-points').allInnerTexts()).toEqual(['1 / 2', '2 / 5']);
    // 3 of 7 is under the 50 % pass mark (3.5), though both block thresholds are met.
    expect(await card.getByTestId('verdict').getAttribute('data-passed')).toBe('false');
    expect(await card.innerText()).toMatch(/marked by the commission/);
    expect(await page.accessibilityViolations()).toEqual([]);
  });

  it('warns near the end and finishes by itself at zero, and the venue closes the attempt as time-up', async () => {
    const venue = await startFixtureVenue(fixturePackage({ durationMinutes: 1 }));
    venues.push(venue);
    const page = await signInAndStart(browser, venue.url);
    await page.pressOption(2);
    // Under five minutes from the start: only the nearest warning.
    await page.page.locator('[data-testid="time-warning"][data-minutes="5"]').waitFor();
    await page.page.waitForURL((url) => url.pathname === '/result', { timeout: 90_000 });
    await page.page.getByTestId('time-up').waitFor();
    expect(await page.result()).toBe('card');
    const finished = (await page.storedEvents()).filter((row) => row.event.type === 'attempt.finished');
    expect(finished.map((row) => row.event.type === 'attempt.finished' && row.event.data.reason)).toEqual(['time-up']);
    const attempt = await page.page.evaluate(() => fetch('/api/candidate/attempt').then((r) => r.json())) as { attempt: { status: string; timer: { state: string } } };
    expect(attempt.attempt).toMatchObject({ status: 'finished', timer: { state: 'ended' } });
  });
});
