import { describe, expect, it } from 'vitest';
import { postJson } from '../test-support';
import { FIXTURE_SESSION_ID, RELEASE_CODE, releaseKey } from './test-fixture';
import { ROOM_1, useTwoRoomVenue } from './test-venue';

const ATTEMPT_1 = `${FIXTURE_SESSION_ID}.cand-1`;
const ATTEMPT_2 = `${FIXTURE_SESSION_ID}.cand-2`;
const fixture = useTwoRoomVenue();
const { signIn, pushFrom, venueEvents, room } = fixture;

describe('proctor sign-in', () => {
  it('sets an httpOnly SameSite=Strict cookie and lists only the assigned rooms', async () => {
    const response = await postJson(fixture.venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: '1111', deviceId: 'tab-1' });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const body = (await response.json()) as { proctor: { rooms: { roomId: string }[]; displayName: string } };
    expect(body.proctor.rooms.map((r) => r.roomId)).toEqual(['room-1']);
    expect(body.proctor.displayName).toBe('Әсем Қайратқызы');
  });

  it('refuses a wrong PIN and an unknown user alike, then rate-limits', async () => {
    const wrong = await postJson(fixture.venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: '9999', deviceId: 'tab-1' });
    const unknown = await postJson(fixture.venue.app, '/api/proctor/sign-in', { username: 'nobody', pin: '1111', deviceId: 'tab-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe(((await unknown.json()) as { code: string }).code);
    for (let i = 0; i < 4; i++) await postJson(fixture.venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: '0000', deviceId: 'tab-1' });
    const limited = await postJson(fixture.venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: '1111', deviceId: 'tab-1' });
    expect(limited.status).toBe(429);
  });

  it('refuses a malformed body with 400 and no cookie', async () => {
    const response = await postJson(fixture.venue.app, '/api/proctor/sign-in', { username: 'proctor1', pin: 'abc', deviceId: 'tab-1' });
    expect(response.status).toBe(400);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('ends access at sign-out', async () => {
    const token = await signIn('proctor1');
    const out = await fixture.venue.app.request('/api/proctor/sign-out', { method: 'POST', headers: { cookie: `proctor_session=${token}` } });
    expect(out.status).toBe(200);
    const after = await fixture.venue.app.request(ROOM_1, { headers: { cookie: `proctor_session=${token}` } });
    expect(after.status).toBe(401);
  });
});

describe('the venue applies proctor decisions as its own timer events', () => {
  it('authorise → timer.started with the candidate\'s duration incl. accommodations, in the same push', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    await signIn('proctor1');
    const now = Date.now();
    expect((await pushFrom('tab-1', [
      { type: 'proctor.authorise', at: now, attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } },
      { type: 'proctor.authorise', at: now, attemptId: ATTEMPT_2, data: { candidateId: 'cand-2' } },
    ])).status).toBe(200);
    // Read straight from the log, before any read route could author anything.
    expect(venueEvents(ATTEMPT_1).map((e) => [e.type, e.data.durationMs])).toEqual([['timer.started', 30 * 60_000]]);
    expect(venueEvents(ATTEMPT_2).map((e) => [e.type, e.data.durationMs])).toEqual([['timer.started', 60 * 60_000]]);
  });

  it('pause, resume, extend and remove each append the matching venue event', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    const token = await signIn('proctor1');
    const at = Date.now();
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at, attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    await pushFrom('tab-1', [{ type: 'proctor.pause', at, attemptId: ATTEMPT_1, data: { reason: 'fire alarm' } }]);
    expect((await room(token)).candidates.find((c) => c.candidateId === 'cand-1')?.status).toBe('paused');
    await pushFrom('tab-1', [{ type: 'proctor.resume', at, attemptId: ATTEMPT_1, data: {} }]);
    await pushFrom('tab-1', [{ type: 'proctor.extend', at, attemptId: ATTEMPT_1, data: { minutes: 30, reason: 'accommodation' } }]);
    expect(venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started', 'timer.paused', 'timer.resumed', 'timer.extended']);
    expect(venueEvents(ATTEMPT_1)[3]!.data.extraMs).toBe(30 * 60_000);
    const view = (await room(token)).candidates.find((c) => c.candidateId === 'cand-1')!;
    expect(view.status).toBe('in-progress');
    expect(view.remainingMs).toBeGreaterThan(59 * 60_000);
    await pushFrom('tab-1', [{ type: 'proctor.remove', at, attemptId: ATTEMPT_1, data: { actId: 'act-1', actType: 'prohibited-item', text: 'A phone was found.', cosigners: ['Observer'] } }]);
    expect(venueEvents(ATTEMPT_1).at(-1)).toMatchObject({ type: 'attempt.closed', data: { reason: 'removed' } });
    expect((await room(token)).seats.find((s) => s.seatId === 'A-01')?.status).toBe('removed');
  });

  it('authorised before the release: the timer starts when the room is next read after the release', async () => {
    const token = await signIn('proctor1');
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect(venueEvents(ATTEMPT_1)).toEqual([]);
    expect((await room(token)).candidates.find((c) => c.candidateId === 'cand-1')?.status).toBe('ready');
    releaseKey(fixture.venue.store, fixture.sessionKey);
    expect((await room(token)).candidates.find((c) => c.candidateId === 'cand-1')?.status).toBe('in-progress');
    expect(venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started']);
  });

  it('ignores decisions from a tablet whose proctor is not assigned to the room, and from a candidate PC', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    await signIn('proctor2');
    const at = Date.now();
    expect((await pushFrom('tab-2', [{ type: 'proctor.authorise', at, attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }])).status).toBe(200);
    expect((await pushFrom('pc-a01', [{ type: 'proctor.authorise', at, attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }])).status).toBe(200);
    expect(venueEvents(ATTEMPT_1)).toEqual([]);
    const token = await signIn('proctor1');
    expect((await room(token)).candidates.find((c) => c.candidateId === 'cand-1')?.attemptStatus).toBe('not-started');
  });
});

