import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../sync/events';
import type { Session } from '../../sync/roster';
import type { LogEntry } from './repo';
import { deriveRoomView, NOT_HEARD_FROM_AFTER_MS, type RoomSources } from './room-state';

const NOW = 1_800_000_000_000;
const session: Session = {
  sessionId: 's', venueId: 'v', examId: 'e', examVersion: 1, startsAt: NOW,
  rooms: [{ roomId: 'r', name: 'R', seats: [{ seatId: 'A1', label: 'A1', row: 0, col: 0 }, { seatId: 'A2', label: 'A2', row: 0, col: 1 }] }],
  candidates: [
    { candidateId: 'c1', iin: '900412300011', lastName: 'Әлиев', firstName: 'Қанат', language: 'kk', accommodations: [], roomId: 'r', seatId: 'A1' },
    { candidateId: 'c2', iin: '851130400021', lastName: 'Иванова', firstName: 'Анна', language: 'ru', accommodations: [], roomId: 'r', seatId: 'A2' },
  ],
  proctors: [],
};

let seq = 0;
const entry = (deviceId: string, body: Omit<EventBody, 'deviceId' | 'epoch' | 'seq'>): LogEntry => ({ venueSeq: ++seq, deviceId, receivedAt: body.at, body: { ...body, deviceId, epoch: 1, seq } as EventBody });

function view(logs: Record<string, LogEntry[]>, roomEvents: LogEntry[] = [], lastContact: number | null = NOW) {
  const sources: RoomSources = {
    session, roomId: 'r', venueDeviceId: 'venue-v', trustedTablets: new Set(['tab']),
    attemptLog: (attemptId) => logs[attemptId] ?? [], roomEvents, lastContact: () => lastContact,
    itemCount: 10, isReleased: true, hubSync: { isConfigured: true, pendingEvents: 0, lastSuccessAt: null, lastError: null }, venueSeq: seq, now: NOW,
  };
  return deriveRoomView(sources);
}

describe('deriveRoomView', () => {
  it('gives each seat one status, from the venue\'s clock and the tablet\'s decisions', () => {
    const started = [
      entry('tab', { type: 'proctor.authorise', at: NOW - 60_000, attemptId: 's.c1', data: { candidateId: 'c1' } }),
      entry('venue-v', { type: 'timer.started', at: NOW - 60_000, attemptId: 's.c1', data: { durationMs: 600_000 } }),
    ];
    expect(view({ 's.c1': started }).seats.map((s) => s.status)).toEqual(['in-progress', 'empty']);
    expect(view({ 's.c1': started }).candidates[0]!.remainingMs).toBe(540_000);
    expect(view({ 's.c1': started }, [], NOW - NOT_HEARD_FROM_AFTER_MS - 1).seats[0]!.status).toBe('not-heard-from');
    const paused = [...started, entry('venue-v', { type: 'timer.paused', at: NOW - 30_000, attemptId: 's.c1', data: {} })];
    expect(view({ 's.c1': paused }).seats[0]!.status).toBe('paused');
    const closed = [...started, entry('venue-v', { type: 'attempt.closed', at: NOW, attemptId: 's.c1', data: { reason: 'finished' } })];
    expect(view({ 's.c1': closed }).seats[0]!.status).toBe('finished');
  });

  it('ignores check-ins, moves and incidents from a device that is not a trusted tablet', () => {
    const forged = [
      entry('pc-1', { type: 'proctor.check-in', at: NOW, data: { candidateId: 'c2', roomId: 'r', seatId: 'A2', isDocumentChecked: true } }),
      entry('pc-1', { type: 'proctor.move-seat', at: NOW, data: { candidateId: 'c2', toSeatId: 'A1', reason: 'x' } }),
      entry('pc-1', { type: 'proctor.incident', at: NOW, data: { incidentId: 'i', roomId: 'r', category: 'other', text: 'x' } }),
    ];
    const result = view({}, forged);
    expect(result.seats.map((s) => [s.candidateId, s.status])).toEqual([['c1', 'empty'], ['c2', 'empty']]);
    expect(result.incidents).toEqual([]);
  });

  it('shows the incidents of this session, not those another session had in the same room', () => {
    const incidents = [
      entry('tab', { type: 'proctor.incident', at: NOW - 3_600_000, data: { incidentId: 'morning', roomId: 'r', sessionId: 'morning-session', category: 'technical', text: 'Projector failed' } }),
      entry('tab', { type: 'proctor.incident', at: NOW, data: { incidentId: 'now', roomId: 'r', sessionId: 's', category: 'environment', text: 'Noise outside' } }),
      entry('tab', { type: 'proctor.incident', at: NOW, data: { incidentId: 'other-room', roomId: 'r2', sessionId: 's', category: 'other', text: 'x' } }),
      // Written before incidents named their session: shown, as before.
      entry('tab', { type: 'proctor.incident', at: NOW, data: { incidentId: 'unnamed', roomId: 'r', category: 'other', text: 'Door left open' } }),
    ];
    expect(view({}, incidents).incidents.map((i) => i.incidentId).sort()).toEqual(['now', 'unnamed']);
  });

  it('puts a moved candidate on their new seat and shows the act of a removal', () => {
    const moved = [entry('tab', { type: 'proctor.move-seat', at: NOW, data: { candidateId: 'c2', fromSeatId: 'A2', toSeatId: 'A1', reason: 'broken PC' } })];
    const removal = [entry('tab', { type: 'proctor.remove', at: NOW, attemptId: 's.c1', data: { actId: 'act-1', actType: 'impostor', text: 'Басқа адам', cosigners: ['Observer'] } })];
    const result = view({ 's.c1': removal }, moved);
    expect(result.candidates.map((c) => [c.candidateId, c.seatId, c.status])).toEqual([['c1', 'A1', 'removed'], ['c2', 'A1', 'empty']]);
    expect(result.seats[0]).toMatchObject({ seatId: 'A1', candidateId: 'c1', status: 'removed' });
    const checkedIn = view({ 's.c1': removal }, [...moved, entry('tab', { type: 'proctor.check-in', at: NOW, data: { candidateId: 'c2', roomId: 'r', seatId: 'A1', isDocumentChecked: true } })]);
    expect(checkedIn.seats[0]).toMatchObject({ seatId: 'A1', candidateId: 'c2', status: 'checked-in' });
    expect(result.acts).toMatchObject([{ actId: 'act-1', actType: 'impostor', fullName: 'Әлиев Қанат' }]);
  });
});
