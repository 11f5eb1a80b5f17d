/**
 * Every reason a sync receiver (venue or hub) refuses a push, in one place, with the
 * HTTP status each maps to. Validators return or throw a reason; the route maps it to a
 * status, so a sender can react by reason (resend from the cursor, split, raise an alarm)
 * without parsing messages.
 */
import { z } from 'zod';

/**
 * Refusal reasons and their HTTP statuses.
 * - `malformed`: the body does not parse against the message schema (400).
 * - `bad-signature`: the venue's Ed25519 signature over the batch does not verify (401).
 * - `unknown-venue`: no enrolled venue holds that key id (401).
 * - `unknown-device`: the device is not registered at this venue (401).
 * - `stale-nonce`: the nonce was seen before, or the timestamp is outside the window (409).
 * - `conflict`: the same (deviceId, epoch, seq) is held with a different hash. Never merged; an alarm (409).
 * - `gap`: the batch starts beyond held + 1. 409, not 422: the batch itself is well formed, it just
 *   disagrees with the receiver's cursor. The sender asks for the cursor and resends from there.
 * - `too-large`: the batch is over the receiver's size limit; the sender splits it in half (413).
 * - `bad-chain`: a prevHash/hash does not match the recomputed chain (422).
 */
export const SYNC_REFUSAL_STATUS = {
  malformed: 400,
  'bad-signature': 401,
  'unknown-venue': 401,
  'unknown-device': 401,
  'stale-nonce': 409,
  conflict: 409,
  gap: 409,
  'too-large': 413,
  'bad-chain': 422,
} as const satisfies Record<string, number>;

/** A named sync refusal reason (kebab-case literal). */
export type SyncRefusalReason = keyof typeof SYNC_REFUSAL_STATUS;

/** All refusal reasons, for schemas and exhaustive tests. */
export const SYNC_REFUSAL_REASONS = Object.keys(SYNC_REFUSAL_STATUS) as SyncRefusalReason[];

/** Zod schema of a refusal reason, for parsing a receiver's error body. */
export const syncRefusalReasonSchema = z.enum(SYNC_REFUSAL_REASONS as [SyncRefusalReason, ...SyncRefusalReason[]]);

/** HTTP status a refusal reason maps to. */
export function refusalStatus(reason: SyncRefusalReason): (typeof SYNC_REFUSAL_STATUS)[SyncRefusalReason] {
  return SYNC_REFUSAL_STATUS[reason];
}

/** Extra facts a refusal may carry, e.g. the receiver's cursor for `gap`, or the conflicting seq. */
export interface SyncRefusalDetail {
  deviceId?: string;
  epoch?: number;
  seq?: number;
  ackedSeq?: number;
}

/** The error every sync check throws; `reason` says what went wrong and `status` how to answer it over HTTP. */
export class SyncRefusal extends Error {
  override readonly name = 'SyncRefusal';
  readonly reason: SyncRefusalReason;
  readonly status: number;
  readonly detail: SyncRefusalDetail;

  constructor(reason: SyncRefusalReason, message?: string, detail: SyncRefusalDetail = {}) {
    super(message ?? reason);
    this.reason = reason;
    this.status = SYNC_REFUSAL_STATUS[reason];
    this.detail = detail;
  }
}

/** Type guard for {@link SyncRefusal}, also across module copies (checks name and reason). */
export function isSyncRefusal(error: unknown): error is SyncRefusal {
  return (
    error instanceof SyncRefusal ||
    (error instanceof Error && error.name === 'SyncRefusal' && typeof (error as { reason?: unknown }).reason === 'string')
  );
}
