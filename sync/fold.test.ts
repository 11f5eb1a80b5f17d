import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ChainedEvent, EventBody } from './events';
import { deadlineAt, foldAttempt, mergeEvents, remainingMs, type FoldContext } from './fold';
import { chainBodies } from './testkit';

type Partial = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;
const T0 = 1_764_057_600_000;
const context: FoldContext = { attemptId: 'att-1', venueDeviceIds: ['venue-ast'], markerDeviceIds: ['hub-commission'] };
const a = (partial: Record<string, unknown>): Partial => ({ attemptId: 'att-1', ...partial }) as Partial;

/** An attempt seen from four devices: candidate PC, venue (timer), proctor tablet, hub marker. */
function attemptEvents(): ChainedEvent[] {
  const pc = chainBodies(
    [
      a({ type: 'attempt.started', at: T0 + 1_000, data: { sessionId: 'ses-1', candidateId: 'cand-1', seatId: 'A-01', language: 'kk' } }),
      a({ type: 'item.viewed', at: T0 + 2_000, data: { itemId: 'q1' } }),
      a({ type: 'answer.set', at: T0 + 3_000, data: { itemId: 'q1', value: { optionIds: ['q1-a'] } } }),
      a({ type: 'item.flagged', at: T0 + 3_500, data: { itemId: 'q1', isFlagged: true } }),
      a({ type: 'item.viewed', at: T0 + 4_000, data: { itemId: 'q1' } }),
      a({ type: 'answer.set', at: T0 + 5_000, data: { itemId: 'q1', value: { optionIds: ['q1-b'] } } }),
      a({ type: 'audio.played', at: T0 + 5_500, data: { itemId: 'q2', mediaId: 'm-1', playNumber: 1 } }),
      a({ type: 'answer.set', at: T0 + 6_000, data: { itemId: 'q2', value: { optionIds: ['q2-a'] } } }),
      a({ type: 'violation.started', at: T0 + 7_000, data: { violationId: 'v1', kind: 'focus-lost' } }),
      a({ type: 'violation.ended', at: T0 + 9_500, data: { violationId: 'v1' } }),
      a({ type: 'answer.cleared', at: T0 + 10_000, data: { itemId: 'q2' } }),
      a({ type: 'appeal.technical', at: T0 + 11_000, data: { appealId: 'ap-1', itemId: 'q3', reason: 'image-missing' } }),
      a({ type: 'violation.started', at: T0 + 12_000, data: { violationId: 'v2', kind: 'no-face' } }),
      a({ type: 'answer.set', at: T0 + 13_000, data: { itemId: 'q4', value: { text: 'Астана' } } }),
      a({ type: 'attempt.finished', at: T0 + 20_000, data: { reason: 'candidate' } }),
    ],
    { deviceId: 'pc-a01', epoch: 1 },
  );
  const venue = chainBodies(
    [
      a({ type: 'timer.started', at: T0 + 900, data: { durationMs: 60_000 } }),
      a({ type: 'timer.paused', at: T0 + 8_000, data: {} }),
      a({ type: 'timer.resumed', at: T0 + 11_000, data: {} }),
      a({ type: 'timer.extended', at: T0 + 12_000, data: { extraMs: 30_000, reason: 'accommodation' } }),
      a({ type: 'attempt.closed', at: T0 + 20_100, data: { reason: 'finished' } }),
    ],
    { deviceId: 'venue-ast', epoch: 1 },
  );
  const tablet = chainBodies(
    [
      a({ type: 'proctor.authorise', at: T0 + 500, data: { candidateId: 'cand-1' } }),
      a({ type: 'proctor.violation-reviewed', at: T0 + 15_000, data: { violationDeviceId: 'pc-a01', violationId: 'v1', decision: 'confirmed' } }),
      { type: 'proctor.appeal-acknowledged', at: T0 + 16_000, data: { appealId: 'ap-1' } } as Partial,
      // A forged timer event from a tablet must not move the clock.
      a({ type: 'timer.extended', at: T0 + 17_000, data: { extraMs: 999_000, reason: 'not the venue' } }),
    ],
    { deviceId: 'tablet-1', epoch: 1 },
  );
  const hub = chainBodies([a({ type: 'mark.open-response', at: T0 + 99_000, data: { itemId: 'q4', points: 2, markerId: 'kk-member-1' } })], { deviceId: 'hub-commission', epoch: 1 });
  const otherAttempt = chainBodies(
    [{ type: 'answer.set', at: T0 + 3_000, attemptId: 'att-2', data: { itemId: 'q1', value: { optionIds: ['q1-c'] } } } as Partial],
    { deviceId: 'pc-a02', epoch: 1 },
  );
  return [...pc, ...venue, ...tablet, ...hub, ...otherAttempt];
}

