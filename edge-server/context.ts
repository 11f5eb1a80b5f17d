/** What every venue route can reach through `c.var.deps`. */
import type { Context } from 'hono';
import type { AnswerKey } from '../sync/package';
import type { VenueStore } from './db/store';
import type { DeviceIngest } from './services/device-ingest';

export interface SyncNowResult {
  uplink: { ok: boolean; ackedVenueSeq: number; error?: string };
  downlink: { ok: boolean; cursor: number; error?: string };
}

export interface VenueDeps {
  store: VenueStore;
  ingest: DeviceIngest;
  version: string;
  /** The uplink and downlink, when a hub is configured. */
  sync?: { syncNow(): Promise<SyncNowResult> };
  /** The answer key of a session's exam where the venue holds one (scores the analysis card); never sent to a device. */
  answerKeyFor?: (sessionId: string) => AnswerKey | undefined;
  /** The peer's address (for loopback-only routes); undefined for in-process requests. */
  remoteAddress: (c: Context) => string | undefined;
}

export type VenueEnv = { Variables: { deps: VenueDeps; requestId: string } };
