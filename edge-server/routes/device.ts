/**
 * Device → venue sync. `POST /api/device/events` takes one push of a device chain and
 * answers with the receipt only after it has committed; `GET /api/device/cursor` is what
 * a device asks after any reconnect (the receiver owns the cursor).
 */
import { Hono } from 'hono';
import { DeviceCursorQuery, DevicePush } from '../../sync/messages';
import type { VenueEnv } from '../context';
import { validate } from '../validate';

export const deviceRoutes = new Hono<VenueEnv>()
  .post('/events', validate('json', DevicePush), (c) => {
    const receipt = c.var.deps.ingest.push(c.req.valid('json'));
    return c.json({ receipt });
  })
  .get('/cursor', validate('query', DeviceCursorQuery), (c) => {
    const { deviceId, epoch } = c.req.valid('query');
    return c.json(c.var.deps.ingest.cursor(deviceId, epoch));
  });
