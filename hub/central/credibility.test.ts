import { describe, expect, it } from 'vitest';
import { chainBodies } from '../../sync/testkit';
import { foldAttempt } from '../../sync/fold';
import type { EventBody } from '../../sync/events';
import { credibilityOf } from './credibility';

const MIN = 60_000;
type Body = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;

function attempt(reviews: Array<'confirmed' | 'dismissed' | null>) {
  const bodies: Body[] = [{ type: 'attempt.started', at: 0, attemptId: 'a', data: { sessionId: 's', candidateId: 'c', language: 'kk' } }];
  reviews.forEach((_, i) => {
    bodies.push({ type: 'violation.started', at: (i + 1) * 10 * MIN, attemptId: 'a', data: { violationId: `v${i}`, kind: i === 0 ? 'multiple-faces' : 'focus-lost' } });
    bodies.push({ type: 'violation.ended', at: (i + 1) * 10 * MIN + 2 * MIN, attemptId: 'a', data: { violationId: `v${i}` } });
  });
  const pc = chainBodies(bodies, { deviceId: 'pc', epoch: 1 });
  const tablet = chainBodies(reviews.flatMap((review, i) => (review ? [{ type: 'proctor.violation-reviewed', at: 50 * MIN, attemptId: 'a', data: { violationDeviceId: 'pc', violationId: `v${i}`, decision: review } } as Body] : [])), { deviceId: 'tab', epoch: 1 });
  return foldAttempt([...pc, ...tablet], { attemptId: 'a', venueDeviceIds: [], proctorDeviceIds: ['tab'] });
}

describe('credibility', () => {
  it('weights each violation by kind and minutes, per the exam', () => {
    const result = credibilityOf(attempt([null, null]), { 'multiple-faces': 10, 'focus-lost': 2 });
    expect(result.parts.map((p) => p.penalty)).toEqual([20, 4]);
    expect(result.score).toBe(76);
  });

  it('forgives a dismissed violation and weighs a confirmed one half again', () => {
    const result = credibilityOf(attempt(['confirmed', 'dismissed']), { 'multiple-faces': 10, 'focus-lost': 2 });
    expect(result.parts.map((p) => p.penalty)).toEqual([30, 0]);
    expect(result.score).toBe(70);
  });
});
