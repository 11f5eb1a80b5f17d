/**
 * The proctor's API at the venue, mounted at `/api/proctor`. Sign-in sets an httpOnly,
 * SameSite=Strict cookie bound to the proctor and their tablet; every room route needs it
 * and checks that the room is assigned to this proctor (room-routes.ts). Decisions do not
 * come through here: the tablet writes them as events in its own chain and pushes them
 * through `/api/device/events`, where the venue applies them (service.ts).
 */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { Id } from '../../sync/events';
import type { VenueEnv } from '../context';
import { validate } from '../validate';
import type { ProctorIdentity } from './auth';
import { PROCTOR_COOKIE, roomRoutes, signedIn } from './room-routes';
import { proctorService } from './service';

export { PROCTOR_COOKIE };

const SignInBody = z.object({
  username: z.string().trim().min(1).max(40),
  pin: z.string().regex(/^\d{4,12}$/, '4 to 12 digits'),
  deviceId: Id,
});

function publicIdentity(identity: ProctorIdentity) {
  return { username: identity.username, displayName: identity.displayName, deviceId: identity.deviceId, rooms: identity.rooms };
}

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
  .route('/sessions/:sessionId/rooms/:roomId', roomRoutes);
