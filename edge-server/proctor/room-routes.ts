/**
 * The proctor's room routes, mounted at `/api/proctor/sessions/:sessionId/rooms/:roomId`.
 * Every one of them first checks the sign-in and that the room is assigned to this
 * proctor (`roomOf`); a candidate or violation is then looked up inside that room only.
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { Id } from '../../sync/events';
import type { VenueEnv } from '../context';
import { ApiError } from '../errors';
import { actPdf, roomReportPdf, seatingListPdf } from '../pdf/documents';
import { validate } from '../validate';
import type { ProctorIdentity } from './auth';
import { proctorService, type ProctorService } from './service';

export const PROCTOR_COOKIE = 'proctor_session';
/** The streams wake on every commit that moves the log; this slow poll catches anything else. */
const STREAM_POLL_MS = 2000;
const STREAM_REFRESH_MS = 10_000;

const CandidateParams = z.object({ candidateId: Id });
const EvidenceParams = CandidateParams.extend({ violationId: Id });
const ActParams = z.object({ actId: Id });
const ReleaseBody = z.object({ code: z.string().trim().min(4).max(40) });

/** The signed-in proctor (401 otherwise). */
export function signedIn(c: Context<VenueEnv>): { service: ProctorService; identity: ProctorIdentity } {
  const service = proctorService(c.var.deps);
  const identity = service.auth.identityFor(getCookie(c, PROCTOR_COOKIE));
  if (!identity) throw new ApiError(401, 'not-signed-in', 'Sign in first.');
  return { service, identity };
}

/** The signed-in proctor and the room of the path, which must be theirs (403 otherwise). */
function roomOf(c: Context<VenueEnv>) {
  const { service, identity } = signedIn(c);
  const sessionId = c.req.param('sessionId') ?? '';
  const roomId = c.req.param('roomId') ?? '';
  if (!Id.safeParse(sessionId).success || !Id.safeParse(roomId).success) throw new ApiError(400, 'malformed', 'invalid session or room id');
  const session = service.assertAssigned(identity, sessionId, roomId);
  return { service, identity, session, roomId };
}

function pdf(c: Context<VenueEnv>, bytes: Buffer, name: string): Response {
  c.header('Content-Type', 'application/pdf');
  c.header('Content-Disposition', `inline; filename="${name}"`);
  return c.body(new Uint8Array(bytes));
}

export const roomRoutes = new Hono<VenueEnv>()
  .get('/', (c) => {
    const { service, session, roomId } = roomOf(c);
    return c.json(service.roomView(session, roomId));
  })
  .get('/stream', (c) => {
    const { service, session, roomId } = roomOf(c);
    return streamSSE(c, async (stream) => {
      let sentSeq = -1;
      let sentAt = 0;
      while (!stream.aborted) {
        // Access is checked for as long as the stream runs: a sign-out ends it.
        if (!service.auth.identityFor(getCookie(c, PROCTOR_COOKIE))) break;
        const seq = service.lastVenueSeq();
        if (seq !== sentSeq || Date.now() - sentAt >= STREAM_REFRESH_MS) {
          const view = service.sharedRoomView(session, roomId);
          await stream.writeSSE({ event: 'room', data: JSON.stringify(view), id: String(view.venueSeq) });
          sentSeq = view.venueSeq;
          sentAt = Date.now();
        }
        await c.var.deps.ingest.logMoved(sentSeq, STREAM_POLL_MS);
      }
    });
  })
  .get('/candidates/:candidateId/photos', validate('param', CandidateParams), (c) => {
    const { service, session, roomId } = roomOf(c);
    return c.json(service.photos(session, roomId, c.req.valid('param').candidateId));
  })
  .get('/candidates/:candidateId/violations/:violationId/evidence', validate('param', EvidenceParams), (c) => {
    const { service, session, roomId } = roomOf(c);
    const { candidateId, violationId } = c.req.valid('param');
    return c.json({ evidence: service.evidence(session, roomId, candidateId, violationId) });
  })
  .get('/seating-list.pdf', async (c) => {
    const { service, session, roomId } = roomOf(c);
    return pdf(c, await seatingListPdf(service.roomView(session, roomId)), `seating-list-${roomId}.pdf`);
  })
  .get('/report.pdf', async (c) => {
    const { service, identity, session, roomId } = roomOf(c);
    return pdf(c, await roomReportPdf(service.roomView(session, roomId), identity.displayName), `report-${roomId}.pdf`);
  })
  .get('/acts/:actId{.+\\.pdf}', async (c) => {
    const { service, identity, session, roomId } = roomOf(c);
    const actId = c.req.param('actId').replace(/\.pdf$/, '');
    if (!ActParams.safeParse({ actId }).success) throw new ApiError(400, 'malformed', 'invalid act id');
    const view = service.roomView(session, roomId);
    const act = view.acts.find((a) => a.actId === actId);
    if (!act) throw new ApiError(404, 'no-act', 'No such act in this room.');
    return pdf(c, await actPdf(view, act, identity.displayName), `act-${actId}.pdf`);
  })
  // The hub is out of reach at start time: the proctor types the session's release code.
  .post('/release-code', validate('json', ReleaseBody), async (c) => {
    const { service, session, roomId } = roomOf(c);
    service.assertOpen(session, roomId);
    await service.releaseWithCode(session, c.req.valid('json').code, c.var.deps.remoteAddress(c) ?? 'local');
    return c.json({ isReleased: true });
  });
