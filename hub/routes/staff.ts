/** Central staff: sign-in with an httpOnly SameSite=Strict cookie, and admin actions. */
import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { Id } from '../../sync/events';
import { ApiError, rejectInvalid } from '../errors';
import { listAlarms, type StaffAccountRow, type StaffRole } from '../db';
import type { HubContext } from '../context';
import type { EnrolmentService } from '../services/enrolment';
import type { StaffService } from '../services/staff';

/** The staff session cookie. */
export const STAFF_COOKIE = 'hub_session';

type StaffEnv = { Variables: { staff: StaffAccountRow } };

const Login = z.object({ username: z.string().trim().min(1).max(80), password: z.string().min(1).max(200) });
const TokenRequest = z.object({ venueId: Id.optional(), validHours: z.number().int().min(1).max(24 * 30).optional() });

/** The peer's address for rate limiting (never a client-supplied header); in-process requests have none. */
function remoteAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

export function staffRoutes(ctx: HubContext, services: { staff: StaffService; enrolment: EnrolmentService }) {
  const requireRole = (...roles: StaffRole[]): MiddlewareHandler<StaffEnv> => async (c, next) => {
    const account = await services.staff.accountOf(getCookie(c, STAFF_COOKIE));
    if (!account) throw new ApiError(401, 'not-signed-in', 'sign in first');
    if (roles.length > 0 && !roles.includes(account.role)) throw new ApiError(403, 'forbidden', `this needs the ${roles.join(' or ')} role`);
    c.set('staff', account);
    await next();
  };

  return new Hono<StaffEnv>()
    .post('/login', zValidator('json', Login, rejectInvalid), async (c) => {
      const { username, password } = c.req.valid('json');
      // The service limits failed sign-ins per username and address, and per username.
      const session = await services.staff.login(username, password, remoteAddress(c));
      setCookie(c, STAFF_COOKIE, session.token, {
        httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', expires: new Date(session.expiresAt),
      });
      return c.json({ username: session.account.username, role: session.account.role, expiresAt: session.expiresAt });
    })
    .post('/logout', async (c) => {
      const token = getCookie(c, STAFF_COOKIE);
      if (token) await services.staff.logout(token);
      deleteCookie(c, STAFF_COOKIE, { path: '/' });
      return c.json({ isSignedOut: true });
    })
    .get('/me', requireRole(), (c) => {
      const { username, role } = c.get('staff');
      return c.json({ username, role });
    })
    .post('/enrolment-tokens', requireRole('admin'), zValidator('json', TokenRequest, rejectInvalid), async (c) => {
      const request = c.req.valid('json');
      return c.json(await services.enrolment.createToken(c.get('staff').username, request), 201);
    })
    .get('/alarms', requireRole('admin', 'auditor', 'reviewer'), zValidator('query', z.object({ venueId: Id.optional() }), rejectInvalid), async (c) => {
      return c.json({ alarms: await listAlarms(ctx.database.db, c.req.valid('query').venueId) });
    });
}
