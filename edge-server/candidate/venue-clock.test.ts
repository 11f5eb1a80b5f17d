import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../sync/events';
import { timerSnapshot, venueClockEvents, type ReceivedEvent } from './venue-clock';

const MIN = 60_000;
function received(type: string, receivedAt: number, data: Record<string, unknown> = {}): ReceivedEvent {
  return { body: { deviceId: 'tab-1', epoch: 1, seq: 1, at: receivedAt, attemptId: 'att', type, data } as unknown as EventBody, receivedAt };
}

describe('venueClockEvents', () => {
  it('starts nothing before the proctor authorises, or before the key is released', () => {
    expect(venueClockEvents({ received: [], durationMs: 60 * MIN, releasedAt: 0, now: 10 })).toEqual([]);
    expect(venueClockEvents({ received: [received('proctor.authorise', 5)], durationMs: 60 * MIN, releasedAt: null, now: 10 })).toEqual([]);
  });

  it('starts at the later of authorisation and release', () => {
    const events = venueClockEvents({ received: [received('proctor.authorise', 5_000)], durationMs: 60 * MIN, releasedAt: 9_000, now: 10_000 });
    expect(events).toEqual([{ type: 'timer.started', at: 9_000, data: { durationMs: 60 * MIN } }]);
  });

  it('pauses, resumes and extends, and closes at the moved deadline when time runs out', () => {
    const input = [
      received('proctor.authorise', 0),
      received('proctor.pause', 10 * MIN),
      received('proctor.resume', 15 * MIN),
      received('proctor.extend', 20 * MIN, { minutes: 30, reason: 'disability' }),
    ];
    const events = venueClockEvents({ received: input, durationMs: 60 * MIN, releasedAt: 0, now: 200 * MIN });
    expect(events.map((e) => e.type)).toEqual(['timer.started', 'timer.paused', 'timer.resumed', 'timer.extended', 'attempt.closed']);
    expect(events.at(-1)).toEqual({ type: 'attempt.closed', at: 95 * MIN, data: { reason: 'time-up' } });
    const snapshot = timerSnapshot(events.slice(0, 4), 30 * MIN);
    expect(snapshot).toMatchObject({ state: 'running', remainingMs: 65 * MIN, deadline: 95 * MIN });
  });

  it('keeps the time left frozen during a pause', () => {
    const events = venueClockEvents({ received: [received('proctor.authorise', 0), received('proctor.pause', 10 * MIN)], durationMs: 60 * MIN, releasedAt: 0, now: 500 * MIN });
    expect(events.map((e) => e.type)).toEqual(['timer.started', 'timer.paused']);
    expect(timerSnapshot(events, 40 * MIN)).toMatchObject({ state: 'paused', remainingMs: 50 * MIN });
  });

  it("closes when the candidate finishes, and ignores anything after the close", () => {
    const input = [received('proctor.authorise', 0), received('attempt.finished', 30 * MIN, { reason: 'candidate' }), received('proctor.extend', 31 * MIN, { minutes: 5, reason: 'x' })];
    const events = venueClockEvents({ received: input, durationMs: 60 * MIN, releasedAt: 0, now: 90 * MIN });
    expect(events.map((e) => [e.type, e.at])).toEqual([['timer.started', 0], ['attempt.closed', 30 * MIN]]);
    expect(timerSnapshot(events, 31 * MIN).state).toBe('ended');
  });

  it('only grows as events arrive: an earlier answer is a prefix of a later one', () => {
    const first = [received('proctor.authorise', 0), received('proctor.pause', 10 * MIN)];
    const before = venueClockEvents({ received: first, durationMs: 60 * MIN, releasedAt: 0, now: 11 * MIN });
    const after = venueClockEvents({ received: [...first, received('proctor.resume', 12 * MIN)], durationMs: 60 * MIN, releasedAt: 0, now: 13 * MIN });
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
  });

  it('lets a removal close the attempt with its reason', () => {
    const events = venueClockEvents({ received: [received('proctor.authorise', 0), received('proctor.remove', 3 * MIN)], durationMs: 60 * MIN, releasedAt: 0, now: 4 * MIN });
    expect(events.at(-1)).toEqual({ type: 'attempt.closed', at: 3 * MIN, data: { reason: 'removed' } });
  });

  it('closes an attempt removed before it was authorised, and starts no timer for it afterwards', () => {
    const removed = [received('proctor.remove', 2 * MIN, { actId: 'act-1' })];
    const closed = [{ type: 'attempt.closed', at: 2 * MIN, data: { reason: 'removed' } }];
    // Before the release, and before any authorisation: the removal alone closes the attempt.
    expect(venueClockEvents({ received: removed, durationMs: null, releasedAt: null, now: 3 * MIN })).toEqual(closed);
    expect(venueClockEvents({ received: removed, durationMs: 60 * MIN, releasedAt: 0, now: 3 * MIN })).toEqual(closed);
    // An authorisation that arrives late, or a release that comes after the removal, changes nothing.
    const later = [...removed, received('proctor.authorise', 4 * MIN)];
    expect(venueClockEvents({ received: later, durationMs: 60 * MIN, releasedAt: 5 * MIN, now: 90 * MIN })).toEqual(closed);
    // Authorised but not yet released when removed: the start would have come after the removal.
    const waiting = [received('proctor.authorise', MIN), received('proctor.remove', 2 * MIN, { actId: 'act-1' })];
    expect(venueClockEvents({ received: waiting, durationMs: 60 * MIN, releasedAt: null, now: 3 * MIN })).toEqual(closed);
    expect(venueClockEvents({ received: waiting, durationMs: 60 * MIN, releasedAt: 10 * MIN, now: 11 * MIN })).toEqual(closed);
  });
});
