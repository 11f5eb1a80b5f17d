/**
 * Who may do what in the central area. Each permission lists the roles that hold it; a
 * route names its permission, and a refusal is itself written to the audit log, so an
 * auditor sees attempts to act beyond a role as well as the actions taken.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { appendAudit, type StaffAccountRow, type StaffRole } from '../db';
import type { HubContext } from '../context';
import { ApiError } from '../errors';
import { STAFF_COOKIE } from '../routes/staff';
import type { StaffService } from '../services/staff';

export const PERMISSIONS = {
  'exams.import': ['admin'],
  'venues.manage': ['admin'],
  'sessions.manage': ['admin'],
  'sessions.release': ['admin'],
  'evidence.read': ['admin', 'reviewer', 'auditor'],
  'discrepancies.resolve': ['reviewer'],
  'violations.decide': ['reviewer'],
  'appeals.read': ['appeals', 'admin', 'auditor'],
  'appeals.decide': ['appeals'],
  'results.publish': ['admin'],
  'certificates.read': ['admin', 'auditor'],
  'audit.read': ['auditor', 'admin'],
  'statistics.read': ['admin', 'reviewer', 'appeals', 'auditor'],
  'jobs.read': ['admin', 'reviewer', 'appeals', 'auditor'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export type CentralEnv = { Variables: { staff: StaffAccountRow } };

/** Whether a role holds a permission. */
export function isAllowed(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}

/** Route guard: signed in, and holding the permission; a refusal is audited in its own transaction. */
export function guard(ctx: HubContext, staff: StaffService) {
  return (permission: Permission): MiddlewareHandler<CentralEnv> => async (c, next) => {
    const account = await staff.accountOf(getCookie(c, STAFF_COOKIE));
    if (!account) throw new ApiError(401, 'not-signed-in', 'sign in first');
    if (!isAllowed(account.role, permission)) {
      await ctx.database.db.transaction((tx) => appendAudit(tx, {
        at: ctx.now(), actor: account.username, action: 'access.refused', subject: permission,
        detail: { role: account.role, method: c.req.method, path: c.req.path },
      }));
      throw new ApiError(403, 'forbidden', `the ${account.role} role may not do this (${permission} needs ${PERMISSIONS[permission].join(' or ')})`);
    }
    c.set('staff', account);
    await next();
  };
}
