/**
 * Protocol messages between the tiers. Upward (device → venue, venue → hub) the
 * sender pushes ordered batches and the receiver answers with a receipt naming the
 * highest gapless seq it has committed; the receiver owns the cursor. Downward
 * (hub → venue → devices) the receiver pulls by a cursor over the sender's own log.
 */
import { z } from 'zod';
import { ChainedEventSchema, EVENT_TYPES, EventPayloads, Hash, Id, Millis, type EventType } from './events';
import { Session } from './roster';

// ---- device → venue -------------------------------------------------------

/** A device's push: consecutive events of one (deviceId, epoch). */
export const DevicePush = z.object({
  deviceId: Id,
  epoch: z.number().int().nonnegative(),
  events: z.array(ChainedEventSchema).min(1).max(2000),
});
export type DevicePush = z.infer<typeof DevicePush>;

/** What a receiver holds for one device chain: the highest gapless seq and its hash. */
export const DeviceReceipt = z.object({
  deviceId: Id,
  epoch: z.number().int().nonnegative(),
  ackedSeq: z.number().int().nonnegative(),
  ackedHash: Hash,
});
export type DeviceReceipt = z.infer<typeof DeviceReceipt>;

/** The cursor query a device sends after any reconnect. */
export const DeviceCursorQuery = z.object({ deviceId: Id, epoch: z.coerce.number().int().nonnegative() });

// ---- proctor commands (tablet → venue → device) ----------------------------

/** The event types a proctor's tablet may write: its commands to the venue. */
export const PROCTOR_COMMAND_TYPES = EVENT_TYPES.filter((type) => type.startsWith('proctor.')) as Array<Extract<EventType, `proctor.${string}`>>;

function commandOf<T extends (typeof PROCTOR_COMMAND_TYPES)[number]>(type: T) {
  return z.object({ type: z.literal(type), attemptId: Id.optional(), data: EventPayloads[type] });
}

/**
 * A proctor command, as the tablet writes it into its own chain (the event body less the
 * chain fields). The venue applies it as its own `timer.*` / `attempt.closed` events.
 */
export const ProctorCommand = z.discriminatedUnion('type', PROCTOR_COMMAND_TYPES.map((type) => commandOf(type)) as unknown as [ReturnType<typeof commandOf>, ...ReturnType<typeof commandOf>[]]);
export type ProctorCommand = z.infer<typeof ProctorCommand>;

/** The venue's timer for one attempt, on the venue's clock (the authority). */
export const TimerSnapshot = z.object({
  state: z.enum(['not-started', 'running', 'paused', 'ended']),
  /** Time left at `now` on the venue's clock; null before the start. */
  remainingMs: z.number().int().nonnegative().nullable(),
  deadline: Millis.nullable(),
  now: Millis,
});
export type TimerSnapshot = z.infer<typeof TimerSnapshot>;

/** What the venue tells a candidate's device about its attempt (the live stream's `attempt` message): the effect of proctor commands. */
export const AttemptControl = z.object({
  status: z.enum(['not-started', 'authorised', 'in-progress', 'paused', 'finished', 'removed']),
  isKeyReleased: z.boolean(),
  timer: TimerSnapshot,
});
export type AttemptControl = z.infer<typeof AttemptControl>;

// ---- venue → hub ----------------------------------------------------------

/** A venue's signed statement of its log: N events with Merkle root R, at time T. */
export const SignedHead = z.object({
  venueId: Id,
  size: z.number().int().nonnegative(),
  root: Hash,
  at: Millis,
  signature: z.string().min(1).max(200),
});
export type SignedHead = z.infer<typeof SignedHead>;

/** Enrolment: a one-time token from the hub plus the venue's Ed25519 public key (SPKI DER, base64). */
export const EnrolRequest = z.object({ token: z.string().min(16).max(200), venueId: Id, name: z.string().min(1).max(200), publicKey: z.string().min(40).max(200) });
export type EnrolRequest = z.infer<typeof EnrolRequest>;

