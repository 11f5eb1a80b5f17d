/**
 * Exam-day gaps on the proctor's side: a PC with nothing to push is still heard from, a
 * candidate removed before the start has their attempt closed by the venue, and the
 * proctor's close of the room shows on the room, with the venue's progress toward the hub.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_CODES, FIXTURE_IINS } from '../candidate/test-fixture';
import { postJson } from '../test-support';
import { NOT_HEARD_FROM_AFTER_MS } from './room-state';
import { FIXTURE_SESSION_ID, releaseKey } from './test-fixture';
import { useTwoRoomVenue, type Draft } from './test-venue';

const ATTEMPT_1 = `${FIXTURE_SESSION_ID}.cand-1`;
const ATTEMPT_2 = `${FIXTURE_SESSION_ID}.cand-2`;
const PC = 'pc-a01';
const fixture = useTwoRoomVenue();
const { venueEvents, room } = fixture;
const proctorToken = (): Promise<string> => fixture.signIn('proctor1');

async function candidateToken(): Promise<string> {
  const response = await postJson(fixture.venue.app, '/api/candidate/login', { iin: FIXTURE_IINS['cand-1'], accessCode: FIXTURE_CODES['cand-1'], deviceId: PC });
  expect(response.status).toBe(200);
  return /candidate_session=([0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
}

async function pushFrom(deviceId: string, bodies: Draft[]): Promise<void> {
  expect((await fixture.pushFrom(deviceId, bodies)).status).toBe(200);
}

const lastContact = (deviceId: string): number | undefined =>
  (fixture.venue.store.db.sqlite.prepare('SELECT last_seen_at AS at FROM device_contacts WHERE device_id = ?').get(deviceId) as { at: number } | undefined)?.at;

describe('a PC with nothing to push', () => {
  it('is heard from through its attempt reads, and does not show as "not heard from"', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    const proctor = await proctorToken();
    const candidate = await candidateToken();
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect(lastContact(PC)).toBeUndefined(); // the PC has pushed nothing
    // The PC was last heard from long ago (it only pushed something at the start)...
    fixture.venue.store.db.sqlite.prepare('INSERT INTO device_contacts (device_id, last_seen_at) VALUES (?, ?)').run(PC, Date.now() - NOT_HEARD_FROM_AFTER_MS - 60_000);
    expect((await room(proctor)).candidates.find((c) => c.candidateId === 'cand-1')?.status).toBe('not-heard-from');
    // ...and now polls its attempt: that is contact.
    const before = Date.now();
    expect((await fixture.venue.app.request('/api/candidate/attempt', { headers: { cookie: `candidate_session=${candidate}` } })).status).toBe(200);
    expect(lastContact(PC)).toBeGreaterThanOrEqual(before);
    const view = (await room(proctor)).candidates.find((c) => c.candidateId === 'cand-1')!;
    expect(view.status).toBe('in-progress');
    expect(view.lastContactAt).toBeGreaterThanOrEqual(before);
  });

  it('is heard from while its command stream is open', async () => {
    const candidate = await candidateToken();
    const controller = new AbortController();
    const before = Date.now();
    const response = await fixture.venue.app.request('/api/candidate/stream', { headers: { cookie: `candidate_session=${candidate}` }, signal: controller.signal });
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
    releaseKey(fixture.venue.store, fixture.sessionKey);
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_2, data: { candidateId: 'cand-2' } }]);
    expect((await room(proctor)).candidates.find((c) => c.candidateId === 'cand-2')?.status).toBe('removed');
    expect(venueEvents(ATTEMPT_2).map((e) => e.type)).toEqual(['attempt.closed']);
  });
});

describe('a removal with an act', () => {
  it('annuls the attempt in the venue\'s result route', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    await proctorToken();
    const candidate = await candidateToken();
    const result = async () => (await (await fixture.venue.app.request('/api/candidate/result', { headers: { cookie: `candidate_session=${candidate}` } })).json()) as { result: { isAnnulled: boolean } };
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect((await fixture.venue.app.request('/api/candidate/result', { headers: { cookie: `candidate_session=${candidate}` } })).status).toBe(409);
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
    await pushFrom(PC, [{ type: 'proctor.room-closed', at: Date.now(), data: { sessionId: FIXTURE_SESSION_ID, roomId: 'room-1', unfinishedAttemptIds: [] } }]);
    await pushFrom('tab-1', [{ type: 'proctor.room-closed', at: Date.now(), data: { sessionId: FIXTURE_SESSION_ID, roomId: 'room-2', unfinishedAttemptIds: [] } }]);
    expect((await room(proctor)).closure).toBeNull();
    const closedAt = Date.now();
    await pushFrom('tab-1', [{ type: 'proctor.room-closed', at: closedAt, data: { sessionId: FIXTURE_SESSION_ID, roomId: 'room-1', unfinishedAttemptIds: [ATTEMPT_1, ATTEMPT_2], note: 'Екеуі келмеді' } }]);
    view = await room(proctor);
    expect(view.closure).toEqual({ closedAt, deviceId: 'tab-1', unfinishedAttemptIds: [ATTEMPT_1, ATTEMPT_2], note: 'Екеуі келмеді' });
    expect(view.hubSync.pendingEvents).toBe(3);
    fixture.venue.store.uplink.recordSuccess({ ackedVenueSeq: 2, root: '0'.repeat(64) }, closedAt);
    expect((await room(proctor)).hubSync).toMatchObject({ pendingEvents: 1, lastSuccessAt: closedAt });
  });
});
