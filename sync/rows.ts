/**
 * The row shapes the venue (SQLite, `edge-server/db/schema/`) and the hub (PostgreSQL,
 * `hub/db/schema/`) both store. Each dialect has its own schema tree; these zod schemas
 * are what their rows must mean, whichever database they came from. A row that parses
 * is a chained event that still hashes to its stored hash: a row altered by hand, or
 * stored with columns that disagree with its body, does not parse.
 */
import { z } from 'zod';
import { bodyOfEvent, hashEvent } from './chain';
import { EVENT_TYPES, EventBody, Hash, Id, Millis, type ChainedEvent, type EventType } from './events';

/** SQLite keeps a JSON column as text; PostgreSQL's jsonb arrives parsed. */
const JsonColumn = z.preprocess((value) => (typeof value === 'string' ? JSON.parse(value) : value), z.unknown());
/** PostgreSQL's bigint may arrive as a decimal string from some drivers. */
const BigIntColumn = z.preprocess((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value), Millis);
const Count = z.number().int().nonnegative();

const loggedEventFields = {
  /** The event's place in the venue's log, and its leaf index + 1 in the venue's Merkle tree. */
  venueSeq: BigIntColumn.pipe(z.number().int().positive()),
  deviceId: Id,
  epoch: BigIntColumn,
  seq: Count.pipe(z.number().int().positive()),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  attemptId: Id.nullable(),
  /** The writing device's clock. */
  at: BigIntColumn,
  /** The venue's clock, the authority. */
  receivedAt: BigIntColumn,
  hash: Hash,
  prevHash: Hash,
  /** The event body exactly as hashed, without prevHash and hash. */
  body: JsonColumn,
};

/** Checks that a row's columns agree with its body, and that the body still hashes to `hash`. */
function checkLoggedEvent(row: z.infer<z.ZodObject<typeof loggedEventFields>>, context: z.RefinementCtx): void {
  const body = EventBody.safeParse(row.body);
  if (!body.success) {
    context.addIssue({ code: 'custom', path: ['body'], message: `the body is not an event: ${body.error.issues[0]?.message ?? 'invalid'}` });
    return;
  }
  const value = body.data;
  const columns: Array<[keyof typeof loggedEventFields, unknown, unknown]> = [
    ['deviceId', row.deviceId, value.deviceId], ['epoch', row.epoch, value.epoch], ['seq', row.seq, value.seq],
    ['type', row.type, value.type], ['attemptId', row.attemptId, value.attemptId ?? null], ['at', row.at, value.at],
  ];
  for (const [column, stored, inBody] of columns) {
    if (stored !== inBody) context.addIssue({ code: 'custom', path: [column], message: `column ${column} (${String(stored)}) disagrees with the body (${String(inBody)})` });
  }
  // The stored body as it is, not as parsed: the hash is over exactly what was kept.
  if (hashEvent(row.prevHash, row.body as EventBody) !== row.hash) context.addIssue({ code: 'custom', path: ['hash'], message: 'the body and prevHash do not hash to the stored hash' });
}

/** One accepted device event in the venue's log (`venue_log` at the venue). */
export const LoggedEventRow = z.object(loggedEventFields).superRefine(checkLoggedEvent);
export type LoggedEventRow = z.infer<typeof LoggedEventRow>;

/** The hub's copy of a venue's log row (`venue_events`): the same row, with its venue. */
export const HubLoggedEventRow = z.object({ ...loggedEventFields, venueId: Id }).superRefine(checkLoggedEvent);
export type HubLoggedEventRow = z.infer<typeof HubLoggedEventRow>;

/** A receiver's cursor for one device chain (`device_heads` in both databases). */
export const DeviceHeadRow = z.object({
  deviceId: Id,
  epoch: BigIntColumn,
  /** The highest gapless seq held; 0 before the first event. */
  ackedSeq: Count,
  ackedHash: Hash,
});
export type DeviceHeadRow = z.infer<typeof DeviceHeadRow>;

/** The chained event a parsed log row holds. */
export function eventOfLoggedRow(row: LoggedEventRow | HubLoggedEventRow): ChainedEvent {
  return { ...(row.body as EventBody), prevHash: row.prevHash, hash: row.hash };
}

/** The log row for an event the venue accepted as `venueSeq` at `receivedAt` (its own clock). */
export function loggedRowOfEvent(event: ChainedEvent, venueSeq: number, receivedAt: number): LoggedEventRow {
  return {
    venueSeq, deviceId: event.deviceId, epoch: event.epoch, seq: event.seq, type: event.type, attemptId: event.attemptId ?? null,
    at: event.at, receivedAt, hash: event.hash, prevHash: event.prevHash, body: bodyOfEvent(event),
  };
}
