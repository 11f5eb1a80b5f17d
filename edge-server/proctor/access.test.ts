/**
 * Access control of every proctor route, as a matrix: route × who asks × own or other
 * room. Only a signed-in proctor assigned to the room may read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CODES, FIXTURE_IINS } from '../candidate/test-fixture';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';
import { FIXTURE_SESSION_ID, PROCTORS, seedTwoRooms } from './test-fixture';

type Who = 'anonymous' | 'candidate' | 'proctor1' | 'proctor2' | 'signed-out proctor' | 'forged token';
const ROOM_OF: Record<'room-1' | 'room-2', string> = { 'room-1': 'cand-1', 'room-2': 'cand-3' };
const ROUTES: { name: string; method?: 'POST'; body?: unknown; path: (roomId: 'room-1' | 'room-2') => string }[] = [
  { name: 'room view', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}` },
  { name: 'room stream', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/stream` },
  { name: 'photos', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/candidates/${ROOM_OF[roomId]}/photos` },
  { name: 'evidence', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/candidates/${ROOM_OF[roomId]}/violations/v-none/evidence` },
  { name: 'seating list PDF', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/seating-list.pdf` },
  { name: 'report PDF', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/report.pdf` },
  { name: 'act PDF', path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/acts/act-none.pdf` },
  { name: 'release code', method: 'POST', body: { code: 'WRONG-CODE-1' }, path: (roomId) => `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/${roomId}/release-code` },
];

let venue: TestVenue;
const cookies = new Map<Who, string>();

beforeAll(async () => {
  venue = openTestVenue();
  venue.store.config.create({ venueId: 'v1', publicKey: 'test', hubUrl: null }, 1_000);
  await seedTwoRooms(venue.store);
  cookies.set('anonymous', '');
  cookies.set('forged token', `proctor_session=${'ab'.repeat(32)}`);
  const candidate = await postJson(venue.app, '/api/candidate/login', { iin: FIXTURE_IINS['cand-1'], accessCode: FIXTURE_CODES['cand-1'], deviceId: 'pc-1' });
  expect(candidate.status).toBe(200);
  // A candidate's own cookie, and the same token offered as a proctor's.
  const candidateToken = /candidate_session=([0-9a-f]+)/.exec(candidate.headers.get('set-cookie') ?? '')![1]!;
  cookies.set('candidate', `candidate_session=${candidateToken}; proctor_session=${candidateToken}`);
  for (const who of ['proctor1', 'proctor2'] as const) {
    const p = PROCTORS[who];
    const response = await postJson(venue.app, '/api/proctor/sign-in', { username: p.username, pin: p.pin, deviceId: p.tabletId });
    cookies.set(who, `proctor_session=${/proctor_session=([0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1]}`);
  }
  const again = await postJson(venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: '1111', deviceId: 'tab-1b' });
  const revoked = `proctor_session=${/proctor_session=([0-9a-f]+)/.exec(again.headers.get('set-cookie') ?? '')![1]}`;
  await venue.app.request('/api/proctor/sign-out', { method: 'POST', headers: { cookie: revoked } });
  cookies.set('signed-out proctor', revoked);
});
afterAll(() => {
  venue.close();
  removeDir(venue.dataDir);
});

/** Expected status: 401 without a live proctor sign-in, 403 for another proctor's room, else the route's own answer. */
function expected(who: Who, roomId: 'room-1' | 'room-2', route: string): number {
  if (who !== 'proctor1' && who !== 'proctor2') return 401;
  if (PROCTORS[who].roomId !== roomId) return 403;
  return { evidence: 404, 'act PDF': 404, 'release code': 400 }[route] ?? 200;
}

const cases = ROUTES.flatMap((route) => (['room-1', 'room-2'] as const).flatMap((roomId) =>
  (['anonymous', 'candidate', 'forged token', 'signed-out proctor', 'proctor1', 'proctor2'] as const).map((who) => ({ route, roomId, who }))));

describe('proctor routes: access matrix', () => {
  it.each(cases)('$route.name, $roomId, as $who', async ({ route, roomId, who }) => {
    const controller = new AbortController();
    const init: RequestInit = route.method ? { method: route.method, body: JSON.stringify(route.body), headers: { cookie: cookies.get(who)!, 'content-type': 'application/json' } } : { headers: { cookie: cookies.get(who)! } };
    const response = await venue.app.request(route.path(roomId), { ...init, signal: controller.signal });
    expect(response.status).toBe(expected(who, roomId, route.name));
    if (response.status === 200 && route.name === 'room stream') {
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain(`"roomId":"${roomId}"`);
      await reader.cancel();
    } else if (response.status === 200 && route.name.endsWith('PDF')) {
      expect(response.headers.get('content-type')).toBe('application/pdf');
    } else if (response.status !== 200) {
      const body = (await response.json()) as { code: string };
      const code = { 401: 'not-signed-in', 403: 'not-your-room', 400: 'bad-release-code', 404: route.name === 'evidence' ? 'no-evidence' : 'no-act' }[response.status];
      expect(body.code).toBe(code);
    }
    controller.abort();
  });

  it('GET /me names only a signed-in proctor, with their own rooms', async () => {
    for (const who of ['anonymous', 'candidate', 'forged token', 'signed-out proctor'] as const) {
      const response = await venue.app.request('/api/proctor/me', { headers: { cookie: cookies.get(who)! } });
      expect(await response.json()).toEqual({ proctor: null });
    }
    const me = await venue.app.request('/api/proctor/me', { headers: { cookie: cookies.get('proctor2')! } });
    expect(((await me.json()) as { proctor: { rooms: { roomId: string }[] } }).proctor.rooms.map((r) => r.roomId)).toEqual(['room-2']);
  });

  it('a candidate in another room is not reachable through one\'s own room', async () => {
    const response = await venue.app.request(`/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/room-1/candidates/cand-3/photos`, { headers: { cookie: cookies.get('proctor1')! } });
    expect(response.status).toBe(404);
  });
});
