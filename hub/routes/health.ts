/** `GET /api/health`: role, version and whether the database answers. */
import { Hono } from 'hono';
import type { Health } from '../../sync/messages';
import type { HubContext } from '../context';

export function healthRoutes(ctx: HubContext) {
  return new Hono().get('/', async (c) => {
    let storage: Health['storage'];
    try {
      await ctx.database.ping();
      storage = { state: 'ok', detail: ctx.database.kind };
    } catch (error) {
      storage = { state: 'failed', detail: error instanceof Error ? error.message : String(error) };
    }
    const health: Health = { role: 'hub', version: ctx.version, storage };
    return c.json(health, storage.state === 'ok' ? 200 : 503);
  });
}