/**
 * The signed envelope of an uplink batch, sent as HTTP headers beside the compressed
 * body. The signature covers `uplinkSigningText`, so neither the body, the nonce nor
 * the head can be swapped or replayed.
 */
export const UplinkEnvelope = z.object({
  venueId: Id,
  nonce: z.string().regex(/^[0-9a-f]{32}$/, '16 random bytes as hex'),
  sentAt: Millis,
  fromVenueSeq: z.number().int().positive(),
  count: z.number().int().positive(),
  bodySha256: Hash,
  head: SignedHead,
  signature: z.string().min(1).max(200),
});
export type UplinkEnvelope = z.infer<typeof UplinkEnvelope>;

/** The exact text a venue signs for an uplink batch. */
export function uplinkSigningText(envelope: Omit<UplinkEnvelope, 'signature'>): string {
  const { venueId, nonce, sentAt, fromVenueSeq, count, bodySha256, head } = envelope;
  return ['uplink/1', venueId, nonce, sentAt, fromVenueSeq, count, bodySha256, head.size, head.root, head.at, head.signature].join('\n');
}

/** The exact text a venue signs for its Merkle head. */
export function headSigningText(head: Omit<SignedHead, 'signature'>): string {
  return ['head/1', head.venueId, head.size, head.root, head.at].join('\n');
}

/** The exact text a venue signs for a signed query (cursor, downlink pull). */
export function signedQueryText(venueId: string, nonce: string, sentAt: number): string {
  return ['cursor/1', venueId, nonce, sentAt].join('\n');
}

/** The hub's receipt for a venue: its gapless venue seq, and its own root over those events. */
export const UplinkReceipt = z.object({
  venueId: Id,
  ackedVenueSeq: z.number().int().nonnegative(),
  root: Hash,
  isHeadMatched: z.boolean(),
});
export type UplinkReceipt = z.infer<typeof UplinkReceipt>;

// ---- hub → venue (pull) ---------------------------------------------------

/** A session's exam package, encrypted with the session key (AES-256-GCM). */
export const SealedPackage = z.object({
  sessionId: Id,
  examId: Id,
  examVersion: z.number().int().positive(),
  iv: z.string().min(16).max(40),
  ciphertext: z.string().min(1),
  sha256: Hash,
});
export type SealedPackage = z.infer<typeof SealedPackage>;

/** One entry in the hub's downward log for a venue, in the hub's order. */
export const DownlinkEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('session'), seq: z.number().int().positive(), session: Session }),
  /** The package, plus its session key wrapped under the release code, so a venue cut off at start time can unlock it by the code alone. */
  z.object({ kind: z.literal('package'), seq: z.number().int().positive(), sealed: SealedPackage, keyWrappedByReleaseCode: z.object({ salt: z.string().min(16).max(64), iv: z.string().min(16).max(40), ciphertext: z.string().min(16).max(400) }) }),
  /** The answer key, sealed under the same session key: the venue scores with it once the key is released. */
  z.object({ kind: z.literal('answer-key'), seq: z.number().int().positive(), sealed: SealedPackage }),
  z.object({ kind: z.literal('key-release'), seq: z.number().int().positive(), sessionId: Id, key: z.string().regex(/^[0-9a-f]{64}$/) }),
]);
export type DownlinkEntry = z.infer<typeof DownlinkEntry>;

/** The answer to a pull: entries after the cursor, and the next cursor. */
export const DownlinkPage = z.object({ entries: z.array(DownlinkEntry), cursor: z.number().int().nonnegative(), hasMore: z.boolean() });
export type DownlinkPage = z.infer<typeof DownlinkPage>;

// ---- errors ---------------------------------------------------------------

/** The one error shape every API answers with. */
export const ApiErrorBody = z.object({ code: z.string(), message: z.string(), requestId: z.string().optional(), details: z.unknown().optional() });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** A server's health. */
export const Health = z.object({ role: z.enum(['hub', 'venue']), version: z.string(), storage: z.object({ state: z.enum(['ok', 'degraded', 'failed']), detail: z.string().optional() }) });
export type Health = z.infer<typeof Health>;
