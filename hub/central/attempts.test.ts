import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../sync/events';
import { AnswerKey, ExamPackage } from '../../sync/package';
import { chainBodies } from '../../sync/testkit';
import type { StoredEvent } from '../db/central';
import { buildAttempts } from './attempts';
import { examFile } from './test-fixture';

const MIN = 60_000;
const T0 = 1_800_000_000_000;
const SESSION = 'ses-pm';
const ATTEMPT = `${SESSION}.cand-a`;
type Body = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;

/** One attempt in room r1: the PC answers, the venue times it, the tablet closes the room and then removes the candidate. */
function venueLog(closedSessionId: string): StoredEvent[] {
  const pc = chainBodies([
    { type: 'attempt.started', at: T0, attemptId: ATTEMPT, data: { sessionId: SESSION, candidateId: 'cand-a', language: 'kk' } },
    { type: 'answer.set', at: T0 + MIN, attemptId: ATTEMPT, data: { itemId: 'i1', value: { optionIds: ['a'] } } },
    { type: 'attempt.finished', at: T0 + 2 * MIN, attemptId: ATTEMPT, data: { reason: 'candidate' } },
  ] as Body[], { deviceId: 'pc-a', epoch: 1 });
  const venue = chainBodies([
    { type: 'timer.started', at: T0, attemptId: ATTEMPT, data: { durationMs: 60 * MIN } },
    { type: 'attempt.closed', at: T0 + 2 * MIN, attemptId: ATTEMPT, data: { reason: 'finished' } },
  ] as Body[], { deviceId: 'venue-v1', epoch: 1 });
  const tablet = chainBodies([
    { type: 'proctor.room-closed', at: T0 + 3 * MIN, data: { sessionId: closedSessionId, roomId: 'r1', unfinishedAttemptIds: [] } },
    { type: 'proctor.remove', at: T0 + 4 * MIN, attemptId: ATTEMPT, data: { actId: 'act-1', actType: 'rule-violation', text: 'Телефон', cosigners: ['Second proctor'] } },
  ] as Body[], { deviceId: 'tab-1', epoch: 1 });
  return [...pc, ...venue, ...tablet].map((event, index) => ({ event, venueSeq: index + 1, receivedAt: event.at }));
}

function attemptOf(events: StoredEvent[]) {
  const file = examFile();
  const [attempt] = buildAttempts({
    venueId: 'v1', examPackage: ExamPackage.parse(file.package), answerKey: AnswerKey.parse({ examId: 'ex-geo', version: 1, ...file.answerKey }), events,
    chains: new Map(), conflictedDevices: new Set(), overrides: {}, lateIgnored: new Set(), annulled: new Set(),
    rooms: { sessionId: SESSION, roomOfCandidate: new Map([['cand-a', 'r1']]) },
  });
  return attempt!;
}

describe('the hub folds an attempt as the venue does', () => {
  it('does not apply a removal the tablet sent after the room was closed', () => {
    const attempt = attemptOf(venueLog(SESSION));
    expect(attempt.state.status).toBe('finished');
    expect(attempt.state.removal).toBeNull();
    expect(attempt.score).toMatchObject({ total: 1, isAnnulled: false });
  });

  it('applies it when the closure was another session\'s in the same room', () => {
    const attempt = attemptOf(venueLog('ses-am'));
    expect(attempt.state.status).toBe('removed');
    expect(attempt.state.removal).toMatchObject({ actId: 'act-1' });
    expect(attempt.score.isAnnulled).toBe(true);
  });
});
