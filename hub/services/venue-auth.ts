/**
 * Venue authentication: every uplink batch, signed head and signed query is checked
 * against the venue's enrolled Ed25519 key (Node's crypto). Keys are cached after the
 * first lookup; a venue's key never changes once enrolled.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { Id, Millis } from '../../sync/events';
import { SyncRefusal } from '../../sync/refusals';
import { signedQueryText } from '../../sync/messages';
import { claimNonce, findVenue, pruneNonces, raiseAlarm, touchVenue } from '../db';
import type { HubContext } from '../context';


/** Headers of a signed query. */
export const SignedQueryHeaders = z.object({
  'x-venue-id': Id,
  'x-nonce': z.string().regex(/^[0-9a-f]{32}$/, '16 random bytes as hex'),
  'x-sent-at': z.coerce.number().pipe(Millis),
  'x-signature': z.string().min(1).max(200),
});
export type SignedQueryHeaders = z.infer<typeof SignedQueryHeaders>;

/** Parses an SPKI DER (base64) Ed25519 public key; undefined if it is not one. */
export function parseVenuePublicKey(base64: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** True when `signature` (base64) is the venue's Ed25519 signature over `text`. */
export function isVenueSignature(key: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export class VenueKeys {
  readonly #keys = new Map<string, KeyObject>();
  #prunedAt = 0;

  constructor(private readonly ctx: HubContext) {}

  /** The venue's key; 401 `unknown-venue` if it is not enrolled. */
  async keyOf(venueId: string): Promise<KeyObject> {
    const cached = this.#keys.get(venueId);
    if (cached) return cached;
    const venue = await findVenue(this.ctx.database.db, venueId);
    const key = venue && parseVenuePublicKey(venue.publicKey);
    if (!key) throw new SyncRefusal('unknown-venue', `no enrolled venue ${venueId}`);
    this.#keys.set(venueId, key);
    return key;
  }

  /** Records an alarm in its own transaction (the request's own work is refused). */
  async alarm(venueId: string | null, kind: Parameters<typeof raiseAlarm>[1]['kind'], detail: Record<string, unknown>): Promise<void> {
    await raiseAlarm(this.ctx.database.db, { venueId, kind, detail }, this.ctx.now());
  }

  /**
   * Forgets nonces older than twice the clock window, at most once per window: a request
   * that old is refused by its timestamp, so its nonce no longer needs remembering.
   */
  async pruneNonces(): Promise<void> {
    const now = this.ctx.now();
    const window = this.ctx.config.clockWindowMs;
    if (now - this.#prunedAt < window) return;
    this.#prunedAt = now;
    await pruneNonces(this.ctx.database.db, now - 2 * window);
  }

  /** Throws `stale-nonce` when `sentAt` is outside the clock window; the hub's time goes back so the venue can see its offset. */
  checkClock(sentAt: number): void {
    const now = this.ctx.now();
    if (Math.abs(now - sentAt) > this.ctx.config.clockWindowMs) {
      throw new SyncRefusal('stale-nonce', `sentAt is ${Math.round((sentAt - now) / 1000)} s from the hub's clock (hub time ${now})`);
    }
  }

  /**
   * Checks a signed query: known venue, good signature, fresh timestamp, unseen nonce.
   * A forged or replayed query changes nothing but an alarm row.
   */
  async checkQuery(query: SignedQueryHeaders): Promise<string> {
    const venueId = query['x-venue-id'];
    const key = await this.keyOf(venueId);
    if (!isVenueSignature(key, signedQueryText(venueId, query['x-nonce'], query['x-sent-at']), query['x-signature'])) {
      await this.alarm(venueId, 'forged-query', { nonce: query['x-nonce'] });
      throw new SyncRefusal('bad-signature', 'the query signature does not verify with the venue key');
    }
    this.checkClock(query['x-sent-at']);
    const now = this.ctx.now();
    if (!(await claimNonce(this.ctx.database.db, venueId, query['x-nonce'], now))) {
      throw new SyncRefusal('stale-nonce', 'this nonce was already used');
    }
    await touchVenue(this.ctx.database.db, venueId, now);
    await this.pruneNonces();
    return venueId;
  }
}
