/**
 * Every fact a device produces is an immutable event. This file is the one list of
 * event types and their payloads, shared by the candidate PC, the proctor's tablet,
 * the venue server (which authors the `timer.*` and `attempt.closed` events, being
 * the clock authority) and the hub.
 */
import { z } from 'zod';

/** Identifiers are short printable strings; they end up in URLs, logs and PDFs. */
export const Id = z.string().min(1).max(80).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, . _ : - only');
/** Lower-case SHA-256 hex. */
export const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case SHA-256 hex digest');
/** Milliseconds since the Unix epoch, on the clock of the device that wrote the event. */
export const Millis = z.number().int().nonnegative();
/** The two content languages of an exam. */
export const ContentLanguage = z.enum(['kk', 'ru']);
export type ContentLanguage = z.infer<typeof ContentLanguage>;
/** The three interface languages. */
export const UiLanguage = z.enum(['kk', 'ru', 'en']);
export type UiLanguage = z.infer<typeof UiLanguage>;

/** A small JPEG as a data URL; capped so an event stays small on the wire. */
export const EvidenceJpeg = z.string().max(24_000).regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/, 'a JPEG data URL');

/** The violation kinds a monitor can raise; the policy in the package switches each on or off. */
export const ViolationKind = z.enum([
  'no-face', 'multiple-faces', 'head-turned', 'camera-dark', 'camera-lost',
  'focus-lost', 'fullscreen-left', 'hotkey', 'context-menu', 'zoom-changed', 'second-screen', 'page-reloaded',
  'voice-noise', 'monitor-failed',
]);
export type ViolationKind = z.infer<typeof ViolationKind>;

/** The grounds of a content appeal (DOMAIN.md, "After the test"). */
export const ContentAppealGround = z.enum(['key-mismatch', 'no-correct-answer', 'several-correct', 'badly-written', 'bad-translation']);
/** Act types a proctor can write (DOMAIN.md, "Exam day"). */
export const ActType = z.enum(['prohibited-item', 'impostor', 'rule-violation']);
/** Incident categories for the room's incident log. */
export const IncidentCategory = z.enum(['environment', 'examinee', 'staff', 'technical', 'other']);

// No `.trim()`: a schema must never change the value it checks, or the receiver's hash
// of the parsed event would differ from the sender's.
const text = (max: number) => z.string().max(max).refine((s) => s.trim().length > 0, 'must not be blank');

/** An answer: chosen option ids (single/multiple) or free text (open response). */
export const AnswerValue = z.union([
  z.object({ optionIds: z.array(Id).min(1).max(20) }),
  z.object({ text: z.string().max(20_000) }),
]);
export type AnswerValue = z.infer<typeof AnswerValue>;

/** Payload schemas, one per event type. */
export const EventPayloads = {
  // Candidate device, inside an attempt.
  'attempt.started': z.object({ sessionId: Id, candidateId: Id, seatId: Id.optional(), language: ContentLanguage }),
  'answer.set': z.object({ itemId: Id, value: AnswerValue }),
  'answer.cleared': z.object({ itemId: Id }),
  'item.flagged': z.object({ itemId: Id, isFlagged: z.boolean() }),
  'item.viewed': z.object({ itemId: Id }),
  'audio.played': z.object({ itemId: Id, mediaId: Id, playNumber: z.number().int().positive() }),
  'violation.started': z.object({ violationId: Id, kind: ViolationKind, detail: z.string().max(500).optional(), evidence: EvidenceJpeg.optional() }),
  'violation.ended': z.object({ violationId: Id }),
  'appeal.technical': z.object({ appealId: Id, itemId: Id, reason: z.enum(['text-missing', 'image-missing', 'table-missing', 'audio-missing', 'other']), text: z.string().max(2000).optional() }),
  'appeal.content': z.object({ appealId: Id, itemIds: z.array(Id).min(1).max(20), ground: ContentAppealGround, justification: text(4000).refine((s) => s.length >= 20, 'a justification of at least 20 characters') }),
  'identity.photo': z.object({ photo: EvidenceJpeg, faceCount: z.number().int().nonnegative() }),
  'monitor.health': z.object({ state: z.enum(['ok', 'degraded', 'stopped']), detail: z.string().max(500).optional() }),
  'attempt.finished': z.object({ reason: z.enum(['candidate', 'time-up']) }),
  // Proctor's tablet.
  'proctor.check-in': z.object({ candidateId: Id, roomId: Id, seatId: Id, isDocumentChecked: z.boolean() }),
  'proctor.identity-verified': z.object({ candidateId: Id, isMatch: z.boolean(), note: z.string().max(500).optional() }),
  'proctor.authorise': z.object({ candidateId: Id }),
  'proctor.pause': z.object({ reason: z.string().max(500).optional() }),
  'proctor.resume': z.object({}),
  'proctor.extend': z.object({ minutes: z.number().int().min(1).max(240), reason: text(500) }),
  'proctor.move-seat': z.object({ candidateId: Id, fromSeatId: Id.optional(), toSeatId: Id, reason: text(500) }),
  'proctor.remove': z.object({ actId: Id, actType: ActType, text: text(4000), cosigners: z.array(text(200)).min(1).max(10) }),
  // `sessionId` names the session the room was holding (a room serves several sessions a day); older incidents lack it.
  'proctor.incident': z.object({ incidentId: Id, roomId: Id, sessionId: Id.optional(), category: IncidentCategory, text: text(4000) }),
  'proctor.violation-reviewed': z.object({ violationDeviceId: Id, violationId: Id, decision: z.enum(['confirmed', 'dismissed']), note: z.string().max(1000).optional() }),
  'proctor.appeal-acknowledged': z.object({ appealId: Id, note: z.string().max(1000).optional() }),
  // Venue server: the clock authority.
  'timer.started': z.object({ durationMs: z.number().int().positive() }),
  'timer.paused': z.object({}),
  'timer.resumed': z.object({}),
  'timer.extended': z.object({ extraMs: z.number().int().positive(), reason: z.string().max(500) }),
  'attempt.closed': z.object({ reason: z.enum(['finished', 'time-up', 'removed']) }),
  'mark.open-response': z.object({ itemId: Id, points: z.number().nonnegative(), markerId: Id }),
  // New types go at the end: the wire codec numbers types by their place in this list.
  'proctor.room-closed': z.object({ sessionId: Id, roomId: Id, unfinishedAttemptIds: z.array(Id).max(500), note: z.string().max(2000).optional() }),
} as const;