describe('foldAttempt', () => {
  it('derives answers, flags, views, plays, violations, appeals, marks, status and the venue timer', () => {
    const state = foldAttempt(attemptEvents(), context);
    expect(state.status).toBe('finished');
    expect(state).toMatchObject({ candidateId: 'cand-1', sessionId: 'ses-1', seatId: 'A-01', language: 'kk', startedAt: T0 + 1_000, finishedAt: T0 + 20_000, finishReason: 'candidate' });
    expect(Object.keys(state.answers).sort()).toEqual(['q1', 'q4']);
    expect(state.answers.q1).toMatchObject({ value: { optionIds: ['q1-b'] }, deviceId: 'pc-a01', seq: 6, isLate: false });
    expect(state.flaggedItemIds).toEqual(['q1']);
    expect(state.views).toEqual({ q1: 2 });
    expect(state.audioPlays).toEqual({ q2: 1 });
    expect(state.violations).toEqual([
      { deviceId: 'pc-a01', violationId: 'v1', kind: 'focus-lost', hasEvidence: false, startedAt: T0 + 7_000, endedAt: T0 + 9_500, durationMs: 2_500, review: 'confirmed' },
      { deviceId: 'pc-a01', violationId: 'v2', kind: 'no-face', hasEvidence: false, startedAt: T0 + 12_000, endedAt: null, durationMs: null, review: null },
    ]);
    expect(state.appeals).toEqual([{ appealId: 'ap-1', kind: 'technical', itemIds: ['q3'], ground: 'image-missing', at: T0 + 11_000, isAcknowledged: true }]);
    expect(state.marks).toEqual({ q4: { points: 2, markerId: 'kk-member-1', at: T0 + 99_000 } });
    // start 900 + 60 000 + 30 000 extension + 3 000 paused; the tablet's forged extension is ignored.
    expect(state.timer).toEqual({ startedAt: T0 + 900, durationMs: 60_000, extensionsMs: 30_000, pausedMs: 3_000, pausedSince: null, deadline: T0 + 93_900 });
    expect(state.lateEventCount).toBe(0);
  });

  it('follows the status through authorised, paused and removed', () => {
    const events = attemptEvents();
    const upTo = (at: number) => foldAttempt(events.filter((event) => event.at <= T0 + at), context).status;
    expect(upTo(0)).toBe('not-started');
    expect(upTo(600)).toBe('authorised');
    expect(upTo(950)).toBe('in-progress');
    expect(upTo(9_000)).toBe('paused');
    expect(upTo(11_000)).toBe('in-progress');
    const removed = chainBodies(
      [a({ type: 'proctor.remove', at: T0 + 14_000, data: { actId: 'act-1', actType: 'prohibited-item', text: 'phone found', cosigners: ['observer'] } })],
      { deviceId: 'tablet-2', epoch: 1 },
    );
    const state = foldAttempt([...events, ...removed], context);
    expect(state.status).toBe('removed');
    expect(state.removal).toEqual({ actId: 'act-1', actType: 'prohibited-item', at: T0 + 14_000 });
  });

  it('keeps and marks events written after the deadline', () => {
    const late = chainBodies([a({ type: 'answer.set', at: T0 + 200_000, data: { itemId: 'q9', value: { optionIds: ['q9-a'] } } })], { deviceId: 'pc-a01', epoch: 2 });
    const state = foldAttempt([...attemptEvents(), ...late], context);
    expect(state.answers.q9).toMatchObject({ isLate: true });
    expect(state.lateEventCount).toBe(1);
  });

  it('moves the deadline while a pause is open and freezes the remaining time', () => {
    const venue = chainBodies(
      [a({ type: 'timer.started', at: T0, data: { durationMs: 60_000 } }), a({ type: 'timer.paused', at: T0 + 10_000, data: {} })],
      { deviceId: 'venue-ast', epoch: 1 },
    );
    const { timer } = foldAttempt(venue, context);
    expect(timer.pausedSince).toBe(T0 + 10_000);
    expect(deadlineAt(timer, T0 + 25_000)).toBe(T0 + 75_000);
    expect(remainingMs(timer, T0 + 25_000)).toBe(50_000);
    expect(remainingMs(foldAttempt([], context).timer, T0)).toBeNull();
  });
});

