/**
 * A fresh venue for each test of the proctor side, seeded with the two-room session
 * (key not yet released), plus the steps those tests repeat: a proctor signing in, a
 * device pushing the next events of its chain, reading room-1 and the venue's own events.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { EventBody } from '../../sync/events';
import { chainBodies } from '../../sync/testkit';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';
import type { RoomView } from './room-state';
import { FIXTURE_SESSION_ID, PROCTORS, seedTwoRooms } from './test-fixture';

/** Room-1 of the fixture session under the proctor API. */
export const ROOM_1 = `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/room-1`;

/** An event as a test writes it: the device's chain fills in `seq`, `deviceId` and `epoch`. */
export type Draft = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;

/** A venue event as read back from the log. */
export type VenueEvent = { type: string; at: number; data: Record<string, unknown> };

/** Opens the venue before each test of the calling file and removes it after; read `venue` and `sessionKey` inside a test. */
export function useTwoRoomVenue() {
  let venue: TestVenue | undefined;
  let sessionKey = '';
  const heads = new Map<string, { seq: number; hash: string }>();
  beforeEach(async () => {
    heads.clear();
    venue = openTestVenue();
    venue.store.config.create({ venueId: 'v1', publicKey: 'test', hubUrl: null }, 1_000);
    ({ key: sessionKey } = await seedTwoRooms(venue.store));
  });
  afterEach(() => {
    venue!.close();
    removeDir(venue!.dataDir);
  });
  const current = (): TestVenue => venue!;
  return {
    get venue(): TestVenue {
      return current();
    },
    get sessionKey(): string {
      return sessionKey;
    },
    /** Signs a fixture proctor in on their tablet; returns the session token. */
    async signIn(who: keyof typeof PROCTORS): Promise<string> {
      const p = PROCTORS[who];
      const response = await postJson(current().app, '/api/proctor/sign-in', { username: p.username, pin: p.pin, deviceId: p.tabletId });
      expect(response.status).toBe(200);
      return /proctor_session=([0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
    },
    /** Pushes the next events of `deviceId`'s chain (epoch 5); the chain moves on only when the venue takes them. */
    async pushFrom(deviceId: string, bodies: Draft[]): Promise<Response> {
      const events = chainBodies(bodies, { deviceId, epoch: 5 }, heads.get(deviceId));
      const response = await postJson(current().app, '/api/device/events', { deviceId, epoch: 5, events });
      if (response.status === 200) heads.set(deviceId, { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });
      return response;
    },
    /** The venue's own events for an attempt, straight from the log. */
    venueEvents(attemptId: string): VenueEvent[] {
      return current().store.db.sqlite
        .prepare("SELECT body FROM venue_log WHERE attempt_id = ? AND device_id = 'venue-v1' ORDER BY venue_seq")
        .all(attemptId)
        .map((row) => JSON.parse((row as { body: string }).body) as VenueEvent);
    },
    /** The room as the proctor's tablet reads it. */
    async room(token: string, path = ROOM_1): Promise<RoomView> {
      const response = await current().app.request(path, { headers: { cookie: `proctor_session=${token}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as RoomView;
    },
  };
}