describe('room view', () => {
  it('derives check-in, identity check, seat move and incidents from the tablet\'s events', async () => {
    const token = await signIn('proctor1');
    const at = Date.now();
    await pushFrom('tab-1', [
      { type: 'proctor.check-in', at, data: { candidateId: 'cand-1', roomId: 'room-1', seatId: 'A-01', isDocumentChecked: true } },
      { type: 'proctor.check-in', at, data: { candidateId: 'cand-2', roomId: 'room-1', seatId: 'A-02', isDocumentChecked: true } },
      { type: 'proctor.move-seat', at, data: { candidateId: 'cand-2', fromSeatId: 'A-02', toSeatId: 'A-01', reason: 'broken PC' } },
      { type: 'proctor.move-seat', at, data: { candidateId: 'cand-1', fromSeatId: 'A-01', toSeatId: 'A-02', reason: 'swap' } },
      { type: 'proctor.incident', at, data: { incidentId: 'inc-1', roomId: 'room-1', category: 'technical', text: 'Жарық өшті' } },
    ]);
    await pushFrom('pc-a01', [{ type: 'identity.photo', at, attemptId: ATTEMPT_2, data: { photo: 'data:image/jpeg;base64,AAAA', faceCount: 1 } }]);
    const view = await room(token);
    expect(view.seats.map((s) => [s.seatId, s.candidateId, s.status])).toEqual([['A-01', 'cand-2', 'identity-to-verify'], ['A-02', 'cand-1', 'checked-in']]);
    expect(view.incidents.map((i) => i.text)).toEqual(['Жарық өшті']);
    await pushFrom('tab-1', [{ type: 'proctor.identity-verified', at, data: { candidateId: 'cand-2', isMatch: true } }]);
    expect((await room(token)).seats[0]!.status).toBe('ready');
  });

  it('shows a live violation with its evidence, and a seat not heard from', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    const token = await signIn('proctor1');
    const at = Date.now();
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at, attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    await pushFrom('pc-a01', [{ type: 'violation.started', at, attemptId: ATTEMPT_1, data: { violationId: 'v1', kind: 'no-face', evidence: 'data:image/jpeg;base64,BBBB' } }]);
    const view = await room(token);
    expect(view.violations).toMatchObject([{ candidateId: 'cand-1', kind: 'no-face', isOpen: true, hasEvidence: true }]);
    const evidence = await fixture.venue.app.request(`${ROOM_1}/candidates/cand-1/violations/v1/evidence`, { headers: { cookie: `proctor_session=${token}` } });
    expect(((await evidence.json()) as { evidence: string }).evidence).toBe('data:image/jpeg;base64,BBBB');
    fixture.venue.store.db.sqlite.prepare("UPDATE device_contacts SET last_seen_at = ? WHERE device_id = 'pc-a01'").run(at - 120_000);
    expect((await room(token)).candidates.find((c) => c.candidateId === 'cand-1')?.status).toBe('not-heard-from');
  });
});

