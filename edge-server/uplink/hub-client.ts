/**
 * The venue's HTTP client of the hub: enrolment, the uplink cursor, uplink batches and
 * downlink pages. Every call but enrolment is signed with the venue's key and carries a
 * fresh nonce and timestamp, so the hub can refuse forgeries and replays. A refusal comes
 * back as a `HubError` carrying the hub's status and reason code.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Hash } from '../../sync/events';
import { DownlinkPage, UplinkReceipt, signedQueryText, uplinkSigningText, type UplinkEnvelope } from '../../sync/messages';
import type { VenueIdentity } from '../identity';

export class HubError extends Error {
  override readonly name = 'HubError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const ENVELOPE_HEADER = 'x-uplink-envelope';
export const SIGNED_QUERY_HEADERS = { venueId: 'x-venue-id', nonce: 'x-nonce', sentAt: 'x-sent-at', signature: 'x-signature' } as const;

/** The hub's cursor answer: its gapless venue seq, and (when it says) its root and head match. */
const UplinkCursor = z.object({ ackedVenueSeq: z.number().int().nonnegative(), root: Hash, isHeadMatched: z.boolean().optional() });
export type UplinkCursor = z.infer<typeof UplinkCursor>;


export const newNonce = (): string => randomBytes(16).toString('hex');

export interface HubClientOptions {
  hubUrl: string;
  identity: VenueIdentity;
  now?: () => number;
  /** Per-request timeout; a slow regional link must not hang the pump forever. */
  timeoutMs?: number;
}

export class HubClient {
  readonly #base: string;
  readonly #identity: VenueIdentity;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #closing = new AbortController();
  /** How far the hub's clock is ahead of ours, learnt from its `Date` headers; 0 while within a minute. */
  #clockOffsetMs = 0;

  constructor(options: HubClientOptions) {
    this.#base = options.hubUrl.replace(/\/+$/, '');
    this.#identity = options.identity;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * The time to put in signed requests: our clock, corrected by the hub's when they differ by
   * more than a minute. The hub refuses requests outside its clock window, and a regional PC's
   * clock may be hours off; the venue's own records keep the venue's clock.
   */
  hubTime(): number {
    return this.#now() + this.#clockOffsetMs;
  }

  /** Aborts every request in flight (shutdown); later requests run normally. */
  cancel(): void {
    this.#closing.abort(new Error('the venue server is stopping'));
    this.#closing = new AbortController();
  }

  async enrol(token: string, name: string): Promise<void> {
    const { venueId, publicKey } = this.#identity;
    await this.#call('/api/venues/enrol', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, venueId, name, publicKey }),
    });
  }

  /** Where the hub stands on this venue's log (the hub owns the cursor). */
  async cursor(): Promise<UplinkCursor> {
    const response = await this.#call('/api/uplink/cursor', { headers: this.#signedQueryHeaders() });
    return UplinkCursor.parse(await response.json());
  }

  /** Sends one deflated, signed batch; answers with the hub's receipt after its commit. */
  async sendBatch(body: Uint8Array, envelope: Omit<UplinkEnvelope, 'signature'>): Promise<UplinkReceipt> {
    const signed: UplinkEnvelope = { ...envelope, signature: this.#identity.sign(uplinkSigningText(envelope)) };
    const response = await this.#call('/api/uplink/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', [ENVELOPE_HEADER]: JSON.stringify(signed) },
      body: body as unknown as BodyInit,
    });
    return UplinkReceipt.parse(await response.json());
  }

  async downlink(cursor: number): Promise<DownlinkPage> {
    const path = `/api/venues/${encodeURIComponent(this.#identity.venueId)}/downlink?cursor=${cursor}`;
    const response = await this.#call(path, { headers: this.#signedQueryHeaders() });
    return DownlinkPage.parse(await response.json());
  }

  #signedQueryHeaders(): Record<string, string> {
    const { venueId } = this.#identity;
    const nonce = newNonce();
    const sentAt = this.hubTime();
    return {
      [SIGNED_QUERY_HEADERS.venueId]: venueId,
      [SIGNED_QUERY_HEADERS.nonce]: nonce,
      [SIGNED_QUERY_HEADERS.sentAt]: String(sentAt),
      [SIGNED_QUERY_HEADERS.signature]: this.#identity.sign(signedQueryText(venueId, nonce, sentAt)),
    };
  }

  #learnClock(response: Response): void {
    const hubDate = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(hubDate)) return;
    const offset = hubDate - this.#now();
    this.#clockOffsetMs = Math.abs(offset) > 60_000 ? offset : 0;
  }

  async #call(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, { ...init, signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#closing.signal]) });
    } catch (error) {
      throw new HubError(0, 'unreachable', `hub unreachable: ${(error as Error).message}`);
    }
    this.#learnClock(response);
    if (response.ok) return response;
    let code = `http-${response.status}`;
    let message = response.statusText;
    try {
      const body = (await response.json()) as { code?: unknown; message?: unknown };
      if (typeof body.code === 'string') code = body.code;
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // not a JSON error body
    }
    throw new HubError(response.status, code, `hub refused ${path.split('?')[0]}: ${response.status} ${code}: ${message}`);
  }
}
