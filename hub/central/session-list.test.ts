/**
 * The home page's session list and the once-only publication of results, in-process on
 * PGlite (and PostgreSQL when TEST_DATABASE_URL is set): every session of the hub is listed
 * with where it stands (scheduled, published, key released, results published), those
 * scheduled here and those published outside the central schedule alike; and a second
 * publication of a session's results is refused with its reason and issues nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerKey, ExamPackage } from '../../sync/package';
import { createHubApp, createHubServices, type HubServices } from '../app';
import { readAuditLog, type HubDatabase } from '../db';
import { testDatabaseTargets } from '../testing/databases';
import { examFile, ROOM, rosterCsv } from './test-fixture';

const NOW = 1_800_000_000_000;

describe.each(testDatabaseTargets())('session list and results publication on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };
  let app: ReturnType<typeof createHubApp>;
  let services: HubServices;
  const cookies: Record<string, string> = {};

  const call = (role: string, method: string, path: string, body?: unknown) =>
    app.request(`/api/central${path}`, { method, headers: { cookie: cookies[role] ?? '', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async <T>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
  const settle = async (jobId: string) => {
    for (;;) {
      const job = await json<{ state: string }>(call('admin', 'GET', `/jobs/${jobId}`));
      if (job.state !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  type Listed = { sessionId: string; state: string; publishedAt: number | null; keyReleasedAt: number | null; resultsPublishedAt: number | null; candidates: number };
  const listed = async (): Promise<Record<string, Listed>> => Object.fromEntries((await json<{ sessions: Listed[] }>(call('auditor', 'GET', '/sessions'))).sessions.map((s) => [s.sessionId, s]));

  beforeAll(async () => {
    database = await target.open();
    services = createHubServices({ database, now: () => NOW });
    app = createHubApp({ database }, services);
    for (const role of ['admin', 'auditor'] as const) {
      await services.staff.createAccount({ username: role, password: `${role}-password`, role });
      const response = await app.request('/api/staff/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: role, password: `${role}-password` }) });
      cookies[role] = response.headers.get('set-cookie')!.split(';')[0]!;
    }
    expect((await call('admin', 'POST', '/exams', examFile())).status).toBe(201);
    expect((await call('admin', 'PUT', '/venues/v1/rooms/r1', ROOM)).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('lists a scheduled session before it is published, then follows it through publication and the key release', async () => {
    for (const [sessionId, startsAt] of [['s-later', NOW + 7_200_000], ['s-first', NOW + 3_600_000]] as const) {
      expect((await call('admin', 'POST', '/schedule', { sessionId, venueId: 'v1', examId: 'ex-geo', examVersion: 1, startsAt })).status).toBe(201);
    }
    const sessions = (await json<{ sessions: Listed[] }>(call('auditor', 'GET', '/sessions'))).sessions;
    expect(sessions.map((s) => [s.sessionId, s.state])).toEqual([['s-first', 'scheduled'], ['s-later', 'scheduled']]);
    expect(sessions[0]).toMatchObject({ publishedAt: null, keyReleasedAt: null, resultsPublishedAt: null, candidates: 0 });

    await settle((await json<{ jobId: string }>(call('admin', 'POST', '/schedule/s-first/roster', { csv: rosterCsv() }))).jobId);
    await settle((await json<{ jobId: string }>(call('admin', 'POST', '/schedule/publish', { sessionIds: ['s-first'] }))).jobId);
    expect((await listed())['s-first']).toMatchObject({ state: 'published', publishedAt: NOW, candidates: 5 });
    expect((await listed())['s-later']).toMatchObject({ state: 'scheduled' });
    expect((await call('admin', 'POST', '/schedule/s-first/release')).status).toBe(200);
    expect((await listed())['s-first']).toMatchObject({ state: 'key-released', keyReleasedAt: NOW });
  });

  it('publishes the results of a session published outside the schedule once, and refuses the second time', async () => {
    const file = examFile();
    const session = { sessionId: 's-direct', venueId: 'v2', examId: 'ex-geo', examVersion: 1, startsAt: NOW - 86_400_000, rooms: [], candidates: [], proctors: [] };
    await services.publishing.publish(session, ExamPackage.parse(file.package), AnswerKey.parse({ examId: 'ex-geo', version: 1, ...file.answerKey }), { actor: 'test' });
    expect((await listed())['s-direct']).toMatchObject({ state: 'published' });
    expect(await json(call('admin', 'POST', '/results/s-direct/publish'))).toEqual({ results: 0, certificates: 0 });
    const again = await call('admin', 'POST', '/results/s-direct/publish');
    expect(again.status).toBe(409);
    const refusal = await json<{ code: string; message: string; details: { resultsPublishedAt: number } }>(again);
    expect(refusal).toMatchObject({ code: 'already-published', details: { resultsPublishedAt: NOW } });
    expect(refusal.message).toContain('already published at 2027-01-15T08:00:00.000Z');
    expect((await readAuditLog(database.db)).filter((row) => row.action === 'results.published' && row.subject === 's-direct')).toHaveLength(1);
    expect((await listed())['s-direct']).toMatchObject({ state: 'results-published', resultsPublishedAt: NOW });
    expect(await json(call('auditor', 'GET', '/sessions/s-direct'))).toMatchObject({ resultsPublishedAt: NOW, attempts: [] });
  });

  it('lets only one of two simultaneous publications through', async () => {
    const file = examFile();
    const session = { sessionId: 's-twice', venueId: 'v2', examId: 'ex-geo', examVersion: 1, startsAt: NOW - 86_400_000, rooms: [], candidates: [], proctors: [] };
    await services.publishing.publish(session, ExamPackage.parse(file.package), AnswerKey.parse({ examId: 'ex-geo', version: 1, ...file.answerKey }), { actor: 'test' });
    const statuses = (await Promise.all([call('admin', 'POST', '/results/s-twice/publish'), call('admin', 'POST', '/results/s-twice/publish')])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 409]);
    expect((await readAuditLog(database.db)).filter((row) => row.action === 'results.published' && row.subject === 's-twice')).toHaveLength(1);
  });
});
