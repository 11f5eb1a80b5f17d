/**
 * What every hub service shares: the database, the clock, limits, and the in-memory
 * caches that keep ingest free of per-event round trips (venue keys, device heads).
 */
import type { HubDatabase } from './db';

export interface HubConfig {
  /** Largest compressed uplink body accepted (bytes); larger gets 413 and the venue splits. */
  uplinkBodyLimitBytes: number;
  /** Largest inflated uplink body (bytes): guards against compression bombs. */
  uplinkInflatedLimitBytes: number;
  /** How far a signed request's `sentAt` may be from the hub's clock (ms). */
  clockWindowMs: number;
  /** Staff session lifetime (ms). */
  staffSessionMs: number;
  /** Failed logins allowed per username and address within `loginWindowMs`. */
  loginAttempts: number;
  loginWindowMs: number;
  /** Downlink entries per page. */
  downlinkPageSize: number;
}

export const DEFAULT_HUB_CONFIG: HubConfig = {
  uplinkBodyLimitBytes: 8 * 1024 * 1024,
  uplinkInflatedLimitBytes: 64 * 1024 * 1024,
  clockWindowMs: 10 * 60_000,
  staffSessionMs: 12 * 60 * 60_000,
  loginAttempts: 5,
  loginWindowMs: 15 * 60_000,
  downlinkPageSize: 50,
};

export interface HubContext {
  database: HubDatabase;
  now: () => number;
  config: HubConfig;
  version: string;
}
