/**
 * The central staff's API end to end in-process, on PGlite and (when TEST_DATABASE_URL is
 * set) PostgreSQL: roles, the audit chain, refusals that change nothing, and set-up up to
 * a published session in the venue's downlink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp, createHubServices } from '../app';
import { readAuditLog, readDownlink, type HubDatabase } from '../db';
import { forceEditAuditRow, tryEditAuditRow } from '../db/central/tampering';
import { testDatabaseTargets } from '../testing/databases';
import { examFile, IINS, ROOM, rosterCsv } from './test-fixture';

describe.each(testDatabaseTargets())('central API on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };
  let app: ReturnType<typeof createHubApp>;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    database = await target.open();
    const services = createHubServices({ database, now: () => 1_800_000_000_000 });
    app = createHubApp({ database }, services);
    for (const role of ['admin', 'reviewer', 'appeals', 'auditor'] as const) {
      await services.staff.createAccount({ username: role, password: `${role}-password`, role });
      const response = await app.request('/api/staff/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: role, password: `${role}-password` }) });
      cookies[role] = response.headers.get('set-cookie')!.split(';')[0]!;
    }
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  const call = (role: string, method: string, path: string, body?: unknown) =>
    app.request(`/api/central${path}`, { method, headers: { cookie: cookies[role] ?? '', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const auditCount = async () => (await readAuditLog(database.db)).length;
  const settle = async (role: string, jobId: string) => {
    for (;;) {
      const job = (await (await call(role, 'GET', `/jobs/${jobId}`)).json()) as { state: string; done: number; total: number; result?: unknown; error?: unknown };
      if (job.state !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('refuses a bad exam file whole, naming item, field and language, and changes nothing', async () => {
    const before = await auditCount();
    const file = examFile();
    file.package.blocks[0]!.items[0]!.stem.kk = '';
    const response = await call('admin', 'POST', '/exams', file);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { code: string; details: Array<{ itemId: string; field: string; language: string }> };
    expect(body.code).toBe('invalid-exam');
    expect(body.details).toContainEqual(expect.objectContaining({ itemId: 'i1', field: 'stem', language: 'kk' }));
    expect(((await (await call('admin', 'GET', '/exams')).json()) as { exams: unknown[] }).exams).toEqual([]);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a reviewer importing an exam, with the reason, and audits the refusal', async () => {
    const response = await call('reviewer', 'POST', '/exams', examFile());
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/reviewer role may not.*exams\.import needs admin/);
    expect(((await (await call('admin', 'GET', '/exams')).json()) as { exams: unknown[] }).exams).toEqual([]);
    const last = (await readAuditLog(database.db)).at(-1)!;
    expect(last).toMatchObject({ actor: 'reviewer', action: 'access.refused', subject: 'exams.import' });
    expect((await app.request('/api/central/exams', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('imports an exam once; the same version again is a conflict', async () => {
    expect((await call('admin', 'POST', '/exams', examFile())).status).toBe(201);
    const again = await call('admin', 'POST', '/exams', examFile());
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('exam-version-exists');
  });

  it('refuses a bad roster line by line and keeps the roster empty; then imports a good one with progress', async () => {
    expect((await call('admin', 'PUT', '/venues/v1/rooms/r1', ROOM)).status).toBe(200);
    const scheduled = await call('admin', 'POST', '/schedule', { sessionId: 's1', venueId: 'v1', examId: 'ex-geo', examVersion: 1, startsAt: 1_800_000_000_000, proctors: [{ username: 'proctor1', displayName: 'Proctor', pin: '1234', roomIds: ['r1'] }] });
    expect(scheduled.status).toBe(201);
    const bad = rosterCsv().replace(`,${IINS[2]},`, `,${IINS[2]!.slice(0, 11)}${(Number(IINS[2]![11]) + 1) % 10},`).replace(',r1,s4,', ',r7,s4,');
    const refused = await call('admin', 'POST', '/schedule/s1/roster', { csv: bad });
    expect(refused.status).toBe(422);
    const problems = ((await refused.json()) as { details: Array<{ line: number; code: string }> }).details;
    expect(problems.map((p) => [p.line, p.code])).toEqual([[4, 'iin-check-digit'], [5, 'unknown-room']]);
    const listed = (await (await call('admin', 'GET', '/schedule')).json()) as { sessions: Array<{ sessionId: string; candidates: number }> };
    expect(listed.sessions).toEqual([expect.objectContaining({ sessionId: 's1', candidates: 0 })]);

    const started = await call('admin', 'POST', '/schedule/s1/roster', { csv: rosterCsv() });
    expect(started.status).toBe(202);
    const job = await settle('admin', ((await started.json()) as { jobId: string }).jobId);
    expect(job).toMatchObject({ state: 'done', done: 5, total: 5 });
    const codes = (job.result as { accessCodes: Array<{ accessCode: string }> }).accessCodes;
    expect(codes).toHaveLength(5);
    expect(codes[0]!.accessCode).toMatch(/^\d{8}$/);
  });

  it('publishes the session to its venue sealed, and controls the key release', async () => {
    const started = await call('admin', 'POST', '/schedule/publish', { sessionIds: ['s1'] });
    expect(started.status).toBe(202);
    expect(await settle('admin', ((await started.json()) as { jobId: string }).jobId)).toMatchObject({ state: 'done', done: 1 });
    const { entries } = await readDownlink(database.db, 'v1', 0, 50);
    expect(entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['session', 'package']));
    expect(entries.map((e) => e.kind)).not.toContain('key-release');
    const found = entries.find((e) => e.kind === 'session');
    const session = found?.kind === 'session' ? found.session : null;
    expect(session?.candidates.map((c) => c.candidateId)).toEqual(['cand-a', 'cand-b', 'cand-c', 'cand-d', 'cand-e']);
    expect(session?.candidates.every((c) => c.accessCodeHash?.startsWith('scrypt$'))).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('Қазақстанның астанасы');
    const code = await call('admin', 'POST', '/schedule/s1/release-code');
    expect(((await code.json()) as { releaseCode: string }).releaseCode.length).toBeGreaterThan(5);
    expect((await call('auditor', 'POST', '/schedule/s1/release')).status).toBe(403);
    expect(await (await call('admin', 'POST', '/schedule/s1/release')).json()).toEqual({ isReleased: true });
    expect((await readDownlink(database.db, 'v1', 0, 50)).entries.map((e) => e.kind).at(-1)).toBe('key-release');
  });

  it('lets the auditor verify the audit chain, and shows where a tampered row breaks it', async () => {
    const intact = await call('auditor', 'POST', '/audit/verify');
    expect(await intact.json()).toMatchObject({ isIntact: true });
    expect((await call('appeals', 'POST', '/audit/verify')).status).toBe(403);
    const rows = await readAuditLog(database.db);
    const victim = rows.find((row) => row.action === 'exam.imported')!;
    await expect(tryEditAuditRow(database.db, victim.seq, 'someone-else')).rejects.toThrow();
    await forceEditAuditRow(database.db, victim.seq, 'someone-else');
    const broken = await call('auditor', 'POST', '/audit/verify');
    expect(await broken.json()).toMatchObject({ isIntact: false, firstBad: { seq: victim.seq, reason: 'hash-mismatch' } });
  });
});
