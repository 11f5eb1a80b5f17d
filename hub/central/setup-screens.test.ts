/**
 * The set-up verbs behind the staff's screens, in-process on PGlite (and PostgreSQL when
 * TEST_DATABASE_URL is set): registering rooms, scheduling with proctors, a session's
 * status and the "release now" of its key. Every refusal changes nothing and audits nothing
 * but the refusal of a role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp, createHubServices } from '../app';
import { readAuditLog, readDownlink, type HubDatabase } from '../db';
import { testDatabaseTargets } from '../testing/databases';
import { examFile, ROOM, rosterCsv } from './test-fixture';

const NOW = 1_800_000_000_000;
const PROCTOR = { username: 'p.one', displayName: 'Proctor One', pin: '2468', roomIds: ['r1'] };

describe.each(testDatabaseTargets())('set-up screens on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };
  let app: ReturnType<typeof createHubApp>;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    database = await target.open();
    const services = createHubServices({ database, now: () => NOW });
    app = createHubApp({ database }, services);
    for (const role of ['admin', 'reviewer', 'auditor'] as const) {
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
  const json = async <T>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;
  const auditCount = async () => (await readAuditLog(database.db)).length;
  const rooms = async () => (await json<{ rooms: Array<{ roomId: string; name: string; seats: unknown[] }> }>(call('admin', 'GET', '/venues/v1/rooms'))).rooms;
  const settle = async (jobId: string) => {
    for (;;) {
      const job = await json<{ state: string }>(call('admin', 'GET', `/jobs/${jobId}`));
      if (job.state !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('registers rooms, refusing a duplicate name, an empty layout and a repeated label without changing anything', async () => {
    expect((await call('admin', 'PUT', '/venues/v1/rooms/r1', ROOM)).status).toBe(200);
    expect((await readAuditLog(database.db)).at(-1)).toMatchObject({ actor: 'admin', action: 'room.saved', subject: 'v1/r1', detail: { name: 'Room 1', seats: 6 } });
    const before = await auditCount();

    const namesake = await call('admin', 'PUT', '/venues/v1/rooms/r2', { ...ROOM, name: '  room 1 ' });
    expect(namesake.status).toBe(409);
    expect((await json<{ code: string }>(namesake)).code).toBe('duplicate-room-name');
    const empty = await call('admin', 'PUT', '/venues/v1/rooms/r2', { name: 'Room 2', seats: [] });
    expect(empty.status).toBe(400);
    expect((await json<{ details: Array<{ path: string[] }> }>(empty)).details[0]!.path).toEqual(['seats']);
    const labels = await call('admin', 'PUT', '/venues/v1/rooms/r2', { name: 'Room 2', seats: [{ seatId: 's1', label: 'A1', row: 0, col: 0 }, { seatId: 's2', label: 'a1', row: 0, col: 1 }] });
    expect((await json<{ code: string }>(labels)).code).toBe('duplicate-seat-label');
    expect((await rooms()).map((room) => room.roomId)).toEqual(['r1']);
    expect(await auditCount()).toBe(before);

    // Saving a room again under its own name replaces it.
    expect((await call('admin', 'PUT', '/venues/v1/rooms/r1', ROOM)).status).toBe(200);
    expect((await call('admin', 'PUT', '/venues/v1/rooms/r2', { name: 'Room 2', seats: ROOM.seats.slice(0, 2) })).status).toBe(200);
    expect((await rooms()).map((room) => [room.roomId, room.seats.length])).toEqual([['r1', 6], ['r2', 2]]);
  });

  it('refuses a reviewer registering a room, and audits the refusal', async () => {
    const response = await call('reviewer', 'PUT', '/venues/v1/rooms/r3', { name: 'Room 3', seats: ROOM.seats });
    expect(response.status).toBe(403);
    expect((await readAuditLog(database.db)).at(-1)).toMatchObject({ actor: 'reviewer', action: 'access.refused', subject: 'venues.manage' });
    expect((await rooms()).map((room) => room.roomId)).toEqual(['r1', 'r2']);
  });

  it('schedules with proctors, refusing a bad PIN, a repeated proctor and a proctor without a room', async () => {
    expect((await call('admin', 'POST', '/exams', examFile())).status).toBe(201);
    const before = await auditCount();
    const session = { sessionId: 's1', venueId: 'v1', examId: 'ex-geo', examVersion: 1, startsAt: NOW + 60_000 };
    const badPin = await call('admin', 'POST', '/schedule', { ...session, proctors: [{ ...PROCTOR, pin: '12a4' }] });
    expect(badPin.status).toBe(400);
    expect((await json<{ details: Array<{ path: Array<string | number> }> }>(badPin)).details[0]!.path).toEqual(['proctors', 0, 'pin']);
    const twice = await call('admin', 'POST', '/schedule', { ...session, proctors: [PROCTOR, { ...PROCTOR, displayName: 'Again' }] });
    expect((await json<{ code: string }>(twice)).code).toBe('duplicate-proctor');
    const roomless = await call('admin', 'POST', '/schedule', { ...session, proctors: [{ ...PROCTOR, roomIds: [] }] });
    expect((await json<{ code: string }>(roomless)).code).toBe('proctor-without-room');
    const unknownRoom = await call('admin', 'POST', '/schedule', { ...session, proctors: [{ ...PROCTOR, roomIds: ['r9'] }] });
    expect((await json<{ code: string }>(unknownRoom)).code).toBe('unknown-room');
    expect((await json<{ sessions: unknown[] }>(call('admin', 'GET', '/schedule'))).sessions).toEqual([]);
    expect(await auditCount()).toBe(before);

    const scheduled = await call('admin', 'POST', '/schedule', { ...session, proctors: [PROCTOR, { username: 'p.two', displayName: 'Proctor Two', pin: '13579', roomIds: ['r1', 'r2'] }] });
    expect(scheduled.status).toBe(201);
    const status = await json<Record<string, unknown>>(call('reviewer', 'GET', '/schedule/s1'));
    expect(status).toMatchObject({ sessionId: 's1', venueId: 'v1', candidates: 0, publishedAt: null, keyReleasedAt: null, hasReleaseCode: false });
    expect(status.proctors).toEqual([{ username: 'p.one', displayName: 'Proctor One', roomIds: ['r1'] }, { username: 'p.two', displayName: 'Proctor Two', roomIds: ['r1', 'r2'] }]);
    expect(JSON.stringify(status)).not.toContain('2468');
    expect((await readAuditLog(database.db)).at(-1)).toMatchObject({ action: 'session.scheduled', subject: 's1', detail: { proctors: [{ username: 'p.one', roomIds: ['r1'] }, { username: 'p.two', roomIds: ['r1', 'r2'] }] } });
    expect((await call('admin', 'GET', '/schedule/nope')).status).toBe(404);
  });

  it('refuses a room layout that drops a seat a roster uses', async () => {
    await settle((await json<{ jobId: string }>(call('admin', 'POST', '/schedule/s1/roster', { csv: rosterCsv() }))).jobId);
    const before = await auditCount();
    const shrunk = await call('admin', 'PUT', '/venues/v1/rooms/r1', { name: 'Room 1', seats: ROOM.seats.slice(0, 3) });
    expect(shrunk.status).toBe(409);
    expect(await json(shrunk)).toMatchObject({ code: 'seats-in-use', details: ['s1/s4', 's1/s5'] });
    expect((await rooms()).find((room) => room.roomId === 'r1')!.seats).toHaveLength(6);
    expect(await auditCount()).toBe(before);
  });

  it('releases the key now only once the session is published, and only for an admin', async () => {
    const before = await auditCount();
    const early = await call('admin', 'POST', '/schedule/s1/release');
    expect(early.status).toBe(409);
    expect((await json<{ code: string }>(early)).code).toBe('not-published');
    expect(await auditCount()).toBe(before);
    await settle((await json<{ jobId: string }>(call('admin', 'POST', '/schedule/publish', { sessionIds: ['s1'] }))).jobId);
    expect(await json(call('reviewer', 'GET', '/schedule/s1'))).toMatchObject({ publishedAt: NOW, keyReleasedAt: null, hasReleaseCode: true, candidates: 5 });

    expect((await call('auditor', 'POST', '/schedule/s1/release')).status).toBe(403);
    expect((await readAuditLog(database.db)).at(-1)).toMatchObject({ actor: 'auditor', action: 'access.refused', subject: 'sessions.release' });
    expect(await json(call('admin', 'POST', '/schedule/s1/release'))).toEqual({ isReleased: true });
    expect(await json(call('admin', 'POST', '/schedule/s1/release'))).toEqual({ isReleased: true });
    const kinds = (await readDownlink(database.db, 'v1', 0, 50)).entries.map((entry) => entry.kind);
    expect(kinds.filter((kind) => kind === 'key-release')).toHaveLength(1);
    expect(await json(call('auditor', 'GET', '/schedule/s1'))).toMatchObject({ keyReleasedAt: NOW });
    const audit = (await readAuditLog(database.db)).filter((row) => row.action === 'session.key-released');
    expect(audit.map((row) => row.detail)).toEqual([{ released: 1, wasReleasedBefore: false }, { released: 0, wasReleasedBefore: true }]);

    expect((await call('reviewer', 'POST', '/schedule/s1/release-code')).status).toBe(403);
    expect((await json<{ releaseCode: string }>(call('admin', 'POST', '/schedule/s1/release-code'))).releaseCode.length).toBeGreaterThan(5);
    expect((await readAuditLog(database.db)).at(-1)).toMatchObject({ actor: 'admin', action: 'session.release-code-read', subject: 's1' });
  });
});
