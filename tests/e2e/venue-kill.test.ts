/**
 * The venue server crashes mid-exam: two candidates in a real Chromium answer items while
 * the venue process is killed with SIGKILL (no shutdown, no flush) and started again on
 * the same data folder and port. Their screens say the answers are saved on the PC while
 * it is down; afterwards every event of each PC reaches the venue exactly once (same
 * count, no seq twice, the same hashes), the venue's fold of the attempt gives the
 * answers the PC's own events give, and the proctor's seat map counts them.
 * Needs `npm run build` first.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainedEvent, EventBody } from '../../sync/events';
import { foldAttempt } from '../../sync/fold';
import { CITIZENSHIP_SESSION_ID, DEMO_VENUE_ID, type CandidateCredential } from '../../hub/demo/index';
import { newDesktopContext, newTabletContext } from '../support/browser';
import type { RunningProcess } from '../support/processes';
import { CandidatePage } from './pages/candidate-page';
import { demoCandidates, demoProctorFor, ProctorTablet, requireBuild, startDemoVenue, type DemoVenue } from './pages/demo-venue';
import { launchCandidateBrowser } from './pages/proctored-candidate';
import { ProctorRoomPage } from './pages/proctor-room-page';

const VENUE_DEVICE = `venue-${DEMO_VENUE_ID}`;
const ROOM_ID = 'room-1';

interface Sitting {
  credential: CandidateCredential;
  attemptId: string;
  page: CandidatePage;
  /** Items answered so far, in order; the last one answered is on the screen. */
  answered: number;
}

/** Every row the venue holds from one device, in venue order, straight from its SQLite file. */
function venueRowsOf(venue: RunningProcess, deviceId: string): Array<{ seq: number; hash: string; event: ChainedEvent }> {
  const db = new Database(join(venue.dataDir, 'venue.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT seq, hash, prev_hash AS prevHash, body FROM venue_log WHERE device_id = ? ORDER BY venue_seq').all(deviceId) as Array<{ seq: number; hash: string; prevHash: string; body: string }>;
    return rows.map((row) => ({ seq: row.seq, hash: row.hash, event: { ...(JSON.parse(row.body) as EventBody), hash: row.hash, prevHash: row.prevHash } as ChainedEvent }));
  } finally {
    db.close();
  }
}

/** Answers the next `count` items, each on its own item: on to the next item, then an option chosen by its number. */
async function answerItems(sitting: Sitting, count: number, total: number): Promise<void> {
  for (let n = 0; n < count && sitting.answered < total; n++) {
    if (sitting.answered > 0) await sitting.page.nextByKeyboard();
    await sitting.page.pressOption(((sitting.answered * 3) % 4) + 1);
    sitting.answered++;
    await sitting.page.page.waitForTimeout(150);
  }
}

describe('venue: killed mid-exam and restarted', () => {
  let world: DemoVenue;
  let browser: Browser;

  beforeAll(async () => {
    requireBuild();
    world = await startDemoVenue();
    browser = await launchCandidateBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('loses and duplicates nothing the candidates answered while the venue crashed and came back', async () => {
    const tablet = new ProctorTablet(world.venue.url);
    const proctor = demoProctorFor(ROOM_ID);
    await tablet.signIn(proctor.username, proctor.pin);
    const credentials = demoCandidates().filter((c) => c.roomId === ROOM_ID).slice(0, 2);
    expect(credentials).toHaveLength(2);

    const sittings: Sitting[] = await Promise.all(credentials.map(async (credential) => {
      const page = new CandidatePage(await (await newDesktopContext(browser)).newPage(), world.venue.url);
      await page.open('/');
      expect(await page.signIn(credential.iin, credential.accessCode)).toBeNull();
      await page.confirmRulesAndCheck();
      return { credential, attemptId: `${CITIZENSHIP_SESSION_ID}.${credential.candidateId}`, page, answered: 0 };
    }));
    for (const sitting of sittings) await tablet.authorise(CITIZENSHIP_SESSION_ID, sitting.credential.candidateId);
    await Promise.all(sittings.map((sitting) => sitting.page.startWhenAuthorised()));
    const { total } = await sittings[0]!.page.gridCounts();
    expect(total).toBeGreaterThanOrEqual(12);

    // Answering with the venue up; the venue is SIGKILLed while both keep answering.
    const answering = Promise.all(sittings.map((sitting) => answerItems(sitting, 4, total)));
    await sittings[0]!.page.page.waitForTimeout(300);
    await world.venue.kill();
    await answering;
    await Promise.all(sittings.map((sitting) => answerItems(sitting, 3, total)));
    for (const sitting of sittings) {
      // The screen says the answer is kept on this PC, and that the venue cannot be reached.
      await sitting.page.waitForSaveState('local');
      await sitting.page.page.getByTestId('offline-notice').waitFor({ timeout: 20_000 });
      expect((await sitting.page.gridCounts()).answered).toBe(sitting.answered);
      // Some of them wait on this PC for the venue's receipt.
      expect((await sitting.page.storedEvents()).some((row) => row.acked === 0)).toBe(true);
    }

    // Back on the same data folder and port: the PCs deliver what waited, and keep answering.
    await world.restartVenue();
    await Promise.all(sittings.map((sitting) => answerItems(sitting, 2, total)));
    for (const sitting of sittings) {
      await sitting.page.waitForSaveState('venue', 30_000);
      await expect.poll(async () => (await sitting.page.storedEvents()).every((row) => row.acked === 1), { timeout: 30_000 }).toBe(true);
    }

    for (const sitting of sittings) {
      const device = (await sitting.page.storedEvents()).map((row) => row.event);
      const deviceId = device[0]!.deviceId;
      expect(device.every((event) => event.deviceId === deviceId)).toBe(true);
      const atVenue = venueRowsOf(world.venue, deviceId);
      // Exactly once: as many rows as the PC wrote, no seq twice, and the very same chain.
      expect(atVenue).toHaveLength(device.length);
      expect(new Set(atVenue.map((row) => row.seq)).size).toBe(atVenue.length);
      expect(atVenue.map((row) => row.hash).sort()).toEqual(device.map((event) => event.hash).sort());

      const venueClock = venueRowsOf(world.venue, VENUE_DEVICE).map((row) => row.event).filter((event) => event.attemptId === sitting.attemptId);
      const options = { attemptId: sitting.attemptId, venueDeviceIds: [VENUE_DEVICE] };
      const deviceState = foldAttempt([...device.filter((event) => event.attemptId === sitting.attemptId), ...venueClock], options);
      const venueState = foldAttempt([...atVenue.map((row) => row.event).filter((event) => event.attemptId === sitting.attemptId), ...venueClock], options);
      expect(Object.keys(deviceState.answers)).toHaveLength(sitting.answered);
      expect(venueState.answers).toEqual(deviceState.answers);
    }

    // The proctor's seat map counts every answer.
    const tabletPage = await ProctorRoomPage.open(await newTabletContext(browser), world.venue.url);
    await tabletPage.signIn(proctor.username, proctor.pin, { sessionId: CITIZENSHIP_SESSION_ID, roomId: ROOM_ID });
    for (const sitting of sittings) {
      await expect.poll(() => tabletPage.seatText(sitting.credential.seatId), { timeout: 15_000 }).toContain(`${sitting.answered} / ${total}`);
    }
  }, 120_000);
});
