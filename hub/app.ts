/**
 * The hub's HTTP app: one Hono sub-app per resource, mounted under /api, one error
 * handler. `createHubApp` takes an open database, so tests run it in-process with
 * `app.request()` against a real PGlite or PostgreSQL.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { DEFAULT_HUB_CONFIG, type HubConfig, type HubContext } from './context';
import type { HubDatabase } from './db';
import { ApiError, errorResponse } from './errors';
import { centralApi } from './central';
import { importRoutes } from './import/routes';
import { healthRoutes } from './routes/health';
import { staffRoutes } from './routes/staff';
import { uplinkRoutes } from './routes/uplink';
import { venueRoutes } from './routes/venues';
import { EnrolmentService } from './services/enrolment';
import { PublishingService } from './services/publishing';
import { StaffService } from './services/staff';
import { UplinkService } from './services/uplink';
import { VenueKeys } from './services/venue-auth';
import { useNativeSha256 } from './native-hash';

export interface HubDeps {
  database: HubDatabase;
  /** The clock (ms); tests pass a fixed one. */
  now?: () => number;
  config?: Partial<HubConfig>;
  version?: string;
  /** The built PWA (dist/), served for the central staff's area; API paths never fall through to it. */
  pwaRoot?: string;
}

/** The hub's service verbs, shared by the routes and by start-up tasks such as demo seeding. */
export interface HubServices {
  ctx: HubContext;
  venueKeys: VenueKeys;
  uplink: UplinkService;
  enrolment: EnrolmentService;
  staff: StaffService;
  publishing: PublishingService;
}

/** Builds the services over one database. */
export function createHubServices(deps: HubDeps): HubServices {
  useNativeSha256();
  const ctx: HubContext = {
    database: deps.database,
    now: deps.now ?? Date.now,
    config: { ...DEFAULT_HUB_CONFIG, ...deps.config },
    version: deps.version ?? '0.1.0',
  };
  const venueKeys = new VenueKeys(ctx);
  return {
    ctx,
    venueKeys,
    uplink: new UplinkService(ctx, venueKeys),
    enrolment: new EnrolmentService(ctx),
    staff: new StaffService(ctx),
    publishing: new PublishingService(ctx),
  };
}

/** The hub app; pass `services` to share them with start-up code. */
export function createHubApp(deps: HubDeps, services: HubServices = createHubServices(deps)) {
  const { ctx } = services;
  const app = new Hono();
  app.use('*', requestId());
  app.route('/api/health', healthRoutes(ctx));
  app.route('/api/venues', venueRoutes(services));
  app.route('/api/uplink', uplinkRoutes(ctx, services));
  app.route('/api/staff', staffRoutes(ctx, services));
  app.route('/api', importRoutes(services));
  app.route('/api', centralApi(services));
  if (deps.pwaRoot) {
    const outsideApi = (handler: MiddlewareHandler): MiddlewareHandler => (c, next) => (c.req.path.startsWith('/api/') ? next() : handler(c, next));
    app.use('*', outsideApi(serveStatic({ root: deps.pwaRoot })));
    // History-mode routes such as /central/alarms load the shell, which routes on the client.
    app.get('*', outsideApi(serveStatic({ root: deps.pwaRoot, path: 'index.html' })));
  }
  app.notFound((c) => errorResponse(new ApiError(404, 'not-found', `no route for ${c.req.method} ${c.req.path}`), c));
  app.onError(errorResponse);
  return app;
}
