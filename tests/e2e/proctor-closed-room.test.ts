/**
 * A closed room takes no further actions, on the proctor's tablet in a real Chromium
 * against a real venue and hub with the demo data: once the proctor closes the room, the
 * screen says so and every action is disabled; a decision that still reaches the venue
 * from another of the proctor's tablets (one that was offline at the close) is kept in the
 * venue's log but changes nothing, and the tablet lists it as not applied, in Russian here.
 * Needs `npm run build` first.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIZENSHIP_SESSION_ID, DEMO_VENUE_ID } from '../../hub/demo/index';
import { launchBrowser, newTabletContext } from '../support/browser';
import { demoCandidates, demoProctorFor, ProctorTablet, requireBuild, startDemoVenue, venueEventsOf, type DemoVenue } from './pages/demo-venue';
import { ProctorRoomPage } from './pages/proctor-room-page';

const ROOM_ID = 'room-1';
const VENUE_DEVICE = `venue-${DEMO_VENUE_ID}`;

describe('proctor: a closed room', () => {
  let world: DemoVenue;
  let browser: Browser;

  beforeAll(async () => {
    requireBuild();
    world = await startDemoVenue();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('disables every action once closed, and shows a late decision as not applied', async () => {
    const proctor = demoProctorFor(ROOM_ID);
    const candidate = demoCandidates().find((c) => c.roomId === ROOM_ID)!;
    const attemptId = `${CITIZENSHIP_SESSION_ID}.${candidate.candidateId}`;
    const scriptErrors: string[] = [];
    const context = await newTabletContext(browser);
    context.on('weberror', (error) => scriptErrors.push(error.error().message));
    const tablet = await ProctorRoomPage.open(context, world.venue.url);
    await tablet.signIn(proctor.username, proctor.pin, { sessionId: CITIZENSHIP_SESSION_ID, roomId: ROOM_ID });
    // The proctor's second tablet, signed in before the close.
    const second = new ProctorTablet(world.venue.url);
    await second.signIn(proctor.username, proctor.pin);

    expect(await tablet.closeRoom()).toContain('Аудитория закрыта');
    const notice = tablet.page.getByTestId('room-closed-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('действия в ней больше не принимаются');
    for (const action of ['start-all', 'pause-all', 'resume-all'] as const) expect(await tablet.page.getByTestId(action).isDisabled()).toBe(true);
    expect(await tablet.page.getByTestId('incident-log').locator('button[type="submit"]').isDisabled()).toBe(true);
    await tablet.openSeat(candidate.seatId);
    expect(await tablet.page.getByTestId('panel-room-closed').isVisible()).toBe(true);
    expect(await tablet.page.locator('[data-testid="candidate-panel"] [data-action]').count()).toBe(0);

    // A decision from the other tablet arrives after the close: held, not applied, listed.
    await second.authorise(CITIZENSHIP_SESSION_ID, candidate.candidateId);
    const refused = tablet.page.getByTestId('refused-actions');
    await refused.waitFor({ timeout: 20_000 });
    expect(await notice.innerText()).toContain('Не применено');
    expect(await refused.innerText()).toContain(candidate.fullName);
    expect(await tablet.seatStatus(candidate.seatId)).toBe('empty');
    const held = venueEventsOf(world.venue, attemptId);
    expect(held.map((event) => event.type)).toEqual(['proctor.authorise']);
    expect(held.some((event) => event.deviceId === VENUE_DEVICE)).toBe(false);
    expect(scriptErrors).toEqual([]);
  });
});
