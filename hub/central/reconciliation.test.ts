/**
 * From venue events to published certificates, in-process on PGlite (and PostgreSQL when
 * TEST_DATABASE_URL is set): a venue uploads a log holding every kind of discrepancy; the
 * hub folds and judges the attempts, queues the discrepancies, the commission upholds an
 * appeal (every attempt re-scored, with a report), reviewers clear the queue, and only then
 * can results be published, with a Kazakh certificate that verifies by IIN + code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp, createHubServices } from '../app';
import type { HubDatabase } from '../db';
import { attemptSummariesOf } from '../db/central';
import { pdfText } from '../pdf/text';
import { chainEvent } from '../../sync/chain';
import { testDatabaseTargets } from '../testing/databases';
import { TestVenue } from '../testing/venue';
import { examFile, IINS, ROOM, rosterCsv, venueLog } from './test-fixture';

const T0 = 1_800_000_000_000;
const NOW = T0 + 3 * 60 * 60_000;

interface Discrepancy { discrepancyId: string; kind: string; subject: string; explanation: string; params: Record<string, unknown>; actions: string[]; resolution: unknown }

describe.each(testDatabaseTargets())('reconciliation on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };
  let app: ReturnType<typeof createHubApp>;
  const cookies: Record<string, string> = {};
  let logLength = 0;
  let venue: TestVenue;

  const call = (role: string, method: string, path: string, body?: unknown) =>
    app.request(`/api/central${path}`, { method, headers: { cookie: cookies[role] ?? '', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async <T>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
  async function settle(jobId: string) {
    for (;;) {
      const job = await json<{ state: string }>(call('admin', 'GET', `/jobs/${jobId}`));
      if (job.state !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  let services: ReturnType<typeof createHubServices>;
  beforeAll(async () => {
    database = await target.open();
    services = createHubServices({ database, now: () => NOW });
    app = createHubApp({ database }, services);
    for (const role of ['admin', 'reviewer', 'appeals', 'auditor'] as const) {
      await services.staff.createAccount({ username: role, password: `${role}-password`, role });
      const response = await app.request('/api/staff/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: role, password: `${role}-password` }) });
      cookies[role] = response.headers.get('set-cookie')!.split(';')[0]!;
    }
    expect((await call('admin', 'POST', '/exams', examFile())).status).toBe(201);
    await call('admin', 'PUT', '/venues/v1/rooms/r1', ROOM);
    await call('admin', 'POST', '/schedule', { sessionId: 's1', venueId: 'v1', examId: 'ex-geo', examVersion: 1, startsAt: T0 });
    await settle((await json<{ jobId: string }>(call('admin', 'POST', '/schedule/s1/roster', { csv: rosterCsv() }))).jobId);
    await settle((await json<{ jobId: string }>(call('admin', 'POST', '/schedule/publish', { sessionIds: ['s1'] }))).jobId);
    venue = new TestVenue('v1', () => NOW);
    const { token } = await services.enrolment.createToken('test', { venueId: 'v1' });
    await app.request('/api/venues/enrol', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, venueId: 'v1', name: 'Venue one', publicKey: venue.publicKey }) });
    venue.append(venueLog('v1', 's1', T0));
    logLength = venue.log.length;
    const receipt = await app.request('/api/uplink/batch', TestVenue.post(venue.batch(1, logLength)));
    expect(receipt.status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('shows the venue on the dashboard with its signed head matching the hub root', async () => {
    const { venues } = await json<{ venues: Array<Record<string, unknown>> }>(call('auditor', 'GET', '/dashboard'));
    expect(venues[0]).toMatchObject({ venueId: 'v1', isOnline: true, eventsReceived: logLength, backlog: 0, isHeadMatched: true });
    expect((venues[0]!.devices as Array<{ deviceId: string; isGapless: boolean }>).map((d) => d.deviceId)).toEqual(['pc-a', 'pc-b', 'pc-e', 'pc-e2', 'tab-1', 'venue-v1']);
  });

  it('shows a venue that sent no events yet as having nothing to compare, not as a mismatch', async () => {
    const quiet = new TestVenue('v-quiet', () => NOW);
    const { token } = await services.enrolment.createToken('test', { venueId: 'v-quiet' });
    const enrolled = await app.request('/api/venues/enrol', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, venueId: 'v-quiet', name: 'Quiet venue', publicKey: quiet.publicKey }) });
    expect(enrolled.ok).toBe(true);
    const { venues } = await json<{ venues: Array<Record<string, unknown>> }>(call('auditor', 'GET', '/dashboard'));
    expect(venues.find((v) => v.venueId === 'v-quiet')).toMatchObject({ eventsReceived: 0, isHeadMatched: false, headState: 'empty' });
    expect(venues.find((v) => v.venueId === 'v1')).toMatchObject({ headState: 'matched' });
  });

  it('judges each attempt complete or incomplete and queues every discrepancy, explained', async () => {
    const report = await json<{ counts: Record<string, number>; attempts: Array<{ attemptId: string; completeness: string; total: number }>; discrepancies: Discrepancy[] }>(call('reviewer', 'GET', '/sessions/s1'));
    expect(report.counts).toEqual({ complete: 3, incomplete: 1, conflict: 0 });
    // The session's attempts are those the per-attempt summary (kept at ingest) files under it.
    expect(report.attempts.map((a) => a.attemptId).sort()).toEqual(['s1.a', 's1.b', 's1.e1', 's1.e2']);
    expect((await attemptSummariesOf(database.db, 'v1', 's1')).map((summary) => summary.attemptId)).toEqual(['s1.a', 's1.b', 's1.e1', 's1.e2']);
    expect(report.attempts.find((a) => a.attemptId === 's1.b')).toMatchObject({ completeness: 'incomplete' });
    expect(report.discrepancies.map((d) => `${d.kind} ${d.subject}`).sort()).toEqual([
      'checked-in-no-attempt cand-c', 'clock-anomaly pc-b/1', 'duplicate-attempts cand-e', 'late-events s1.a', 'never-closed s1.b', 'no-show cand-d', 'score-mismatch s1.a',
    ]);
    const mismatch = report.discrepancies.find((d) => d.kind === 'score-mismatch')!;
    expect(mismatch.explanation).toContain('The venue closed attempt s1.a with 2 points; the hub computes 3');
    // Each entry also carries its kind's figures, for the staff's screens to word in their language.
    const byKind = (kind: string) => report.discrepancies.find((d) => d.kind === kind)!.params;
    expect(mismatch.params).toEqual({ attemptId: 's1.a', candidateId: 'cand-a', venueTotal: 2, hubTotal: 3 });
    expect(byKind('no-show')).toEqual({ candidate: { candidateId: 'cand-d', fullName: expect.any(String), iin: IINS[3] }, roomId: 'r1', seatId: expect.any(String) });
    expect(byKind('checked-in-no-attempt')).toMatchObject({ candidate: { candidateId: 'cand-c', iin: IINS[2] }, checkedInAt: expect.any(Number), deviceId: expect.any(String), seq: expect.any(Number) });
    expect(byKind('duplicate-attempts')).toMatchObject({ candidate: { candidateId: 'cand-e' }, attempts: [{ attemptId: 's1.e1' }, { attemptId: 's1.e2' }] });
    expect(byKind('late-events')).toMatchObject({ attemptId: 's1.a', deadline: expect.any(Number), lateEventCount: expect.any(Number) });
    expect(byKind('never-closed')).toMatchObject({ attemptId: 's1.b', latestEnd: expect.any(Number), devices: expect.arrayContaining([{ deviceId: 'pc-b', lastSeq: 3 }]) });
    expect(byKind('clock-anomaly')).toMatchObject({ deviceId: 'pc-b', epoch: 1, cause: expect.stringMatching(/^(ahead|backwards)$/) });
  });

  it('lets only the commission decide an appeal; upholding it re-scores every attempt and reports whose result changed', async () => {
    const { items } = await json<{ items: Array<{ itemId: string; item: { stem: { kk: string; ru: string } }; key: unknown; content: Array<{ attemptId: string; text: string }> }> }>(call('appeals', 'GET', '/appeals/items?examId=ex-geo&examVersion=1'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ itemId: 'i3', key: { correctOptionIds: ['c'] }, content: [{ attemptId: 's1.a' }] });
    expect(items[0]!.item.stem.kk).toContain('Оңтүстіктегі');
    const decision = { examId: 'ex-geo', examVersion: 1, itemId: 'i3', outcome: 'correct-key', correctOptionIds: ['b'], reason: 'Алматы is the largest city of the south.' };
    expect((await call('reviewer', 'POST', '/appeals/decisions', decision)).status).toBe(403);
    const upheld = await json<{ report: { rescored: number; changed: Array<{ attemptId: string; before: { total: number; isPassed: boolean }; after: { total: number; isPassed: boolean } }> } }>(call('appeals', 'POST', '/appeals/decisions', decision));
    expect(upheld.report.rescored).toBe(4);
    expect(upheld.report.changed).toEqual([
      expect.objectContaining({ attemptId: 's1.a', before: { total: 3, isPassed: true }, after: { total: 4, isPassed: true } }),
      expect.objectContaining({ attemptId: 's1.e1', before: { total: 2, isPassed: true }, after: { total: 1, isPassed: false } }),
    ]);
    expect((await call('appeals', 'POST', '/appeals/decisions', decision)).status).toBe(409);
  });

  it('refuses publication while the queue is open, then publishes once reviewers clear it', async () => {
    const blocked = await call('admin', 'POST', '/results/s1/publish');
    expect(blocked.status).toBe(409);
    const reasons = (await json<{ details: Array<{ code: string; text: string; kind?: string; params?: unknown }> }>(blocked)).details;
    expect(reasons.some((reason) => reason.text.includes('neither a check-in'))).toBe(true);
    expect(reasons).toContainEqual(expect.objectContaining({ code: 'open-discrepancy', kind: 'no-show', params: expect.objectContaining({ roomId: 'r1' }) }));
    expect(reasons).toContainEqual(expect.objectContaining({ code: 'attempt-not-complete', attemptId: 's1.b', completeness: 'incomplete', cause: expect.objectContaining({ code: 'not-closed' }) }));
    const { discrepancies } = await json<{ discrepancies: Discrepancy[] }>(call('reviewer', 'GET', '/sessions/s1'));
    const wrong = await call('reviewer', 'POST', '/sessions/s1/discrepancies/resolve', { discrepancyId: discrepancies[0]!.discrepancyId, action: 'delete-everything', reason: 'because I can' });
    expect(wrong.status).toBe(422);
    const choose: Record<string, string> = { 'late-events': 'ignore-late-answers', 'duplicate-attempts': 'keep:s1.e1', 'never-closed': 'score-as-held' };
    for (const d of discrepancies) {
      const response = await call('reviewer', 'POST', '/sessions/s1/discrepancies/resolve', { discrepancyId: d.discrepancyId, action: choose[d.kind] ?? d.actions[0], reason: 'checked against the venue act' });
      expect(response.status).toBe(200);
    }
    const attempt = await json<{ credibility: { score: number }; timeline: unknown[] }>(call('reviewer', 'GET', '/sessions/s1/attempts/s1.a'));
    expect(attempt.credibility.score).toBe(90);
    expect(attempt.timeline.length).toBeGreaterThan(5);
    expect(await json(call('reviewer', 'POST', '/sessions/s1/attempts/s1.a/decision', { decision: 'accept', reason: 'focus lost for two minutes only' }))).toEqual({ credibility: 90 });
    expect(await json(call('admin', 'POST', '/results/s1/publish'))).toEqual({ results: 4, certificates: 1 });
    // Published once: a second publication is refused with the reason, and issues nothing.
    const again = await call('admin', 'POST', '/results/s1/publish');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'already-published', details: { resultsPublishedAt: NOW } });
    expect((await json<{ certificates: unknown[] }>(call('auditor', 'GET', '/certificates?sessionId=s1'))).certificates).toHaveLength(1);
    expect(await json(call('reviewer', 'GET', '/sessions/s1'))).toMatchObject({ resultsPublishedAt: NOW });
    expect((await json<{ sessions: unknown[] }>(call('auditor', 'GET', '/sessions'))).sessions).toEqual([expect.objectContaining({ sessionId: 's1', state: 'results-published', resultsPublishedAt: NOW })]);
  });

  it('issues a Kazakh certificate that verifies by IIN plus code, and refuses a forged check', async () => {
    const { certificates } = await json<{ certificates: Array<{ certificateNumber: string; iin: string; individualCode: string; total: number; issuedAt: number; validUntil: number }> }>(call('auditor', 'GET', '/certificates?sessionId=s1'));
    expect(certificates).toHaveLength(1);
    const certificate = certificates[0]!;
    expect(certificate).toMatchObject({ iin: IINS[0], total: 3 });
    expect(new Date(certificate.validUntil).getUTCFullYear() - new Date(certificate.issuedAt).getUTCFullYear()).toBe(2);
    const pdf = await call('admin', 'GET', `/certificates/${certificate.certificateNumber}/pdf`);
    const text = (await pdfText(new Uint8Array(await pdf.arrayBuffer()))).replace(/\s+/g, ' ');
    expect(text).toContain(`ЖСН: ${IINS[0]}`);
    expect(text).toContain(`Тестіленушінің жеке коды: ${certificate.individualCode}`);
    expect(text).toContain('Әбілов Нұрлан');
    const ok = await app.request(`/api/public/certificates/verify?iin=${IINS[0]}&code=${certificate.individualCode}`);
    expect(await ok.json()).toMatchObject({ isValid: true, certificateNumber: certificate.certificateNumber });
    const forged = certificate.individualCode.slice(0, -1) + (certificate.individualCode.endsWith('0') ? '1' : '0');
    expect((await app.request(`/api/public/certificates/verify?iin=${IINS[0]}&code=${forged}`)).status).toBe(404);
    expect((await app.request(`/api/public/certificates/verify?iin=${IINS[1]}&code=${certificate.individualCode}`)).status).toBe(404);
    const csv = await (await call('auditor', 'GET', '/registry.csv?sessionId=s1')).text();
    expect(csv.split('\r\n')[1]).toContain(`${certificate.certificateNumber},${IINS[0]},Әбілов Нұрлан`);
    const xlsx = await call('auditor', 'GET', '/registry.xlsx?sessionId=s1');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(new TextDecoder().decode(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2))).toBe('PK');
    expect((await call('reviewer', 'GET', '/registry.xlsx?sessionId=s1')).status).toBe(403);
  });

  it('computes item statistics per language and compares venues', async () => {
    const { items } = await json<{ items: Array<{ itemId: string; byLanguage: Array<{ language: string; n: number; difficulty: number | null; neverChosen: string[] }> }> }>(call('appeals', 'GET', '/statistics/items?examId=ex-geo&examVersion=1'));
    const i1 = items.find((i) => i.itemId === 'i1')!;
    const all = i1.byLanguage.find((s) => s.language === 'all')!;
    expect(all).toMatchObject({ n: 3, difficulty: 0.667, neverChosen: ['c', 'd'] });
    const { venues } = await json<{ venues: Array<{ venueId: string; attempts: number }> }>(call('auditor', 'GET', '/statistics/venues?examId=ex-geo&examVersion=1'));
    expect(venues).toEqual([expect.objectContaining({ venueId: 'v1', attempts: 4 })]);
  });

  it('puts an attempt in conflict when the venue sends a different version of an event the hub holds', async () => {
    const position = venue.log.findLastIndex((event) => event.deviceId === 'pc-b');
    const original = venue.log[position]!;
    const { prevHash: _p, hash: _h, ...body } = original;
    const altered = chainEvent(original.prevHash, { ...body, data: { itemId: 'i2', value: { optionIds: ['a'] } } } as typeof body);
    const refused = await app.request('/api/uplink/batch', TestVenue.post(venue.batch(position + 1, 1, { events: [altered] })));
    expect(refused.status).toBe(409);
    const report = await json<{ attempts: Array<{ attemptId: string; completeness: string; total: number }>; discrepancies: Discrepancy[] }>(call('reviewer', 'GET', '/sessions/s1'));
    expect(report.attempts.find((a) => a.attemptId === 's1.b')).toMatchObject({ completeness: 'conflict', total: 0 });
    const conflicts = report.discrepancies.filter((d) => d.kind === 'chain-conflict' && !d.resolution);
    expect(conflicts.map((d) => d.subject)).toEqual(expect.arrayContaining(['s1.b']));
    expect(conflicts.some((d) => d.explanation.includes('conflicts with one the hub holds for device pc-b'))).toBe(true);
    expect(conflicts.map((d) => d.params)).toEqual(expect.arrayContaining([
      { cause: 'venue-conflict', attemptId: 's1.b', deviceId: 'pc-b' },
      expect.objectContaining({ cause: 'alarm-conflict', deviceId: 'pc-b', raisedAt: NOW }),
    ]));
  });
  it('lists a certificate as revoked in the journal and the public check once its attempt is annulled', async () => {
    type Entry = { certificateNumber: string; attemptId: string; individualCode: string; isRevoked: boolean; isExpired: boolean };
    const [before] = (await json<{ certificates: Entry[] }>(call('admin', 'GET', '/certificates?sessionId=s1'))).certificates;
    expect(before).toMatchObject({ attemptId: 's1.a', isRevoked: false, isExpired: false });
    expect((await call('reviewer', 'GET', '/certificates?sessionId=s1')).status).toBe(403);
    expect((await call('reviewer', 'POST', '/sessions/s1/attempts/s1.a/decision', { decision: 'annul', reason: 'a second person seen on the recording' })).status).toBe(200);
    const [after] = (await json<{ certificates: Entry[] }>(call('auditor', 'GET', '/certificates?sessionId=s1'))).certificates;
    expect(after).toMatchObject({ certificateNumber: before!.certificateNumber, isRevoked: true, isExpired: false });
    const check = await app.request(`/api/public/certificates/verify?iin=${IINS[0]}&code=${before!.individualCode}`);
    expect(await check.json()).toMatchObject({ isValid: false, isRevoked: true, isExpired: false });
  });
});
