import { describe, expect, it } from 'vitest';
import type { EventBody } from './events';
import { isAppliedDecision, isRefusedByClosure, roomClosureOf, type ReceivedEvent } from './room-closure';

const body = (type: string, data: Record<string, unknown>, at = 1000): EventBody => ({ type, data, at, deviceId: 'x', epoch: 1, seq: 1 } as unknown as EventBody);
const received = (venueSeq: number, deviceId: string, event: EventBody): ReceivedEvent => ({ venueSeq, deviceId, body: { ...event, deviceId } as EventBody });

const log: ReceivedEvent[] = [
  received(0, 'tab-1', body('proctor.room-closed', { sessionId: 'am', roomId: 'room-1' }, 500)), // the morning session's room
  received(1, 'tab-1', body('proctor.authorised', { candidateId: 'c1' })),
  received(2, 'pc-9', body('proctor.room-closed', { sessionId: 'pm', roomId: 'room-1' }, 1500)), // a candidate PC: does not count
  received(3, 'tab-1', body('proctor.room-closed', { sessionId: 'pm', roomId: 'room-2' }, 1600)), // another room
  received(4, 'tab-1', body('proctor.room-closed', { sessionId: 'pm', roomId: 'room-1' }, 2000)),
  received(5, 'tab-1', body('proctor.removed', { candidateId: 'c1' })),
  received(6, 'pc-1', body('answer.set', { itemId: 'q1' })),
  received(7, 'tab-1', body('proctor.room-closed', { sessionId: 'pm', roomId: 'room-1' }, 3000)),
];
const trusted = new Set(['tab-1']);

describe('a closed room', () => {
  it('closes at the first room-closed for that room of that session from a trusted tablet', () => {
    expect(roomClosureOf(log, 'pm', 'room-1', trusted)).toEqual({ venueSeq: 4, closedAt: 2000 });
    expect(roomClosureOf(log, 'am', 'room-1', trusted)).toEqual({ venueSeq: 0, closedAt: 500 });
    expect(roomClosureOf(log, 'pm', 'room-3', trusted)).toBeNull();
    expect(roomClosureOf(log, 'evening', 'room-1', trusted)).toBeNull();
  });

  it('refuses proctor decisions received after the closure, and never candidate events', () => {
    const closure = roomClosureOf(log, 'pm', 'room-1', trusted);
    expect(log.filter((entry) => isRefusedByClosure(entry, closure)).map((entry) => entry.venueSeq)).toEqual([5]);
    expect(log.filter((entry) => isAppliedDecision(entry, trusted, closure)).map((entry) => entry.venueSeq)).toEqual([0, 1, 3, 4, 6, 7]);
    expect(log.filter((entry) => isAppliedDecision(entry, trusted, null)).map((entry) => entry.venueSeq)).toEqual([0, 1, 3, 4, 5, 6, 7]);
  });
});
