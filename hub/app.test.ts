import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody, DownlinkPage, Health, SealedPackage } from '../sync/messages';
import { AnswerKey, ExamPackage } from '../sync/package';
import { Session } from '../sync/roster';
import { openPackage, unwrapKeyWithReleaseCode } from '../sync/seal';
import { createHubApp, createHubServices } from './app';
import { readAuditLog, auditHash, type HubDatabase } from './db';
import { testDatabaseTargets } from './testing/databases';
import { TestVenue } from './testing/venue';

const bilingual = (text: string) => ({ kk: text, ru: text });
const examPackage = ExamPackage.parse({
  format: 'exam-package/1', examId: 'exam-1', version: 1, title: bilingual('Exam'), durationMinutes: 60,
  blocks: [{ blockId: 'b1', title: bilingual('Block'), passMark: 1, items: [{ itemId: 'i1', type: 'single', points: 1, stem: bilingual('2+2?'), options: [{ optionId: 'a', text: bilingual('4') }, { optionId: 'b', text: bilingual('5') }] }] }],
  totalPassMark: { points: 1 }, resultPolicy: { showAnalysisCard: true }, proctoring: { isCameraRequired: false, signals: {} },
});
const answerKey = AnswerKey.parse({ examId: 'exam-1', version: 1, items: { i1: { correctOptionIds: ['a'] } } });
const session = (sessionId: string, venueId: string, startsAt: number) => Session.parse({ sessionId, venueId, examId: 'exam-1', examVersion: 1, startsAt, rooms: [], candidates: [] });

