/** Venue routes: enrolment with a one-time token, and the signed downlink pull. */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { Id } from '../../sync/events';
import { EnrolRequest } from '../../sync/messages';
import { SyncRefusal } from '../../sync/refusals';
import { rejectInvalid } from '../errors';
import type { EnrolmentService } from '../services/enrolment';
import type { PublishingService } from '../services/publishing';
import { SignedQueryHeaders, type VenueKeys } from '../services/venue-auth';

export function venueRoutes(services: { enrolment: EnrolmentService; publishing: PublishingService; venueKeys: VenueKeys }) {
  return new Hono()
    .post('/enrol', zValidator('json', EnrolRequest, rejectInvalid), async (c) => {
      return c.json(await services.enrolment.enrol(c.req.valid('json')), 201);
    })
    .get(
      '/:venueId/downlink',
      zValidator('param', z.object({ venueId: Id }), rejectInvalid),
      zValidator('query', z.object({ cursor: z.coerce.number().int().nonnegative().default(0) }), rejectInvalid),
      zValidator('header', SignedQueryHeaders, rejectInvalid),
      async (c) => {
        const { venueId } = c.req.valid('param');
        const signedBy = await services.venueKeys.checkQuery(c.req.valid('header'));
        if (signedBy !== venueId) throw new SyncRefusal('bad-signature', `signed by venue ${signedBy}, not ${venueId}`);
        return c.json(await services.publishing.page(venueId, c.req.valid('query').cursor));
      },
    );
}
