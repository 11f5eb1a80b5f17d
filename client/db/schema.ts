/**
 * The rows of the device database (`exam-device`, see database.ts) as plain types, with
 * no Dexie: the device writer's worker reads and writes the same rows through IndexedDB
 * itself and must not load Dexie.
 */
import type { ChainedEvent } from '../../sync/events';

export const DEVICE_DB_NAME = 'exam-device';
/** The key of the single device row. */
export const DEVICE_KEY = 'self';

export interface DeviceRow {
  key: typeof DEVICE_KEY;
  deviceId: string;
  /** Changes only when this store is recreated: the creation time in ms. */
  epoch: number;
  /** The seq the next event gets: 1 for a new epoch. */
  nextSeq: number;
  /** The hash of the last event, or GENESIS_HASH. */
  lastHash: string;
  createdAt: number;
}

/** 0 until the venue's receipt covers the event, then 1 (IndexedDB cannot index booleans). */
export type AckFlag = 0 | 1;

export interface EventRow {
  epoch: number;
  seq: number;
  attemptId?: string;
  acked: AckFlag;
  ackedAt?: number;
  /** The event exactly as chained and hashed. */
  event: ChainedEvent;
}

export interface KvRow {
  key: string;
  value: unknown;
}

