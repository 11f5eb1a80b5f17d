/**
 * A closed room takes no more proctor decisions: the rule itself is in sync/room-closure.ts,
 * shared with the hub. Every venue reader that turns proctor events into state (the room
 * view, the venue's clock on both the proctor and the candidate side) filters with
 * {@link isAppliedDecision}, so they all agree; the room view lists what was refused, with
 * the reason, for the tablet.
 */
export { isAppliedDecision, isRefusedByClosure, roomClosureOf, type RoomClosure } from '../../sync/room-closure';
import type { RefusedDecisionView } from '../../sync/views/proctor';
import type { LogEntry } from './repo';

/** Why a proctor decision was not applied; the tablet shows it in the proctor's language. */
export const ROOM_CLOSED = 'room-closed';

/** The refused decision as the tablet lists it. */
export function refusedDecisionView(entry: Pick<LogEntry, 'venueSeq' | 'deviceId' | 'body'>): RefusedDecisionView {
  const data = entry.body.data as { candidateId?: unknown };
  const candidateId = typeof data?.candidateId === 'string' ? data.candidateId : entry.body.attemptId?.split('.').at(-1) ?? null;
  return { deviceId: entry.deviceId, seq: entry.body.seq, type: entry.body.type, candidateId, at: entry.body.at, reason: ROOM_CLOSED };
}
