/**
 * Venue → hub uplink: `POST /batch` takes a deflated venue batch as the body and its
 * signed envelope as JSON in `x-uplink-envelope`; `GET /cursor` says where the hub stands.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { UplinkEnvelope } from '../../sync/messages';
import { SyncRefusal } from '../../sync/refusals';
import { rejectInvalid } from '../errors';
import type { HubContext } from '../context';
import type { UplinkService } from '../services/uplink';
import { SignedQueryHeaders, type VenueKeys } from '../services/venue-auth';

const EnvelopeHeader = z.object({
  'x-uplink-envelope': z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(UplinkEnvelope),
});

export function uplinkRoutes(ctx: HubContext, services: { uplink: UplinkService; venueKeys: VenueKeys }) {
  return new Hono()
    .post(
      '/batch',
      bodyLimit({
        maxSize: ctx.config.uplinkBodyLimitBytes,
        onError: () => {
          throw new SyncRefusal('too-large', `the batch is over ${ctx.config.uplinkBodyLimitBytes} bytes; split it in half`);
        },
      }),
      zValidator('header', EnvelopeHeader, rejectInvalid),
      async (c) => {
        const envelope = c.req.valid('header')['x-uplink-envelope'];
        const body = new Uint8Array(await c.req.arrayBuffer());
        return c.json(await services.uplink.receive(envelope, body));
      },
    )
    .get('/cursor', zValidator('header', SignedQueryHeaders, rejectInvalid), async (c) => {
      const venueId = await services.venueKeys.checkQuery(c.req.valid('header'));
      return c.json(await services.uplink.cursor(venueId));
    });
}
