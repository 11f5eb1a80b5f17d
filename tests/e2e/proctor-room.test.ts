/**
 * The proctor's tablet in a real Chromium against a real venue and hub with the demo
 * data: sign in, watch a candidate's seat move through its statuses live, check them in,
 * confirm their identity, authorise the start, pause (with the Wi-Fi gone: the action
 * waits on the tablet and is delivered later), extend by 30 minutes and resume. Each
 * decision must appear in the venue log as the venue's own timer event. Several decisions
 * taken offline in a row apply once the tablet is back, in order, exactly once. A removal
 * with an act annuls the attempt on the seat map, on the candidate's own screen (a real
 * candidate PC in Chromium) and in the venue's result route.
 * Needs `npm run build` first (or VENUE_STATIC_DIR pointing at a build).
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIZENSHIP_SESSION_ID, DEMO_VENUE_ID } from '../../hub/demo/index';
import { launchBrowser, newTabletContext, waitForServiceWorker } from '../support/browser';
import { demoCandidates, demoProctorFor, requireBuild, startDemoVenue, venueEventsOf, type DemoVenue } from './pages/demo-venue';
import { ClassroomPc, ProctorRoomPage } from './pages/proctor-room-page';
import { candidateCameraArgs, signInCandidate } from './pages/proctored-candidate';

const VENUE_DEVICE = `venue-${DEMO_VENUE_ID}`;
const PHOTO = 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=';

describe('proctor: room seat map and decisions', () => {
  let world: DemoVenue;
  let browser: Browser;
  let context: BrowserContext;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    requireBuild();
    world = await startDemoVenue();
    // One Chromium for the tablet and the candidate's PC (which needs a camera).
    browser = await launchBrowser(candidateCameraArgs());
    context = await newTabletContext(browser);
    context.on('weberror', (error) => scriptErrors.push(error.error().message));
  });

  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('checks a candidate in, authorises, pauses offline (across a reload), extends and resumes, each applied by the venue', async () => {
    const candidate = demoCandidates().find((c) => c.roomId === 'room-1')!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const proctor = demoProctorFor('room-1');
    const tablet = await ProctorRoomPage.open(context, world.venue.url);
    await tablet.signIn(proctor.username, proctor.pin, { sessionId: CITIZENSHIP_SESSION_ID, roomId: 'room-1' });
    const seat = candidate.seatId;
    expect(await tablet.seatStatus(seat)).toBe('empty');
    expect(await tablet.seatText(seat)).toContain('Свободно'); // the tablet speaks Russian here

    // The candidate signs in at the PC and its identity photo arrives: the seat asks for the check.
    const pc = new ClassroomPc(world.venue.url);
    await pc.signIn(candidate.iin, candidate.accessCode);
    await pc.push({ type: 'identity.photo', attemptId, data: { photo: PHOTO, faceCount: 1 } });
    await tablet.waitForSeatStatus(seat, 'identity-to-verify');

    await tablet.openSeat(seat);
    await tablet.act('check-in');
    await tablet.act('identity-match');
    await tablet.waitForSeatStatus(seat, 'ready');
    await tablet.act('authorise');
    await tablet.waitForSeatStatus(seat, 'in-progress');
    expect(await tablet.secondsLeft(seat)).toBeGreaterThan(2 * 3600);
    await tablet.waitForAllSent();

    // Wi-Fi lost: several decisions in a row (pause, then +30 min twice) are kept on the
    // tablet and shown as not yet received, even across a reload.
    await waitForServiceWorker(tablet.page);
    const beforeOffline = await tablet.secondsLeft(seat);
    await context.setOffline(true);
    await tablet.act('pause');
    await expect.poll(() => tablet.pendingCount(), { timeout: 10_000 }).toBe(1);
    await tablet.act('extend-30');
    await expect.poll(() => tablet.pendingCount(), { timeout: 10_000 }).toBe(2);
    await tablet.act('extend-30');
    await expect.poll(() => tablet.pendingCount(), { timeout: 10_000 }).toBe(3);
    await tablet.page.reload();
    await tablet.page.locator('.seat-map').waitFor({ timeout: 20_000 });
    await expect.poll(() => tablet.pendingCount(), { timeout: 10_000 }).toBe(3);
    const pendingActions = (await tablet.pendingText()).split('\n').filter((line) => line.includes(' · ')).map((line) => line.split(' · ')[1]);
    expect(pendingActions).toEqual(['Пауза', 'Продлить время', 'Продлить время']);
    expect(venueEventsOf(world.venue, attemptId).filter((e) => e.deviceId === VENUE_DEVICE).map((e) => e.type)).toEqual(['timer.started']);
    await context.setOffline(false);
    await tablet.waitForAllSent(60_000);
    await tablet.waitForSeatStatus(seat, 'paused');
    // Each applied exactly once, in order: paused, and exactly 60 minutes more (not 30, not 90).
    const held = venueEventsOf(world.venue, attemptId);
    expect(held.filter((e) => e.type.startsWith('proctor.')).map((e) => [e.type, e.seq])).toEqual([
      ['proctor.authorise', expect.any(Number)], ['proctor.pause', expect.any(Number)], ['proctor.extend', expect.any(Number)], ['proctor.extend', expect.any(Number)],
    ]);
    const tabletSeqs = held.filter((e) => e.type.startsWith('proctor.')).map((e) => e.seq);
    expect(tabletSeqs).toEqual([...tabletSeqs].sort((a, b) => a - b));
    expect(held.filter((e) => e.deviceId === VENUE_DEVICE).map((e) => e.type)).toEqual(['timer.started', 'timer.paused', 'timer.extended', 'timer.extended']);
    await expect.poll(() => tablet.secondsLeft(seat), { timeout: 20_000 }).toBeGreaterThan(beforeOffline + 3600 - 120);
    expect(await tablet.secondsLeft(seat)).toBeLessThanOrEqual(beforeOffline + 3600);
    await tablet.openSeat(seat);
    await tablet.act('resume');
    await tablet.waitForSeatStatus(seat, 'in-progress');

    const venueTypes = venueEventsOf(world.venue, attemptId).filter((e) => e.deviceId === VENUE_DEVICE).map((e) => e.type);
    expect(venueTypes).toEqual(['timer.started', 'timer.paused', 'timer.extended', 'timer.extended', 'timer.resumed']);
    const tabletTypes = venueEventsOf(world.venue, attemptId).filter((e) => e.type.startsWith('proctor.')).map((e) => e.type);
    expect(tabletTypes).toEqual(['proctor.authorise', 'proctor.pause', 'proctor.extend', 'proctor.extend', 'proctor.resume']);
    expect(scriptErrors).toEqual([]);
  });

  it('removes a candidate with an act, annulled everywhere the attempt shows; logs an incident, and serves the act and the seating list as PDFs', async () => {
    const tablet = new ProctorRoomPage(context.pages()[0]!);
    const candidate = demoCandidates().filter((c) => c.roomId === 'room-1')[1]!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    // The candidate sits at a real PC (the PWA in Chromium, with a camera) and waits for the start.
    const pc = await signInCandidate(world, browser, demoCandidates().findIndex((c) => c.candidateId === candidate.candidateId));
    await pc.candidate.waitForIdentityPhoto();
    await tablet.openSeat(candidate.seatId);
    await tablet.act('check-in');
    await tablet.act('identity-match');
    await tablet.waitForSeatStatus(candidate.seatId, 'ready');
    await tablet.act('authorise');
    await tablet.waitForSeatStatus(candidate.seatId, 'in-progress');
    await pc.candidate.startWhenAuthorised();
    await tablet.removeWithAct('prohibited-item', 'Қалтасынан телефон табылды', ['Бақылаушы Сәуле Нұрқызы']);
    // Annulled everywhere: the proctor's seat, the candidate's own screen, and the venue's result route.
    await tablet.waitForSeatStatus(candidate.seatId, 'removed');
    await pc.candidate.page.getByText('Результат аннулирован').waitFor({ timeout: 30_000 });
    const result = await pc.candidate.page.evaluate(async () => (await (await fetch('/api/candidate/result')).json()) as { result: { isAnnulled: boolean; withheld: boolean; score?: { isAnnulled: boolean; isPassed: boolean } } });
    expect(result.result).toMatchObject({ isAnnulled: true, withheld: false, score: { isAnnulled: true, isPassed: false } });
    await pc.context.close();
    await tablet.recordIncident('environment', 'Дәлізде шу болды');
    await expect.poll(() => tablet.incidents(), { timeout: 20_000 }).toContain('Дәлізде шу болды');
    await tablet.waitForAllSent();
    const decisions = venueEventsOf(world.venue, attemptId).filter((e) => e.deviceId === VENUE_DEVICE || e.type.startsWith('proctor.'));
    expect(decisions.map((e) => e.type)).toEqual(['proctor.authorise', 'timer.started', 'proctor.remove', 'attempt.closed']);
    expect(decisions.at(-1)).toMatchObject({ deviceId: VENUE_DEVICE, data: { reason: 'removed' } });
    const links = await tablet.paperLinks();
    const actLink = links.find((href) => /\/acts\/act-[^/]+\.pdf$/.test(href));
    expect(actLink).toBeDefined();
    for (const href of [actLink!, links.find((h) => h.endsWith('seating-list.pdf'))!]) {
      expect(await tablet.fetchFromTablet(href)).toMatchObject({ status: 200, type: 'application/pdf' });
    }
  });

  it('starts, pauses and resumes every ready candidate of the room at once', async () => {
    const tablet = new ProctorRoomPage(context.pages()[0]!);
    const candidates = demoCandidates().filter((c) => c.roomId === 'room-1').slice(2, 4);
    for (const candidate of candidates) {
      await tablet.openSeat(candidate.seatId);
      await tablet.act('check-in');
      await tablet.waitForSeatStatus(candidate.seatId, 'checked-in');
      await tablet.act('identity-match');
      await tablet.waitForSeatStatus(candidate.seatId, 'ready');
    }
    for (const [action, status] of [['start-all', 'in-progress'], ['pause-all', 'paused'], ['resume-all', 'in-progress']] as const) {
      await tablet.roomAction(action);
      for (const candidate of candidates) await tablet.waitForSeatStatus(candidate.seatId, status);
    }
    for (const candidate of candidates) {
      const venueTypes = venueEventsOf(world.venue, `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`).filter((e) => e.deviceId === VENUE_DEVICE).map((e) => e.type);
      expect(venueTypes).toEqual(['timer.started', 'timer.paused', 'timer.resumed']);
    }
  });

  it('shows a violation live with its evidence, confirms it, and acknowledges a technical appeal', async () => {
    const tablet = new ProctorRoomPage(context.pages()[0]!);
    const candidate = demoCandidates().filter((c) => c.roomId === 'room-1')[4]!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const pc = new ClassroomPc(world.venue.url);
    await pc.signIn(candidate.iin, candidate.accessCode);
    await pc.push({ type: 'violation.started', attemptId, data: { violationId: 'v-1', kind: 'multiple-faces', evidence: PHOTO } });
    await pc.push({ type: 'appeal.technical', attemptId, data: { appealId: 'ap-1', itemId: 'kaz-001', reason: 'audio-missing' } });
    await expect.poll(() => tablet.feed().innerText(), { timeout: 20_000 }).toContain('multiple-faces');
    expect(await tablet.confirmFirstViolation('Екі адам көрінді')).toBe(PHOTO);
    await tablet.acknowledgeFirstAppeal();
    await tablet.waitForAllSent();
    await expect.poll(() => tablet.feed().innerText(), { timeout: 20_000 }).toContain('Подтверждено');
    await expect.poll(() => tablet.page.getByTestId('appeals-inbox').innerText(), { timeout: 20_000 }).toContain('Принято');
    const reviewed = venueEventsOf(world.venue, attemptId).find((e) => e.type === 'proctor.violation-reviewed');
    expect(reviewed?.data).toMatchObject({ violationId: 'v-1', decision: 'confirmed', note: 'Екі адам көрінді' });
  });

  it('shows another proctor only their own room', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const proctor = demoProctorFor('room-2');
    const tablet = await ProctorRoomPage.open(other, world.venue.url);
    await tablet.page.locator('input[name="username"]').fill(proctor.username);
    await tablet.page.locator('input[name="pin"]').fill(proctor.pin);
    await tablet.page.locator('form button[type="submit"]').click();
    // proctor2 has one room only, so the tablet opens it at once.
    await tablet.page.locator('.seat-map').waitFor({ timeout: 20_000 });
    expect(new URL(tablet.page.url()).pathname).toBe(`/proctor/rooms/${CITIZENSHIP_SESSION_ID}/room-2`);
    const response = await tablet.page.evaluate(async (path) => (await fetch(path)).status, `/api/proctor/sessions/${CITIZENSHIP_SESSION_ID}/rooms/room-1`);
    expect(response).toBe(403);
    // The room page in Kazakh passes the automated accessibility checks, with touch-sized buttons.
    await tablet.chooseLanguage('kk');
    await tablet.openSeat(demoCandidates().find((c) => c.roomId === 'room-2')!.seatId);
    expect(await tablet.accessibilityViolations()).toEqual([]);
    const smallest = await tablet.smallestButton();
    expect(Math.min(smallest.width, smallest.height)).toBeGreaterThanOrEqual(44);
    await other.close();
  });
});
