/**
 * Serves the built PWA: files from the static folder, and index.html for any other
 * path without a file extension (client-side routes), never for /api. index.html and
 * sw.js are never cached without revalidation, so an update is seen on the next visit;
 * hashed build assets are immutable.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import type { VenueEnv } from './context';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
].join('; ');

const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('Service-Worker-Allowed', '/');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
};

const cacheHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.status !== 200) return;
  const path = c.req.path;
  const isHtml = c.res.headers.get('content-type')?.startsWith('text/html') ?? false;
  if (isHtml || path.endsWith('/sw.js') || path.endsWith('.webmanifest')) c.header('Cache-Control', 'no-cache');
  else if (path.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
};

const hasExtension = (path: string): boolean => /\.[A-Za-z0-9]+$/.test(path.slice(path.lastIndexOf('/') + 1));

export function staticSite(root: string): Hono<VenueEnv> {
  const site = new Hono<VenueEnv>();
  site.use('*', async (c, next) => (c.req.path === '/api' || c.req.path.startsWith('/api/') ? c.notFound() : next()));
  site.use('*', securityHeaders);
  site.use('*', cacheHeaders);
  site.get('*', serveStatic({ root }));
  const fallback = serveStatic({ root, path: 'index.html' });
  site.get('*', async (c, next) => (hasExtension(c.req.path) ? next() : fallback(c, next)));
  return site;
}