describe('foldAttempt trust', () => {
  it('ignores proctor decisions from devices that are not proctor tablets, when they are named', () => {
    const forged = chainBodies(
      [a({ type: 'proctor.violation-reviewed', at: T0 + 15_500, data: { violationDeviceId: 'pc-a01', violationId: 'v2', decision: 'dismissed' } })],
      { deviceId: 'pc-a01', epoch: 7 },
    );
    const events = [...attemptEvents(), ...forged];
    expect(foldAttempt(events, context).violations[1]!.review).toBe('dismissed');
    const strict = foldAttempt(events, { ...context, proctorDeviceIds: ['tablet-1'] });
    expect(strict.violations.map((violation) => violation.review)).toEqual(['confirmed', null]);
    expect(strict.appeals[0]!.isAcknowledged).toBe(true);
  });
});

describe('mergeEvents', () => {
  it('keeps each device in seq order even when its clock steps back', () => {
    const pc = chainBodies(
      [a({ type: 'item.viewed', at: T0 + 5_000, data: { itemId: 'q1' } }), a({ type: 'item.viewed', at: T0 + 1_000, data: { itemId: 'q2' } })],
      { deviceId: 'pc-1', epoch: 1 },
    );
    const venue = chainBodies([a({ type: 'timer.started', at: T0 + 3_000, data: { durationMs: 1 } })], { deviceId: 'venue-ast', epoch: 1 });
    expect(mergeEvents([...venue, pc[1]!, pc[0]!, pc[1]!]).map((event) => `${event.deviceId}:${event.seq}`)).toEqual(['venue-ast:1', 'pc-1:1', 'pc-1:2']);
  });

  it('property: the fold does not depend on delivery order or duplicates', () => {
    const events = attemptEvents();
    const expected = foldAttempt(events, context);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.array(fc.nat(events.length - 1), { maxLength: 8 }), (shuffled, duplicates) => {
        const delivered = [...shuffled, ...duplicates.map((index) => events[index]!)];
        expect(foldAttempt(delivered, context)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('property: for random interleavings of random device chains, shuffled delivery folds the same', () => {
    const itemIds = ['q1', 'q2', 'q3'];
    const action = fc.oneof(
      fc.record({ type: fc.constant('answer.set' as const), itemId: fc.constantFrom(...itemIds), option: fc.constantFrom('a', 'b') }),
      fc.record({ type: fc.constant('answer.cleared' as const), itemId: fc.constantFrom(...itemIds) }),
      fc.record({ type: fc.constant('item.flagged' as const), itemId: fc.constantFrom(...itemIds), isFlagged: fc.boolean() }),
    );
    const chainArb = fc.array(fc.record({ dt: fc.integer({ min: -2_000, max: 5_000 }), action }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(chainArb, { minLength: 1, maxLength: 3 }), fc.integer(), (chains, seed) => {
        const events = chains.flatMap((steps, device) => {
          let at = T0;
          const bodies = steps.map(({ dt, action: act }) => {
            at += dt;
            const data =
              act.type === 'answer.set' ? { itemId: act.itemId, value: { optionIds: [`${act.itemId}-${act.option}`] } }
              : act.type === 'item.flagged' ? { itemId: act.itemId, isFlagged: act.isFlagged }
              : { itemId: act.itemId };
            return a({ type: act.type, at: Math.max(0, at), data });
          });
          return chainBodies(bodies, { deviceId: `pc-${device}`, epoch: 1 });
        });
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { numRuns: 1, seed })[0]!;
        expect(foldAttempt(shuffled, context)).toEqual(foldAttempt(events, context));
      }),
      { numRuns: 150 },
    );
  });
});
