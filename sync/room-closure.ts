/**
 * A closed room takes no more proctor decisions. Decisions are events of the tablet's own
 * chain, so a receiver cannot refuse one without refusing every later event of that tablet
 * (another room's, too): it keeps the event, as it keeps everything, but does not apply it.
 * The venue (room view, clocks, candidate view) and the hub (its fold of each attempt)
 * filter with these same rules, so the venue's result and the hub's recomputed one agree.
 *
 * "After the closure" is by venue seq: the order the venue received the events in, which
 * is the order the proctor's decisions were applied in. Candidate events are never
 * filtered: answers already on their way when the room closed are held and count.
 */
import type { EventBody } from './events';

/** An event as the venue's log holds it: its place in the log, who wrote it, and its body. */
export interface ReceivedEvent {
  venueSeq: number;
  deviceId: string;
  body: EventBody;
}

/** Where a room was closed: the venue seq of its first trusted `proctor.room-closed`, or null while it is open. */
export type RoomClosure = { venueSeq: number; closedAt: number } | null;

/**
 * The first `proctor.room-closed` for the room in this session from a trusted tablet, among
 * events in venue order. A room closed after the morning session is open again for the
 * afternoon's: the closure names its session.
 */
export function roomClosureOf(events: readonly ReceivedEvent[], sessionId: string, roomId: string, trustedTablets: ReadonlySet<string>): RoomClosure {
  for (const entry of events) {
    const { body } = entry;
    if (body.type === 'proctor.room-closed' && body.data.sessionId === sessionId && body.data.roomId === roomId && trustedTablets.has(entry.deviceId)) {
      return { venueSeq: entry.venueSeq, closedAt: body.at };
    }
  }
  return null;
}

/** True for a proctor decision received after its room was closed: kept in the log, never applied. */
export function isRefusedByClosure(entry: { venueSeq: number; body: Pick<EventBody, 'type'> }, closure: RoomClosure): boolean {
  return closure !== null && entry.venueSeq > closure.venueSeq && entry.body.type.startsWith('proctor.') && entry.body.type !== 'proctor.room-closed';
}

/**
 * Keeps a received event unless it is a proctor decision that does not count: from a
 * device not trusted for the room, or received after the room was closed.
 */
export function isAppliedDecision(entry: { venueSeq: number; deviceId: string; body: Pick<EventBody, 'type'> }, trustedTablets: ReadonlySet<string>, closure: RoomClosure): boolean {
  if (!entry.body.type.startsWith('proctor.')) return true;
  return trustedTablets.has(entry.deviceId) && !isRefusedByClosure(entry, closure);
}
