/**
 * The central staff's API, mounted by the hub app under /api: `/api/central/*` behind
 * staff sign-in and per-role permissions (access.ts), and `/api/public/*` for the
 * certificate check. One route module per concern; each calls a service verb.
 */
import { Hono } from 'hono';
import type { HubServices } from '../app';
import { guard } from './access';
import { AppealsService } from './appeals-service';
import { InsightService } from './insight-service';
import { JobTracker } from './jobs';
import { ResultsService } from './results-service';
import { ReviewService } from './review-service';
import { publicRoutes } from './routes/public';
import { resultsRoutes } from './routes/results';
import { reviewRoutes } from './routes/review';
import { setupRoutes } from './routes/setup';
import { SetupService } from './setup-service';

/** The central services over the hub's own. */
export function createCentralServices(services: Pick<HubServices, 'ctx' | 'publishing'>) {
  const jobs = new JobTracker();
  return {
    jobs,
    setup: new SetupService(services.ctx, services.publishing, jobs),
    review: new ReviewService(services.ctx),
    appeals: new AppealsService(services.ctx),
    results: new ResultsService(services.ctx),
    insight: new InsightService(services.ctx),
  };
}

/** `/central/*` and `/public/*`, to mount under `/api`. */
export function centralApi(services: Pick<HubServices, 'ctx' | 'publishing' | 'staff'>, central = createCentralServices(services)) {
  const allow = guard(services.ctx, services.staff);
  const staffArea = new Hono()
    .route('/', setupRoutes(services.ctx, central.setup, central.jobs, allow))
    .route('/', reviewRoutes(central.review, central.insight, allow))
    .route('/', resultsRoutes(services.ctx, central, allow));
  return new Hono().route('/central', staffArea).route('/public', publicRoutes(central.results));
}
