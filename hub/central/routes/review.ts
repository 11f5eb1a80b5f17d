/** Reviewers and auditors: venue dashboard, attempts, discrepancy queue, violation review. */
import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { rejectInvalid } from '../../errors';
import type { CentralEnv, Permission } from '../access';
import type { InsightService } from '../insight-service';
import type { ReviewService } from '../review-service';

const Reason = z.string().trim().min(5, 'give a reason of at least 5 characters').max(2000);

export function reviewRoutes(review: ReviewService, insight: InsightService, allow: (p: Permission) => MiddlewareHandler<CentralEnv>) {
  return new Hono<CentralEnv>()
    .get('/dashboard', allow('evidence.read'), async (c) => c.json({ venues: await insight.dashboard() }))
    .get('/sessions', allow('evidence.read'), async (c) => c.json({ sessions: await review.sessions() }))
    .get('/sessions/:sessionId', allow('evidence.read'), async (c) => c.json(await review.session(c.req.param('sessionId'))))
    .post('/sessions/:sessionId/discrepancies/resolve', allow('discrepancies.resolve'), zValidator('json', z.object({ discrepancyId: z.string().min(1).max(400), action: z.string().min(1).max(200), reason: Reason }), rejectInvalid), async (c) => {
      const { discrepancyId, action, reason } = c.req.valid('json');
      await review.resolve(c.get('staff').username, c.req.param('sessionId'), discrepancyId, action, reason);
      return c.json({ discrepancyId, action });
    })
    .get('/sessions/:sessionId/attempts/:attemptId', allow('evidence.read'), async (c) => c.json(await review.attempt(c.req.param('sessionId'), c.req.param('attemptId'))))
    .post('/sessions/:sessionId/attempts/:attemptId/decision', allow('violations.decide'), zValidator('json', z.object({ decision: z.enum(['accept', 'annul']), reason: Reason }), rejectInvalid), async (c) => {
      const { decision, reason } = c.req.valid('json');
      return c.json(await review.decideViolations(c.get('staff').username, c.req.param('sessionId'), c.req.param('attemptId'), decision, reason));
    });
}
