import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainBodies } from '../../sync/testkit';
import { makeIin } from '../../sync/iin';
import type { EventBody } from '../../sync/events';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';
import { FIXTURE_ANSWER_KEY, FIXTURE_CODES, FIXTURE_PROCTOR, FIXTURE_IINS, FIXTURE_SESSION_ID, fixturePackage, releaseFixtureKey, seedFixture } from './test-fixture';

const PC = 'pc-room1-a01';
let venue: TestVenue;
let sessionKey: string;

beforeEach(async () => {
  heads.clear();
  venue = openTestVenue({ answerKeyFor: (sessionId) => (sessionId === FIXTURE_SESSION_ID ? FIXTURE_ANSWER_KEY : undefined) });
  venue.store.config.create({ venueId: 'v1', publicKey: 'test', hubUrl: null }, 1_000);
  ({ key: sessionKey } = await seedFixture(venue.store));
});
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

async function login(candidate: 'cand-1' | 'cand-2' = 'cand-1', code: string = FIXTURE_CODES[candidate], iin: string = FIXTURE_IINS[candidate]) {
  return postJson(venue.app, '/api/candidate/login', { iin, accessCode: code, deviceId: PC });
}

async function signIn(candidate: 'cand-1' | 'cand-2' = 'cand-1'): Promise<string> {
  const response = await login(candidate);
  expect(response.status).toBe(200);
  return /candidate_session=([0-9a-f]+)/.exec(response.headers.get('set-cookie') ?? '')![1]!;
}

function get(path: string, token: string) {
  return venue.app.request(path, { headers: { cookie: `candidate_session=${token}` } });
}

type Draft = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;
const heads = new Map<string, { seq: number; hash: string }>();

/** Pushes the next events of a device's chain (epoch 7), as its outbox would. */
async function pushFrom(deviceId: string, bodies: Draft[]) {
  const start = heads.get(deviceId);
  const events = chainBodies(bodies, { deviceId, epoch: 7 }, start);
  const response = await postJson(venue.app, '/api/device/events', { deviceId, epoch: 7, events });
  if (response.status === 200) heads.set(deviceId, { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash });
  return response;
}

const pushDevice = (_attemptId: string, bodies: Draft[]) => pushFrom(PC, bodies);

/** The room's proctor signs in on their tablet and authorises the start, through the proctor's own path. */
async function authorise(attemptId: string, candidateId = 'cand-1') {
  const signIn = await postJson(venue.app, '/api/proctor/sign-in', { username: FIXTURE_PROCTOR.username, pin: FIXTURE_PROCTOR.pin, deviceId: FIXTURE_PROCTOR.tabletId });
  expect(signIn.status).toBe(200);
  const response = await pushFrom(FIXTURE_PROCTOR.tabletId, [{ type: 'proctor.authorise', at: Date.now(), attemptId, data: { candidateId } }]);
  expect(response.status).toBe(200);
}

describe('POST /api/candidate/login', () => {
  it('names what is wrong with a malformed IIN', async () => {
    for (const [iin, reason] of [['12345', 'length'], ['12345678901a', 'non-digit'], [FIXTURE_IINS['cand-1'].slice(0, 11) + String((Number(FIXTURE_IINS['cand-1'][11]) + 1) % 10), 'check-digit']]) {
      const response = await login('cand-1', 'whatever', iin);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid-iin', details: { reason } });
    }
  });

  it('refuses an unknown IIN and a wrong code alike, then rate-limits', async () => {
    const wrong = await login('cand-1', 'WRONG-CODE');
    const unknown = await login('cand-1', FIXTURE_CODES['cand-1'], makeIin('1970-01-01', 'male', 5));
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe('sign-in-refused');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: 'sign-in-refused' });
    for (let n = 0; n < 4; n++) expect((await login('cand-1', 'WRONG-CODE')).status).toBe(401);
    const locked = await login('cand-1');
    expect(locked.status).toBe(429);
    expect((await locked.json()).details.retryAfterSeconds).toBeGreaterThan(0);
    expect((await login('cand-2')).status).toBe(200); // another IIN is not affected
  });

  it('sets an httpOnly SameSite=Strict cookie and answers the profile', async () => {
    const response = await login('cand-1', 'k7q2 m9xd');
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const { profile } = await response.json();
    expect(profile).toMatchObject({ candidateId: 'cand-1', language: 'kk', seatLabel: 'A1', attemptId: `${FIXTURE_SESSION_ID}.cand-1`, deviceId: PC });
  });

  it('revokes the earlier sign-in when the candidate signs in again', async () => {
    const first = await signIn();
    const second = await signIn();
    expect((await get('/api/candidate/me', first)).status).toBe(401);
    expect((await get('/api/candidate/me', second)).status).toBe(200);
    expect((await venue.app.request('/api/candidate/me')).status).toBe(401);
  });
});

