/**
 * Two rooms with their proctors, for the proctor side's tests: the candidate fixture's
 * session (room-1 with cand-1, cand-2) plus room-2 with cand-3, proctor1 (PIN 1111) on
 * room-1 and proctor2 (PIN 2222) on room-2, put into a venue as the downlink would.
 */
import { makeIin } from '../../sync/iin';
import type { Session } from '../../sync/roster';
import { generateSessionKey, sealPackage, wrapKeyWithReleaseCode } from '../../sync/seal';
import { hashAccessCode } from '../candidate/access-code';
import { FIXTURE_SESSION_ID, fixturePackage, fixtureSession } from '../candidate/test-fixture';
import type { VenueStore } from '../db/store';

export const PROCTORS = {
  proctor1: { username: 'proctor1', pin: '1111', tabletId: 'tab-1', roomId: 'room-1' },
  proctor2: { username: 'proctor2', pin: '2222', tabletId: 'tab-2', roomId: 'room-2' },
} as const;
export const RELEASE_CODE = 'TEST-CODE-0001';
export { FIXTURE_SESSION_ID };

export async function twoRoomSession(): Promise<Session> {
  const base = await fixtureSession();
  return {
    ...base,
    rooms: [...base.rooms, { roomId: 'room-2', name: 'Room 2', seats: [{ seatId: 'B-01', label: 'B1', row: 0, col: 0 }] }],
    candidates: [
      ...base.candidates,
      { candidateId: 'cand-3', iin: makeIin('2000-01-15', 'male', 3), lastName: 'Нұрланұлы', firstName: 'Ерғали', language: 'kk', accommodations: [], roomId: 'room-2', seatId: 'B-01' },
    ],
    proctors: [
      { username: 'proctor1', displayName: 'Әсем Қайратқызы', pinHash: await hashAccessCode('1111', 1024), roomIds: ['room-1'] },
      { username: 'proctor2', displayName: 'Proctor Two', pinHash: await hashAccessCode('2222', 1024), roomIds: ['room-2'] },
    ],
  };
}

/** Seeds the session and its sealed package; returns the session key (not yet released). */
export async function seedTwoRooms(store: VenueStore): Promise<{ key: string; session: Session }> {
  const key = generateSessionKey();
  const session = await twoRoomSession();
  const sealed = await sealPackage(JSON.stringify(fixturePackage()), key);
  const wrapped = await wrapKeyWithReleaseCode(key, RELEASE_CODE);
  store.downlink.applyPage([
    { kind: 'session', seq: 1, session },
    { kind: 'package', seq: 2, sealed: { sessionId: FIXTURE_SESSION_ID, examId: 'exam-test', examVersion: 1, ...sealed }, keyWrappedByReleaseCode: wrapped },
  ], 2, Date.now());
  return { key, session };
}

export function releaseKey(store: VenueStore, key: string): void {
  store.downlink.applyPage([{ kind: 'key-release', seq: 3, sessionId: FIXTURE_SESSION_ID, key }], 3, Date.now());
}