describe.each(testDatabaseTargets())('hub app on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };
  let services: ReturnType<typeof createHubServices>;
  let app: ReturnType<typeof createHubApp>;
  let clock = 1_800_000_000_000;

  beforeAll(async () => {
    database = await target.open();
    services = createHubServices({ database, now: () => clock, config: { loginAttempts: 3 } });
    app = createHubApp({ database }, services);
    await services.staff.createAccount({ username: 'boss', password: 'correct horse', role: 'admin' });
    await services.staff.createAccount({ username: 'reader', password: 'reader pass', role: 'reviewer' });
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const enrol = (token: string, venue: TestVenue) => app.request('/api/venues/enrol', json({ token, venueId: venue.venueId, name: 'A venue', publicKey: venue.publicKey }));
  async function signIn(username: string, password: string): Promise<Response> {
    return app.request('/api/staff/login', json({ username, password }));
  }
  const cookieOf = (response: Response) => response.headers.get('set-cookie')!.split(';')[0]!;

  it('reports its health', async () => {
    const response = await app.request('/api/health');
    expect(response.status).toBe(200);
    expect(Health.parse(await response.json())).toMatchObject({ role: 'hub', storage: { state: 'ok' } });
  });

  it('enrols a venue once per token, and names why a token is refused', async () => {
    const { token } = await services.enrolment.createToken('test', { venueId: 'v-enrol' });
    // Typed on the technician's command line: it must never start with '-'.
    expect(token).toMatch(/^enrol-[A-Za-z0-9_-]{32}$/);
    const venue = new TestVenue('v-enrol', () => clock);
    expect((await enrol(token, venue)).status).toBe(201);
    // The same venue repeating its own request (lost answer) is answered again…
    expect((await enrol(token, venue)).status).toBe(201);
    // …but the token cannot enrol a different key.
    const reused = await enrol(token, new TestVenue('v-enrol'));
    expect(reused.status).toBe(401);
    expect(ApiErrorBody.parse(await reused.json()).code).toBe('token-used');
    const unknown = await enrol('no-such-token-at-all', new TestVenue('v-other'));
    expect(ApiErrorBody.parse(await unknown.json())).toMatchObject({ code: 'token-unknown' });
    const bound = await services.enrolment.createToken('test', { venueId: 'v-bound' });
    const wrongVenue = await enrol(bound.token, new TestVenue('v-intruder'));
    expect(wrongVenue.status).toBe(401);
    expect(ApiErrorBody.parse(await wrongVenue.json()).code).toBe('token-for-other-venue');
    // The refused attempt did not use the token up.
    expect((await enrol(bound.token, new TestVenue('v-bound'))).status).toBe(201);
    const badKey = await app.request('/api/venues/enrol', json({ token: 'x'.repeat(20), venueId: 'v-key', name: 'n', publicKey: 'A'.repeat(60) }));
    expect(badKey.status).toBe(400);
    expect(ApiErrorBody.parse(await badKey.json()).code).toBe('malformed');
  });

  it('signs staff in with an httpOnly SameSite=Strict cookie and lets only admins create tokens', async () => {
    expect((await signIn('boss', 'wrong')).status).toBe(401);
    const response = await signIn('boss', 'correct horse');
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const anonymous = await app.request('/api/staff/enrolment-tokens', json({}));
    expect(anonymous.status).toBe(401);
    const reviewer = await app.request('/api/staff/enrolment-tokens', json({}, { cookie: cookieOf(await signIn('reader', 'reader pass')) }));
    expect(reviewer.status).toBe(403);
    const created = await app.request('/api/staff/enrolment-tokens', json({ venueId: 'v-staff' }, { cookie: cookieOf(response) }));
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    expect((await enrol(token, new TestVenue('v-staff'))).status).toBe(201);
    const alarms = await app.request('/api/staff/alarms', { headers: { cookie: cookieOf(response) } });
    expect(alarms.status).toBe(200);
    expect(Array.isArray(((await alarms.json()) as { alarms: unknown }).alarms)).toBe(true);
    const audit = await readAuditLog(database.db);
    expect(audit.map((row) => row.action)).toEqual(expect.arrayContaining(['staff.signed-in', 'enrolment-token.created', 'venue.enrolled']));
    audit.forEach((row, index) => {
      expect(row.prevHash).toBe(index === 0 ? '0'.repeat(64) : audit[index - 1]!.hash);
      expect(row.hash).toBe(auditHash(row.prevHash, { at: row.at, actor: row.actor, action: row.action, subject: row.subject, detail: row.detail }));
    });
  });

  it('rate-limits failed sign-ins', async () => {
    for (let attempt = 0; attempt < 3; attempt++) expect((await signIn('reader', 'guess')).status).toBe(401);
    const limited = await signIn('reader', 'reader pass');
    expect(limited.status).toBe(429);
    expect(ApiErrorBody.parse(await limited.json()).code).toBe('too-many-attempts');
  });

  it('serves a venue its sessions, sealed packages and key releases by signed cursor', async () => {
    const venue = new TestVenue('v-down', () => clock);
    const { token } = await services.enrolment.createToken('test', { venueId: 'v-down' });
    expect((await enrol(token, venue)).status).toBe(201);
    const { releaseCode } = await services.publishing.publish(session('s-later', 'v-down', clock + 3_600_000), examPackage, answerKey);
    await services.publishing.publish(session('s-elsewhere', 'v-enrol', clock), examPackage, answerKey);
    const pull = async (cursor: number, headers = venue.queryHeaders()) => app.request(`/api/venues/v-down/downlink?cursor=${cursor}`, { headers });

    const first = DownlinkPage.parse(await (await pull(0)).json());
    expect(first.entries.map((entry) => entry.kind)).toEqual(['session', 'package', 'answer-key']);
    const packageEntry = first.entries[1]!;
    if (packageEntry.kind !== 'package') throw new Error('expected a package');
    SealedPackage.parse(packageEntry.sealed);
    const key = await unwrapKeyWithReleaseCode(packageEntry.keyWrappedByReleaseCode, releaseCode);
    expect(ExamPackage.parse(JSON.parse(await openPackage(packageEntry.sealed, key)))).toEqual(examPackage);
    // The answer key travels sealed under the same session key, for the venue's scoring.
    const answerKeyEntry = first.entries[2]!;
    if (answerKeyEntry.kind !== 'answer-key') throw new Error('expected an answer key');
    expect(JSON.parse(await openPackage(answerKeyEntry.sealed, key))).toEqual(answerKey);
    expect(DownlinkPage.parse(await (await pull(first.cursor)).json()).entries).toEqual([]);

    clock += 3_600_000;
    const released = DownlinkPage.parse(await (await pull(first.cursor)).json());
    expect(released.entries).toEqual([expect.objectContaining({ kind: 'key-release', sessionId: 's-later', key })]);

    const headers = venue.queryHeaders();
    expect((await pull(0, headers)).status).toBe(200);
    const replayed = await pull(0, headers);
    expect(replayed.status).toBe(409);
    expect(ApiErrorBody.parse(await replayed.json()).code).toBe('stale-nonce');
    const otherVenue = await app.request('/api/venues/v-enrol/downlink?cursor=0', { headers: venue.queryHeaders() });
    expect(otherVenue.status).toBe(401);
  });
});