/** Every event type. */
export type EventType = keyof typeof EventPayloads;
/** Every event type, as a list (stable order: the wire codec numbers types by this index). */
export const EVENT_TYPES = Object.keys(EventPayloads) as EventType[];
/** The payload of one event type. */
export type EventData<T extends EventType> = z.infer<(typeof EventPayloads)[T]>;

const envelope = {
  deviceId: Id,
  epoch: z.number().int().nonnegative(),
  seq: z.number().int().positive(),
  at: Millis,
  attemptId: Id.optional(),
};

function bodyOf<T extends EventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), data: EventPayloads[type] }).strict();
}

const bodies = EVENT_TYPES.map((t) => bodyOf(t));

/** An event as its device writes it, before chaining. Validated at every boundary. */
export const EventBody = z.discriminatedUnion('type', bodies as unknown as [ReturnType<typeof bodyOf<EventType>>, ...ReturnType<typeof bodyOf<EventType>>[]]);

/** A typed event body; `data` is narrowed by `type`. */
export type EventBody = { [T in EventType]: { deviceId: string; epoch: number; seq: number; at: number; attemptId?: string; type: T; data: EventData<T> } }[EventType];

/** An event in its device's hash chain. */
export type ChainedEvent = EventBody & { prevHash: string; hash: string };

/** Zod schema of a chained event: the body plus `prevHash` and `hash`. */
export const ChainedEventSchema = z.custom<ChainedEvent>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const { prevHash, hash, ...body } = value as Record<string, unknown>;
  return Hash.safeParse(prevHash).success && Hash.safeParse(hash).success && EventBody.safeParse(body).success;
}, 'a chained event: a valid event body with prevHash and hash');

/** Event types that must name an attempt. */
export const ATTEMPT_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'attempt.started', 'answer.set', 'answer.cleared', 'item.flagged', 'item.viewed', 'audio.played',
  'violation.started', 'violation.ended', 'appeal.technical', 'appeal.content', 'identity.photo', 'monitor.health',
  'attempt.finished', 'proctor.authorise', 'proctor.pause', 'proctor.resume', 'proctor.extend', 'proctor.remove',
  'proctor.violation-reviewed', 'timer.started', 'timer.paused', 'timer.resumed', 'timer.extended', 'attempt.closed',
  'mark.open-response',
]);

/** Parses an unknown value as an event body, checking that attempt events name their attempt. */
export function parseEventBody(value: unknown): EventBody {
  const body = EventBody.parse(value) as EventBody;
  if (ATTEMPT_EVENT_TYPES.has(body.type) && !body.attemptId) {
    throw new z.ZodError([{ code: 'custom', path: ['attemptId'], message: `${body.type} needs an attemptId`, input: value }]);
  }
  return body;
}