describe('room paper and the release code', () => {
  it('serves the seating list, the act of a removal and the room report as PDFs', async () => {
    releaseKey(fixture.venue.store, fixture.sessionKey);
    const token = await signIn('proctor1');
    await pushFrom('tab-1', [{ type: 'proctor.remove', at: Date.now(), attemptId: ATTEMPT_1, data: { actId: 'act-7', actType: 'impostor', text: 'Басқа адам отыр.', cosigners: ['Бақылаушы'] } }]);
    for (const path of ['seating-list.pdf', 'report.pdf', 'acts/act-7.pdf']) {
      const response = await fixture.venue.app.request(`${ROOM_1}/${path}`, { headers: { cookie: `proctor_session=${token}` } });
      expect(response.status, path).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }
    const missing = await fixture.venue.app.request(`${ROOM_1}/acts/act-8.pdf`, { headers: { cookie: `proctor_session=${token}` } });
    expect(missing.status).toBe(404);
  });

  it('releases the session with the right code only, and then the timer can start', async () => {
    const token = await signIn('proctor1');
    const post = (code: string) => fixture.venue.app.request(`${ROOM_1}/release-code`, { method: 'POST', headers: { cookie: `proctor_session=${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect((await post('WRONG-CODE-99')).status).toBe(400);
    expect(fixture.venue.store.downlink.releasedKey(FIXTURE_SESSION_ID)).toBeUndefined();
    expect((await post(RELEASE_CODE)).status).toBe(200);
    expect(fixture.venue.store.downlink.releasedKey(FIXTURE_SESSION_ID)).toMatchObject({ key: fixture.sessionKey, source: 'release-code' });
    await pushFrom('tab-1', [{ type: 'proctor.authorise', at: Date.now(), attemptId: ATTEMPT_1, data: { candidateId: 'cand-1' } }]);
    expect(venueEvents(ATTEMPT_1).map((e) => e.type)).toEqual(['timer.started']);
  });
});

describe('violation review and appeals', () => {
  it('shows a violation as confirmed and a technical appeal as acknowledged once the tablet says so', async () => {
    const token = await signIn('proctor1');
    const at = Date.now();
    await pushFrom('pc-a01', [
      { type: 'violation.started', at, attemptId: ATTEMPT_1, data: { violationId: 'v9', kind: 'focus-lost' } },
      { type: 'violation.ended', at: at + 4_000, attemptId: ATTEMPT_1, data: { violationId: 'v9' } },
      { type: 'appeal.technical', at, attemptId: ATTEMPT_1, data: { appealId: 'ap-1', itemId: 'i2', reason: 'image-missing' } },
    ]);
    let view = await room(token);
    expect(view.violations).toMatchObject([{ violationId: 'v9', durationMs: 4_000, isOpen: false, review: null }]);
    expect(view.appeals).toMatchObject([{ appealId: 'ap-1', isAcknowledged: false }]);
    // A candidate PC cannot review its own violation.
    await pushFrom('pc-a01', [{ type: 'proctor.violation-reviewed', at, attemptId: ATTEMPT_1, data: { violationDeviceId: 'pc-a01', violationId: 'v9', decision: 'dismissed' } }]);
    expect((await room(token)).violations[0]!.review).toBeNull();
    await pushFrom('tab-1', [
      { type: 'proctor.violation-reviewed', at, attemptId: ATTEMPT_1, data: { violationDeviceId: 'pc-a01', violationId: 'v9', decision: 'confirmed', note: 'looked at a phone' } },
      { type: 'proctor.appeal-acknowledged', at, data: { appealId: 'ap-1' } },
    ]);
    view = await room(token);
    expect(view.violations[0]!.review).toBe('confirmed');
    expect(view.appeals[0]!.isAcknowledged).toBe(true);
  });
});

describe('release code rate limit', () => {
  it('refuses even the right code after five wrong ones', async () => {
    const token = await signIn('proctor1');
    const post = (code: string) => fixture.venue.app.request(`${ROOM_1}/release-code`, { method: 'POST', headers: { cookie: `proctor_session=${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    for (let i = 0; i < 5; i++) expect((await post(`WRONG-CODE-${i}`)).status).toBe(400);
    expect((await post(RELEASE_CODE)).status).toBe(429);
    expect(fixture.venue.store.downlink.releasedKey(FIXTURE_SESSION_ID)).toBeUndefined();
  });
});
