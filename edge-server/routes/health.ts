/** `GET /api/health`: role, version, storage and the uplink's progress. */
import { Hono } from 'hono';
import type { VenueEnv } from '../context';

export const healthRoutes = new Hono<VenueEnv>().get('/', (c) => {
  const { store, ingest, version } = c.var.deps;
  const storageState = store.probe();
  if (storageState === 'failed') {
    return c.json({ role: 'venue' as const, version, storage: { state: storageState } }, 503);
  }
  const head = ingest.head();
  const uplink = store.uplink.get();
  const downlink = store.downlink.get();
  const config = store.config.get();
  return c.json({
    role: 'venue' as const,
    version,
    venueId: config?.venueId ?? null,
    storage: { state: storageState },
    log: { size: head.size, root: head.root, alarms: store.log.alarmCount() },
    uplink: {
      isConfigured: Boolean(config?.hubUrl),
      isEnrolled: config?.isEnrolled ?? false,
      pending: Math.max(0, head.size - uplink.ackedVenueSeq),
      ackedVenueSeq: uplink.ackedVenueSeq,
      isHeadMatched: uplink.isHeadMatched,
      lastSuccessAt: uplink.lastSuccessAt,
      lastError: uplink.lastError,
      lastErrorAt: uplink.lastErrorAt,
      attempts: uplink.attempts,
    },
    downlink: { cursor: downlink.cursor, lastSuccessAt: downlink.lastSuccessAt, lastError: downlink.lastError },
  });
});
