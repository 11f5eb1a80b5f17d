/**
 * A closed room takes no further proctor decisions, on a real venue (SQLite, the HTTP
 * API): decisions received after the close are kept in the log but change nothing (no
 * venue clock event, no seat move, no incident, no removal), the room view lists them as
 * refused, the release code is refused with `room-closed`, and the candidate's answers
 * still count.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_CODES, FIXTURE_IINS } from '../candidate/test-fixture';
import { postJson } from '../test-support';
import { FIXTURE_SESSION_ID, releaseKey } from './test-fixture';
import { ROOM_1, useTwoRoomVenue, type Draft } from './test-venue';

const ATTEMPT_1 = `${FIXTURE_SESSION_ID}.cand-1`;
const ATTEMPT_2 = `${FIXTURE_SESSION_ID}.cand-2`;
const ATTEMPT_3 = `${FIXTURE_SESSION_ID}.cand-3`;
const PC = 'pc-a01';
const fixture = useTwoRoomVenue();

async function pushFrom(deviceId: string, bodies: Draft[]): Promise<void> {
  expect((await fixture.pushFrom(deviceId, bodies)).status).toBe(200);
}

const closeRoom1 = (): Promise<void> => pushFrom('tab-1', [{ type: 'proctor.room-closed', at: Date.now(), data: { sessionId: FIXTURE_SESSION_ID, roomId: 'room-1', unfinishedAttemptIds: [] } }]);
const logCount = (): number => (fixture.venue.store.db.sqlite.prepare('SELECT count(*) AS n FROM venue_log').get() as { n: number }).n;

describe('a closed room', () => {
  it('keeps but does not apply later decisions on its attempts, and lists them as refused', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    const proctor = await fixture.signIn('proctor1');
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect(fixture.venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started']);
    await closeRoom1();

    const before = logCount();
    await pushFrom('tab-1', [
      { type: 'proctor.pause', at: Date.now(), attemptId: ATTEMPT_1, data: {} },
      { type: 'proctor.extend', at: Date.now(), attemptId: ATTEMPT_1, data: { minutes: 30, reason: 'late' } },
      { type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_2, data: { candidateId: 'cand-2' } },
      { type: 'proctor.remove', at: Date.now(), attemptId: ATTEMPT_1, data: { actId: 'act-9', actType: 'rule-violation', text: 'Кеш.', cosigners: ['Бақылаушы'] } },
      { type: 'proctor.move-seat', at: Date.now(), data: { candidateId: 'cand-2', toSeatId: 'A-01', reason: 'too late' } },
      { type: 'proctor.incident', at: Date.now(), data: { incidentId: 'inc-9', roomId: 'room-1', category: 'technical', text: 'after the close' } },
    ]);
    // The tablet's events are held (its chain moves on), but the venue authored nothing for them.
    expect(logCount()).toBe(before + 6);
    expect(fixture.venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started']);
    expect(fixture.venueEvents(ATTEMPT_2)).toEqual([]);

    const view = await fixture.room(proctor);
    const cand1 = view.candidates.find((c) => c.candidateId === 'cand-1')!;
    const cand2 = view.candidates.find((c) => c.candidateId === 'cand-2')!;
    expect(cand1.attemptStatus).toBe('in-progress');
    expect(cand2.attemptStatus).toBe('not-started');
    expect(cand2.seatId).toBe(cand2.rosterSeatId);
    expect(view.acts).toEqual([]);
    expect(view.incidents).toEqual([]);
    expect(view.refused.map((r) => [r.type, r.candidateId, r.reason])).toEqual([
      ['proctor.pause', 'cand-1', 'room-closed'],
      ['proctor.extend', 'cand-1', 'room-closed'],
      ['proctor.authorise', 'cand-2', 'room-closed'],
      ['proctor.remove', 'cand-1', 'room-closed'],
      ['proctor.move-seat', 'cand-2', 'room-closed'],
      ['proctor.incident', null, 'room-closed'],
    ]);
  });

  it('still takes the candidate\'s answers, and its screen ignores the refused decisions', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    await fixture.signIn('proctor1');
    const login = await postJson(fixture.venue.app, '/api/candidate/login', { iin: FIXTURE_IINS['cand-1'], accessCode: FIXTURE_CODES['cand-1'], deviceId: PC });
    const token = /candidate_session=([0-9a-f]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    await closeRoom1();
    await pushFrom('tab-1', [{ type: 'proctor.remove', at: Date.now(), attemptId: ATTEMPT_1, data: { actId: 'act-8', actType: 'impostor', text: 'Кеш.', cosigners: ['Бақылаушы'] } }]);
    await pushFrom(PC, [{ type: 'answer.set', at: Date.now(), attemptId: ATTEMPT_1, data: { itemId: 'i2', value: { optionIds: ['i2b'] } } }]);
    const { attempt } = (await (await fixture.venue.app.request('/api/candidate/attempt', { headers: { cookie: `candidate_session=${token}` } })).json()) as { attempt: { status: string; answers: Record<string, { value: unknown }> } };
    expect(attempt.status).toBe('in-progress');
    expect(attempt.answers.i2?.value).toEqual({ optionIds: ['i2b'] });
    expect(fixture.venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started']);
  });

  it('refuses the release code with room-closed, and leaves the session as it was', async () => {
    const proctor = await fixture.signIn('proctor1');
    await closeRoom1();
    const response = await fixture.venue.app.request(`${ROOM_1}/release-code`, {
      method: 'POST', headers: { cookie: `proctor_session=${proctor}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'TEST-CODE-0001' }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { code: string }).code).toBe('room-closed');
    expect(fixture.venue.store.downlink.releasedKey(FIXTURE_SESSION_ID)).toBeUndefined();
  });

  it('leaves other rooms, and decisions before the close, as they were', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    await fixture.signIn('proctor1');
    const proctor2 = await fixture.signIn('proctor2');
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    await closeRoom1();
    await pushFrom('tab-2', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_3, data: { candidateId: 'cand-3' } }]);
    expect(fixture.venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started']);
    expect(fixture.venueEvents(ATTEMPT_3).map((e) => e.type)).toEqual(['timer.started']);
    const room2 = await fixture.room(proctor2, `/api/proctor/sessions/${FIXTURE_SESSION_ID}/rooms/room-2`);
    expect(room2.closure).toBeNull();
    expect(room2.refused).toEqual([]);
  });
});
