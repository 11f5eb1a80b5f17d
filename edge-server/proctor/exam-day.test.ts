/**
 * Exam-day gaps on the proctor's side: a PC with nothing to push is still heard from, a
 * candidate removed before the start has their attempt closed by the venue, and the
 * proctor's close of the room shows on the room, with the venue's progress toward the hub.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBody } from '../../sync/events';
import { chainBodies } from '../../sync/testkit';
import { FIXTURE_CODES, FIXTURE_IINS } from '../candidate/test-fixture';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';
import { NOT_HEARD_FROM_AFTER_MS, type RoomView } from './room-state';
import { FIXTURE_SESSION_ID, releaseKey, seedTwoRooms } from './test-fixture';

const ATTEMPT_1 = `${FIXTURE_SESSION_ID}.cand-1`;
const ATTEMPT_2 = `${FIXTURE_SESSION_ID}.cand-2`;
const ROOM_1 = `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/room-1`;
const PC = 'pc-a01';
let venue: TestVenue;
let sessionKey: string;
const heads = new Map<string, { seq: number; hash: string }>();

beforeEach(async () => {
  heads.clear();
  venue = openTestVenue();
  venue.store.config.create({ venueId: 'v1', publicKey: 'test', hubUrl: null }, 1_000);
  ({ key: sessionKey } = await seedTwoRooms(venue.store));
});
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

async function proctorToken(): Promise<string> {
  const response = await postJson(venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: '1111', deviceId: 'tab-1' });
  expect(response.status).toBe(200);
  return /proctor_session=([0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
}

async function candidateToken(): Promise<string> {
  const response = await postJson(venue.app, '/api/candidate/login', { iin: FIXTURE_IINS['cand-1'], accessCode: FIXTURE_CODES['cand-1'], deviceId: PC });
  expect(response.status).toBe(200);
  return /candidate_session=([0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
}

type Draft = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;
async function pushFrom(deviceId: string, bodies: Draft[]): Promise<void> {
  const events = chainBodies(bodies, { deviceId, epoch: 5 }, heads.get(deviceId));
  const response = await postJson(venue.app, '/api/device/events', { deviceId, epoch: 5, events });
  expect(response.status).toBe(200);
  heads.set(deviceId, { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });
}

function venueEvents(attemptId: string): { type: string; data: Record<string, unknown> }[] {
  return venue.store.db.sqlite
    .prepare("SELECT body FROM venue_log WHERE attempt_id = ? AND device_id = 'venue-v1' ORDER BY venue_seq")
    .all(attemptId)
    .map((row) => JSON.parse((row as { body: string }).body) as { type: string; data: Record<string, unknown> });
}

async function room(token: string): Promise<RoomView> {
  const response = await venue.app.request(ROOM_1, { headers: { cookie: `proctor_session=${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as RoomView;
}

const lastContact = (deviceId: string): number | undefined =>
  (venue.store.db.sqlite.prepare('SELECT last_seen_at AS at FROM device_contacts WHERE device_id = ?').get(deviceId) as { at: number } | undefined)?.at;

describe('a PC with nothing to push', () => {
  it('is heard from through its attempt reads, and does not show as "not heard from"', async () => {
    releaseKey(venue.store, sessionKey);
    const proctor = await proctorToken();
    const candidate = await candidateToken();
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect(lastContact(PC)).toBeUndefined(); // the PC has pushed nothing
    // The PC was last heard from long ago (it only pushed something at the start)...
    venue.store.db.sqlite.prepare('INSERT INTO device_contacts (device_id, last_seen_at) VALUES (?, ?)').run(PC, Date.now() - NOT_HEARD_FROM_AFTER_MS - 60_000);
    expect((await room(proctor)).candidates.find((c) => c.candidateId === 'cand-1')?.status).toBe('not-heard-from');
    // ...and now polls its attempt: that is contact.
    const before = Date.now();
    expect((await venue.app.request('/api/candidate/attempt', { headers: { cookie: `candidate_session=${candidate}` } })).status).toBe(200);
    expect(lastContact(PC)).toBeGreaterThanOrEqual(before);
    const view = (await room(proctor)).candidates.find((c) => c.candidateId === 'cand-1')!;
    expect(view.status).toBe('in-progress');
    expect(view.lastContactAt).toBeGreaterThanOrEqual(before);
  });

  it('is heard from while its command stream is open', async () => {
    const candidate = await candidateToken();
    const controller = new AbortController();
    const before = Date.now();
    const response = await venue.app.request('/api/candidate/stream', { headers: { cookie: `candidate_session=${candidate}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: attempt');
    expect(lastContact(PC)).toBeGreaterThanOrEqual(before);
    controller.abort();
    await reader.cancel().catch(() => undefined);
  });
});

describe('a removal before the start', () => {
  it('makes the venue close the attempt as removed, and no timer starts for it afterwards', async () => {
    const proctor = await proctorToken();
    const removal: Draft = { type: 'proctor.remove', at: Date.now(), attemptId: ATTEMPT_2, data: { actId: 'act-1', actType: 'impostor', text: 'Басқа адам келді.', cosigners: ['Бақылаушы'] } };
    await pushFrom('tab-1', [removal]);
    // Read straight from the log: the hook authored it in the tablet's push, before any read.
    expect(venueEvents(ATTEMPT_2)).toEqual([expect.objectContaining({ type: 'attempt.closed', data: { reason: 'removed' } })]);
    releaseKey(venue.store, sessionKey);
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_2, data: { candidateId: 'cand-2' } }]);
    expect((await room(proctor)).candidates.find((c) => c.candidateId === 'cand-2')?.status).toBe('removed');
    expect(venueEvents(ATTEMPT_2).map((e) => e.type)).toEqual(['attempt.closed']);
  });
});

describe('a removal with an act', () => {
  it('annuls the attempt in the venue\'s result route', async () => {
    releaseKey(venue.store, sessionKey);
    await proctorToken();
    const candidate = await candidateToken();
    const result = async () => (await (await venue.app.request('/api/candidate/result', { headers: { cookie: `candidate_session=${candidate}` } })).json()) as { result: { isAnnulled: boolean } };
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect((await venue.app.request('/api/candidate/result', { headers: { cookie: `candidate_session=${candidate}` } })).status).toBe(409);
    await pushFrom('tab-1', [{ type: 'proctor.remove', at: Date.now(), attemptId: ATTEMPT_1, data: { actId: 'act-2', actType: 'prohibited-item', text: 'Телефон табылды.', cosigners: ['Бақылаушы'] } }]);
    expect((await result()).result.isAnnulled).toBe(true);
  });
});

describe('closing the room', () => {
  it('shows the room as closed once its proctor\'s tablet says so, and the venue\'s progress toward the hub', async () => {
    const proctor = await proctorToken();
    let view = await room(proctor);
    expect(view.closure).toBeNull();
    expect(view.hubSync).toEqual({ isConfigured: false, pendingEvents: 0, lastSuccessAt: null, lastError: null });
    // A PC cannot close the room, nor does another room's close count.
    await pushFrom(PC, [{ type: 'proctor.room-closed', at: Date.now(), data: { roomId: 'room-1', unfinishedAttemptIds: [] } }]);
    await pushFrom('tab-1', [{ type: 'proctor.room-closed', at: Date.now(), data: { roomId: 'room-2', unfinishedAttemptIds: [] } }]);
    expect((await room(proctor)).closure).toBeNull();
    const closedAt = Date.now();
    await pushFrom('tab-1', [{ type: 'proctor.room-closed', at: closedAt, data: { roomId: 'room-1', unfinishedAttemptIds: [ATTEMPT_1, ATTEMPT_2], note: 'Екеуі келмеді' } }]);
    view = await room(proctor);
    expect(view.closure).toEqual({ closedAt, deviceId: 'tab-1', unfinishedAttemptIds: [ATTEMPT_1, ATTEMPT_2], note: 'Екеуі келмеді' });
    expect(view.hubSync.pendingEvents).toBe(3);
    venue.store.uplink.recordSuccess({ ackedVenueSeq: 2, root: '0'.repeat(64) }, closedAt);
    expect((await room(proctor)).hubSync).toMatchObject({ pendingEvents: 1, lastSuccessAt: closedAt });
  });
});
