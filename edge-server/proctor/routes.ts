/**
 * The proctor's API at the venue, mounted at `/api/proctor`. Sign-in sets an httpOnly,
 * SameSite=Strict cookie bound to the proctor and their tablet; every other route needs
 * it, and every room route checks that the room is assigned to this proctor. Decisions
 * do not come through here: the tablet writes them as events in its own chain and pushes
 * them through `/api/device/events`, where the venue applies them (service.ts).
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { Id } from '../../sync/events';
import type { VenueEnv } from '../context';
import { ApiError } from '../errors';
import { validate } from '../validate';
import type { ProctorIdentity } from './auth';
import { proctorService, type ProctorService } from './service';

export const PROCTOR_COOKIE = 'proctor_session';
const STREAM_POLL_MS = 500;
const STREAM_REFRESH_MS = 10_000;

const SignInBody = z.object({
  username: z.string().trim().min(1).max(40),
  pin: z.string().regex(/^\d{4,12}$/, '4 to 12 digits'),
  deviceId: Id,
});
const RoomParams = z.object({ sessionId: Id, roomId: Id });
const CandidateParams = RoomParams.extend({ candidateId: Id });
const EvidenceParams = CandidateParams.extend({ violationId: Id });

function signedIn(c: Context<VenueEnv>): { service: ProctorService; identity: ProctorIdentity } {
  const service = proctorService(c.var.deps);
  const identity = service.auth.identityFor(getCookie(c, PROCTOR_COOKIE));
  if (!identity) throw new ApiError(401, 'not-signed-in', 'Sign in first.');
  return { service, identity };
}

function publicIdentity(identity: ProctorIdentity) {
  return { username: identity.username, displayName: identity.displayName, deviceId: identity.deviceId, rooms: identity.rooms };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const proctorRoutes = new Hono<VenueEnv>()
  .post('/sign-in', validate('json', SignInBody), async (c) => {
    const service = proctorService(c.var.deps);
    const { token, identity } = await service.auth.signIn(c.req.valid('json'), c.var.deps.remoteAddress(c) ?? 'local');
    setCookie(c, PROCTOR_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/api/proctor', secure: c.req.url.startsWith('https:') });
    return c.json({ proctor: publicIdentity(identity) });
  })
  .post('/sign-out', (c) => {
    const { service, identity } = signedIn(c);
    service.auth.signOut(identity);
    deleteCookie(c, PROCTOR_COOKIE, { path: '/api/proctor' });
    return c.json({ isSignedOut: true });
  })
  // Who is signed in on this tablet: `null` rather than a 401, so a tablet can ask before signing in.
  .get('/me', (c) => {
    const identity = proctorService(c.var.deps).auth.identityFor(getCookie(c, PROCTOR_COOKIE));
    return c.json({ proctor: identity ? publicIdentity(identity) : null });
  })
  .get('/sessions/:sessionId/rooms/:roomId', validate('param', RoomParams), (c) => {
    const { service, identity } = signedIn(c);
    const { sessionId, roomId } = c.req.valid('param');
    const session = service.assertAssigned(identity, sessionId, roomId);
    return c.json(service.roomView(session, roomId));
  })
  .get('/sessions/:sessionId/rooms/:roomId/stream', validate('param', RoomParams), (c) => {
    const { service, identity } = signedIn(c);
    const { sessionId, roomId } = c.req.valid('param');
    const session = service.assertAssigned(identity, sessionId, roomId);
    return streamSSE(c, async (stream) => {
      let sentSeq = -1;
      let sentAt = 0;
      let isOpen = true;
      stream.onAbort(() => {
        isOpen = false;
      });
      while (isOpen) {
        // A revoked sign-in ends the stream: access is checked for as long as it runs.
        if (!service.auth.identityFor(getCookie(c, PROCTOR_COOKIE))) break;
        const seq = service.lastVenueSeq();
        if (seq !== sentSeq || Date.now() - sentAt >= STREAM_REFRESH_MS) {
          const view = service.roomView(session, roomId);
          await stream.writeSSE({ event: 'room', data: JSON.stringify(view), id: String(view.venueSeq) });
          sentSeq = service.lastVenueSeq();
          sentAt = Date.now();
        }
        await sleep(STREAM_POLL_MS);
      }
    });
  })
  .get('/sessions/:sessionId/rooms/:roomId/candidates/:candidateId/photos', validate('param', CandidateParams), (c) => {
    const { service, identity } = signedIn(c);
    const { sessionId, roomId, candidateId } = c.req.valid('param');
    const session = service.assertAssigned(identity, sessionId, roomId);
    return c.json(service.photos(session, roomId, candidateId));
  })
  .get('/sessions/:sessionId/rooms/:roomId/candidates/:candidateId/violations/:violationId/evidence', validate('param', EvidenceParams), (c) => {
    const { service, identity } = signedIn(c);
    const { sessionId, roomId, candidateId, violationId } = c.req.valid('param');
    const session = service.assertAssigned(identity, sessionId, roomId);
    return c.json({ evidence: service.evidence(session, roomId, candidateId, violationId) });
  });
