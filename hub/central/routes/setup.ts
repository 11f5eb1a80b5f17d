/** Admin set-up: exam import, rooms, sessions, rosters, publication and the key release. */
import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { Id, Millis } from '../../../sync/events';
import { listCentralExams, listCentralRooms, listCentralSessions } from '../../db/central';
import type { HubContext } from '../../context';
import { ApiError, rejectInvalid } from '../../errors';
import type { CentralEnv, Permission } from '../access';
import type { JobTracker } from '../jobs';
import type { SetupService } from '../setup-service';

const Seat = z.object({ seatId: Id, label: z.string().trim().min(1).max(20), row: z.number().int().nonnegative().max(99), col: z.number().int().nonnegative().max(99) });
const RoomBody = z.object({ name: z.string().trim().min(1).max(100), seats: z.array(Seat).min(1).max(500) });
const ScheduleBody = z.object({
  sessionId: Id, venueId: Id, examId: Id, examVersion: z.number().int().positive(), startsAt: Millis,
  proctors: z.array(z.object({
    username: z.string().regex(/^[a-z0-9._-]{3,40}$/, '3 to 40 of a-z, 0-9, dot, dash, underscore'), displayName: z.string().trim().min(1).max(200),
    pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits'), roomIds: z.array(Id).max(100),
  })).max(100).default([]),
});

export function setupRoutes(ctx: HubContext, setup: SetupService, jobs: JobTracker, allow: (p: Permission) => MiddlewareHandler<CentralEnv>) {
  const actor = (c: { get(key: 'staff'): { username: string } }) => c.get('staff').username;
  return new Hono<CentralEnv>()
    .get('/exams', allow('statistics.read'), async (c) => c.json({ exams: await listCentralExams(ctx.database.db) }))
    .post('/exams', allow('exams.import'), zValidator('json', z.unknown(), rejectInvalid), async (c) => c.json(await setup.importExam(actor(c), c.req.valid('json')), 201))
    .get('/venues/:venueId/rooms', allow('evidence.read'), async (c) => c.json({ rooms: await listCentralRooms(ctx.database.db, c.req.param('venueId')) }))
    .put('/venues/:venueId/rooms/:roomId', allow('venues.manage'), zValidator('param', z.object({ venueId: Id, roomId: Id }), rejectInvalid), zValidator('json', RoomBody, rejectInvalid), async (c) => {
      const { venueId, roomId } = c.req.valid('param');
      await setup.saveRoom(actor(c), { venueId, roomId, ...c.req.valid('json') });
      return c.json({ venueId, roomId });
    })
    .get('/schedule', allow('evidence.read'), async (c) => {
      const rows = await listCentralSessions(ctx.database.db);
      return c.json({ sessions: rows.map(({ candidates, proctors, releaseCode: _code, ...row }) => ({ ...row, candidates: candidates.length, proctors: proctors.length })) });
    })
    .post('/schedule', allow('sessions.manage'), zValidator('json', ScheduleBody, rejectInvalid), async (c) => {
      await setup.schedule(actor(c), c.req.valid('json'));
      return c.json({ sessionId: c.req.valid('json').sessionId }, 201);
    })
    .get('/schedule/:sessionId', allow('evidence.read'), async (c) => c.json(await setup.sessionStatus(c.req.param('sessionId'))))
    .post('/schedule/:sessionId/roster', allow('sessions.manage'), zValidator('json', z.object({ csv: z.string().min(1).max(5_000_000) }), rejectInvalid), async (c) => {
      return c.json(await setup.importRoster(actor(c), c.req.param('sessionId'), c.req.valid('json').csv), 202);
    })
    .post('/schedule/publish', allow('sessions.manage'), zValidator('json', z.object({ sessionIds: z.array(Id).min(1).max(500) }), rejectInvalid), async (c) => {
      return c.json(await setup.publish(actor(c), c.req.valid('json').sessionIds), 202);
    })
    .post('/schedule/:sessionId/release', allow('sessions.release'), async (c) => c.json(await setup.releaseKeyNow(actor(c), c.req.param('sessionId'))))
    .post('/schedule/:sessionId/release-code', allow('sessions.release'), async (c) => c.json(await setup.releaseCode(actor(c), c.req.param('sessionId'))))
    .get('/jobs/:jobId', allow('jobs.read'), async (c) => {
      const job = jobs.view(c.req.param('jobId'), actor(c));
      if (!job) throw new ApiError(404, 'unknown-job', 'no such job of yours');
      return c.json(job);
    });
}
