/**
 * The hub is out of reach at start time. A real hub publishes the citizenship session to
 * the demo venue with its key held back for the start, the venue pulls the sealed
 * package, and the hub goes down. In a real Chromium, room-2's proctor types a wrong
 * release code (a clear refusal in Russian), then the right one: the session opens, a
 * candidate is authorised and gets the key that opens the package, finishes, and the
 * proctor closes the room through the checklist, the venue's events waiting for the hub
 * shown. Needs `npm run build` first (or VENUE_STATIC_DIR pointing at a build).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubServices } from '../../hub/app';
import { openHubDatabase } from '../../hub/db';
import { buildDemo, CITIZENSHIP_SESSION_ID, DEMO_VENUE_ID } from '../../hub/demo/index';
import { ExamPackage } from '../../sync/package';
import { openPackage } from '../../sync/seal';
import { launchBrowser, newTabletContext } from '../support/browser';
import { startHub, startVenue, tempDir, type RunningProcess } from '../support/processes';
import { demoCandidates, demoProctorFor, requireBuild, venueEventsOf, waitForVenuePull } from './pages/demo-venue';
import { ClassroomPc, ProctorRoomPage } from './pages/proctor-room-page';

const RELEASE_CODE = 'KQ7M-2XDR-9PLT';
const VENUE_DEVICE = `venue-${DEMO_VENUE_ID}`;

/** A hub data folder with the citizenship session published to the demo venue, its key not released. */
async function seedHubWithHeldKey(dataDir: string): Promise<string> {
  const database = await openHubDatabase({ dataDir });
  try {
    const services = createHubServices({ database });
    const demo = buildDemo();
    const { token } = await services.enrolment.createToken('e2e', { venueId: DEMO_VENUE_ID, validHours: 1 });
    const session = demo.sessions.find((s) => s.sessionId === CITIZENSHIP_SESSION_ID)!;
    const exam = demo.exams.find((e) => e.examPackage.examId === session.examId)!;
    // The session starts in ten minutes: the hub would release the key then, but it will be down.
    await services.publishing.publish(session, exam.examPackage, exam.answerKey, { releaseCode: RELEASE_CODE, actor: 'e2e' });
    return token;
  } finally {
    await database.close();
  }
}