describe('package, key and attempt', () => {
  it('gives the sealed package only, and the key only after release and authorisation', async () => {
    const token = await signIn();
    const { sealed } = await (await get('/api/candidate/package', token)).json();
    expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'examId', 'examVersion', 'iv', 'sessionId', 'sha256']);
    expect(JSON.stringify(sealed)).not.toContain('Choose B');
    expect((await (await get('/api/candidate/key', token)).json()).code).toBe('not-released');
    releaseFixtureKey(venue.store, sessionKey);
    expect((await (await get('/api/candidate/key', token)).json()).code).toBe('not-authorised');
    await authorise(`${FIXTURE_SESSION_ID}.cand-1`);
    expect(await (await get('/api/candidate/key', token)).json()).toEqual({ key: sessionKey });
    const authored = venue.store.log.readAfter(0, 100).filter((row) => row.deviceId === 'venue-v1');
    expect(authored.map((row) => row.type)).toEqual(['timer.started']);
    // Asking again authors nothing twice.
    await get('/api/candidate/attempt', token);
    expect(venue.store.log.readAfter(0, 100).filter((row) => row.deviceId === 'venue-v1')).toHaveLength(1);
  });

  it('never lets a PC authorise its own start', async () => {
    releaseFixtureKey(venue.store, sessionKey);
    const token = await signIn();
    const attemptId = `${FIXTURE_SESSION_ID}.cand-1`;
    expect((await pushDevice(attemptId, [{ type: 'proctor.authorise', at: Date.now(), attemptId, data: { candidateId: 'cand-1' } }])).status).toBe(200);
    expect((await (await get('/api/candidate/key', token)).json()).code).toBe('not-authorised');
    expect((await (await get('/api/candidate/attempt', token)).json()).attempt.timer.state).toBe('not-started');
  });

  it("folds the attempt's answers, flags and the venue's timer, with accommodations", async () => {
    releaseFixtureKey(venue.store, sessionKey);
    const token = await signIn('cand-2');
    const attemptId = `${FIXTURE_SESSION_ID}.cand-2`;
    await authorise(attemptId, 'cand-2');
    const now = Date.now();
    expect((await pushDevice(attemptId, [
      { type: 'attempt.started', at: now, attemptId, data: { sessionId: FIXTURE_SESSION_ID, candidateId: 'cand-2', seatId: 'A-02', language: 'ru' } },
      { type: 'answer.set', at: now + 1, attemptId, data: { itemId: 'i2', value: { optionIds: ['i2b'] } } },
      { type: 'item.flagged', at: now + 2, attemptId, data: { itemId: 'i3', isFlagged: true } },
    ])).status).toBe(200);
    const { attempt } = await (await get('/api/candidate/attempt', token)).json();
    expect(attempt.status).toBe('in-progress');
    expect(attempt.answers.i2.value).toEqual({ optionIds: ['i2b'] });
    expect(attempt.flaggedItemIds).toEqual(['i3']);
    expect(attempt.timer.state).toBe('running');
    // 30 minutes plus the 30-minute accommodation.
    expect(attempt.timer.remainingMs).toBeGreaterThan(59 * 60_000);
    expect(attempt.timer.remainingMs).toBeLessThanOrEqual(60 * 60_000);
    await pushFrom(FIXTURE_PROCTOR.tabletId, [{ type: 'proctor.pause', at: Date.now(), attemptId, data: {} }]);
    const paused = (await (await get('/api/candidate/attempt', token)).json()).attempt;
    expect(paused.status).toBe('paused');
    expect(paused.timer.state).toBe('paused');
  });

  it('scores the analysis card once the attempt is finished, and withholds it by policy', async () => {
    releaseFixtureKey(venue.store, sessionKey);
    const token = await signIn();
    const attemptId = `${FIXTURE_SESSION_ID}.cand-1`;
    await authorise(attemptId);
    expect((await get('/api/candidate/result', token)).status).toBe(409);
    const now = Date.now();
    await pushDevice(attemptId, [
      { type: 'answer.set', at: now, attemptId, data: { itemId: 'i1', value: { optionIds: ['i1a'] } } },
      { type: 'answer.set', at: now + 1, attemptId, data: { itemId: 'i3', value: { optionIds: ['i3a'] } } },
      { type: 'attempt.finished', at: now + 2, attemptId, data: { reason: 'candidate' } },
    ]);
    const { result } = await (await get('/api/candidate/result', token)).json();
    expect(result.withheld).toBe(false);
    expect(result.score.total).toBe(2);
    expect(result.score.blocks.map((b: { points: number }) => b.points)).toEqual([1, 1]);
    expect(result.answers.i1).toEqual({ optionIds: ['i1a'] });
    expect(result.appealDeadline - result.finishedAt).toBe(30 * 60_000);
    const authored = venue.store.log.readAfter(0, 100).filter((row) => row.deviceId === 'venue-v1').map((row) => row.type);
    expect(authored).toEqual(['timer.started', 'attempt.closed']);
  });

  it('gives "results after review" where the policy withholds the card', async () => {
    venue.close();
    removeDir(venue.dataDir);
    venue = openTestVenue({ answerKeyFor: () => FIXTURE_ANSWER_KEY });
    venue.store.config.create({ venueId: 'v1', publicKey: 'test', hubUrl: null }, 1_000);
    ({ key: sessionKey } = await seedFixture(venue.store, { examPackage: fixturePackage({ resultPolicy: { showAnalysisCard: false, contentAppealWindowMinutes: 45 } }) }));
    releaseFixtureKey(venue.store, sessionKey);
    const token = await signIn();
    const attemptId = `${FIXTURE_SESSION_ID}.cand-1`;
    await authorise(attemptId);
    await pushDevice(attemptId, [{ type: 'attempt.finished', at: Date.now(), attemptId, data: { reason: 'candidate' } }]);
    const { result } = await (await get('/api/candidate/result', token)).json();
    expect(result).toMatchObject({ withheld: true, reason: 'policy' });
    expect(result.score).toBeUndefined();
    expect(result.appealDeadline - result.finishedAt).toBe(45 * 60_000);
  });
});
