/**
 * The venue server as a Hono app: one sub-app per resource, one error shape, and the
 * built PWA with an SPA fallback. `createVenueApp` takes everything it needs, so tests
 * call it in-process with a real SQLite file.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { SyncRefusal } from '../sync/refusals';
import type { VenueDeps, VenueEnv } from './context';
import { errorResponse } from './errors';
import { adminRoutes } from './routes/admin';
import { candidateRoutes } from './candidate/routes';
import { deviceRoutes } from './routes/device';
import { proctorRoutes } from './proctor/routes';
import { proctorService } from './proctor/service';
import { PackageCache } from './proctor/package-cache';
import { healthRoutes } from './routes/health';
import { staticSite } from './static-site';
import { useNativeSha256 } from './native-hash';

/** A device push holds at most 2000 events; evidence thumbnails make some events ~24 kB. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface VenueAppOptions extends Omit<VenueDeps, 'remoteAddress'> {
  staticDir?: string;
  maxBodyBytes?: number;
  remoteAddress?: VenueDeps['remoteAddress'];
}

/** The peer address node-server gives to each request, if any. */
function nodeRemoteAddress(c: Parameters<VenueDeps['remoteAddress']>[0]): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export function createVenueApp(options: VenueAppOptions): Hono<VenueEnv> {
  useNativeSha256();
  // The venue scores with the answer key the hub sealed under the session key; it opens once released.
  const sealedKeys = new PackageCache(options.store);
  const deps: VenueDeps = {
    ...options,
    answerKeyFor: options.answerKeyFor ?? ((sessionId) => sealedKeys.answerKey(sessionId)),
    remoteAddress: options.remoteAddress ?? nodeRemoteAddress,
  };
  const maxSize = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Installs the ingest hook that applies proctor decisions, before any device can push.
  proctorService(deps);
  const app = new Hono<VenueEnv>();
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('/api/*', bodyLimit({
    maxSize,
    onError: () => {
      throw new SyncRefusal('too-large', `the request body is over the venue's limit of ${maxSize} bytes`);
    },
  }));

  app.route('/api/health', healthRoutes);
  app.route('/api/device', deviceRoutes);
  app.route('/api/admin', adminRoutes);
  app.route('/api/candidate', candidateRoutes);
  app.route('/api/proctor', proctorRoutes);
  if (options.staticDir) app.route('/', staticSite(options.staticDir));

  app.notFound((c) => c.json({ code: 'not-found', message: `No route for ${c.req.method} ${c.req.path}`, requestId: c.var.requestId }, 404));
  app.onError(errorResponse);
  return app;
}