/** A candidate's PC over HTTP, keeping its sign-in cookie to ask for the key as the PWA does. */
async function candidateCookie(venueUrl: string, iin: string, accessCode: string, deviceId: string): Promise<string> {
  const response = await fetch(`${venueUrl}/api/candidate/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ iin, accessCode, deviceId }),
  });
  expect(response.status).toBe(200);
  return /candidate_session=[0-9a-f]+/.exec(response.headers.get('set-cookie') ?? '')![0];
}

describe('proctor: release code when the hub is out of reach', () => {
  let hub: RunningProcess;
  let venue: RunningProcess;
  let browser: Browser;
  let context: BrowserContext;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    requireBuild();
    const hubDir = tempDir('hub');
    const token = await seedHubWithHeldKey(hubDir);
    hub = await startHub({ dataDir: hubDir });
    venue = await startVenue({ env: { HUB_URL: hub.url, VENUE_ENROL_TOKEN: token, VENUE_SYNC_INTERVAL_MS: '500' } });
    await waitForVenuePull(venue.url, 'the venue to pull the session and its sealed package');
    await hub.stop();
    browser = await launchBrowser();
    context = await newTabletContext(browser);
    context.on('weberror', (error) => scriptErrors.push(error.error().message));
  });

  afterAll(async () => {
    await browser?.close();
    await venue?.stop();
    await hub?.stop();
  });

  it('refuses a wrong code in the proctor\'s language, opens the exam with the right one, and a candidate starts', async () => {
    const candidate = demoCandidates().find((c) => c.roomId === 'room-2')!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const proctor = demoProctorFor('room-2');
    const tablet = await ProctorRoomPage.open(context, venue.url);
    await tablet.signIn(proctor.username, proctor.pin, { sessionId: CITIZENSHIP_SESSION_ID, roomId: 'room-2' });
    await expect.poll(() => tablet.page.locator('.room__head').innerText()).toContain('Экзамен ещё не открыт');

    const pcCookie = await candidateCookie(venue.url, candidate.iin, candidate.accessCode, 'pc-e2e-release');
    const askKey = () => fetch(`${venue.url}/api/candidate/key`, { headers: { cookie: pcCookie } });
    expect((await askKey()).status).toBe(409); // not released: the hub never sent the key

    await tablet.typeReleaseCode('AAAA-BBBB-CCCC');
    expect(await tablet.releaseCodeRefusal()).toBe('Неверный код разблокировки.');
    expect((await askKey()).status).toBe(409);

    await tablet.typeReleaseCode(RELEASE_CODE.toLowerCase());
    await tablet.page.getByTestId('release-code').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => tablet.page.locator('.room__head').innerText()).toContain('Экзамен открыт');

    // The candidate is let in as usual; the key they get opens the package the venue holds sealed.
    await tablet.openSeat(candidate.seatId);
    await tablet.act('check-in');
    await tablet.waitForSeatStatus(candidate.seatId, 'checked-in');
    await tablet.act('identity-match');
    await tablet.waitForSeatStatus(candidate.seatId, 'ready');
    await tablet.act('authorise');
    await tablet.waitForSeatStatus(candidate.seatId, 'in-progress');
    const keyResponse = await askKey();
    expect(keyResponse.status).toBe(200);
    const { key } = (await keyResponse.json()) as { key: string };
    const { sealed } = (await (await fetch(`${venue.url}/api/candidate/package`, { headers: { cookie: pcCookie } })).json()) as { sealed: Parameters<typeof openPackage>[0] & { examId: string } };
    expect(ExamPackage.parse(JSON.parse(await openPackage(sealed, key))).examId).toBe(sealed.examId);
    expect(venueEventsOf(venue, attemptId).filter((e) => e.deviceId === VENUE_DEVICE).map((e) => e.type)).toEqual(['timer.started']);

    // The candidate finishes; every other candidate of the room stayed away.
    const pc = new ClassroomPc(venue.url, 'pc-e2e-release');
    await pc.push({ type: 'attempt.finished', attemptId, data: { reason: 'candidate' } });
    await tablet.waitForSeatStatus(candidate.seatId, 'finished');
    await tablet.waitForAllSent();

    // Closing the room: every item green, the events still waiting for the (unreachable) hub shown.
    const checklist = await tablet.closeChecklist();
    expect(Object.fromEntries(Object.entries(checklist).map(([key, item]) => [key, item.isDone]))).toEqual({
      'all-done': true, 'violations-reviewed': true, 'appeals-acknowledged': true, 'all-sent': true, 'hub-sync': true,
    });
    expect(checklist['hub-sync']!.text).toMatch(/\d+ событи/);
    expect(await tablet.closeRoom()).toContain('Аудитория закрыта');
    await expect.poll(() => tablet.page.getByTestId('room-closed-badge').innerText()).toContain('Аудитория закрыта');
    const db = new Database(join(venue.dataDir, 'venue.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const closures = db.prepare("SELECT body FROM venue_log WHERE type = 'proctor.room-closed'").all() as { body: string }[];
      expect(closures).toHaveLength(1);
      const closure = JSON.parse(closures[0]!.body) as { deviceId: string; data: { roomId: string; unfinishedAttemptIds: string[] } };
      expect(closure.deviceId).not.toBe('pc-e2e-release');
      expect(closure.data.roomId).toBe('room-2');
      expect(closure.data.unfinishedAttemptIds).toHaveLength(demoCandidates().filter((c) => c.roomId === 'room-2').length - 1);
      expect(closure.data.unfinishedAttemptIds).not.toContain(attemptId);
    } finally {
      db.close();
    }
    expect(scriptErrors).toEqual([]);
  });
});
