/** Venue technician actions, from the venue server's own machine only. */
import { Hono } from 'hono';
import type { VenueEnv } from '../context';
import { ApiError } from '../errors';

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export const adminRoutes = new Hono<VenueEnv>()
  .use('*', async (c, next) => {
    if (!isLoopback(c.var.deps.remoteAddress(c))) throw new ApiError(403, 'forbidden', 'Only the venue server itself may do this.');
    await next();
  })
  // Runs one uplink and one downlink pass now, instead of waiting for the interval.
  .post('/sync-now', async (c) => {
    const { sync } = c.var.deps;
    if (!sync) throw new ApiError(409, 'no-hub', 'This venue has no hub URL configured.');
    return c.json(await sync.syncNow());
  });
