import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChainedEvent } from '../../../sync/events';
import type { ExamPackage } from '../../../sync/package';
import { generateSessionKey, sealPackage } from '../../../sync/seal';
import { attemptKey, eventsForAttempt, kvGet, kvSet } from '../../db';
import type { CandidateProfile, TimerSnapshot } from '../api';
import { resumedTimer, useAttemptStore } from './attempt';

const bi = (text: string) => ({ kk: `${text} kk`, ru: `${text} ru` });
const PACKAGE: ExamPackage = {
  format: 'exam-package/1', examId: 'exam-u', version: 1, title: bi('Unit exam'), durationMinutes: 60,
  blocks: [{
    blockId: 'b1', title: bi('Block'), passMark: 1, items: [
      { itemId: 'q1', type: 'single', points: 1, stem: bi('Secret stem one'), options: [{ optionId: 'a', text: bi('A') }, { optionId: 'b', text: bi('B') }] },
      { itemId: 'q2', type: 'single', points: 1, stem: bi('Secret stem two'), options: [{ optionId: 'a', text: bi('A') }, { optionId: 'b', text: bi('B') }] },
    ],
  }],
  totalPassMark: { points: 1 }, accommodations: [], media: [],
  resultPolicy: { showAnalysisCard: true, contentAppealWindowMinutes: 30 },
  proctoring: { isCameraRequired: false, signals: {}, sampleIntervalMs: 500, fullRangeEvery: 10, headTurnedYawDegrees: 35, darkLumaBelow: 40, weights: {} },
};
const PROFILE: CandidateProfile = {
  candidateId: 'cand-1', iin: '900412300018', lastName: 'Test', firstName: 'Candidate', middleName: null, language: 'ru',
  sessionId: 'ses-u', attemptId: 'ses-u.cand-1', roomId: 'room-1', roomName: 'Room', seatId: 'A1', seatLabel: 'A1', deviceId: 'x', startsAt: 0,
};

/** The venue at the network's edge: the candidate routes and the device ingest, in memory. */
class FakeVenue {
  key = generateSessionKey();
  sealed: Awaited<ReturnType<typeof sealPackage>> | null = null;
  isReleased = false;
  isReachable = true;
  held: ChainedEvent[] = [];
  timer: TimerSnapshot = { state: 'not-started', remainingMs: null, deadline: null, now: 0 };

  private json(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!this.isReachable) throw new TypeError('fetch failed');
    const url = new URL(String(input), 'http://venue.test');
    switch (url.pathname) {
      case '/api/candidate/login': return this.json(200, { profile: PROFILE });
      case '/api/candidate/me': return this.json(200, { profile: PROFILE });
      case '/api/candidate/package': return this.json(200, { sealed: { sessionId: 'ses-u', examId: 'exam-u', examVersion: 1, ...this.sealed } });
      case '/api/candidate/key':
        return this.isReleased ? this.json(200, { key: this.key }) : this.json(409, { code: 'not-released', message: 'not yet' });
      case '/api/candidate/attempt': {
        const answers: Record<string, { value: unknown; at: number }> = {};
        for (const event of this.held) if (event.type === 'answer.set') answers[event.data.itemId] = { value: event.data.value, at: event.at };
        return this.json(200, { attempt: { attemptId: PROFILE.attemptId, status: this.timer.state === 'running' ? 'in-progress' : 'not-started', isKeyReleased: this.isReleased, timer: this.timer, answers, flaggedItemIds: [], audioPlays: {}, appealIds: [], finishedAt: null } });
      }
      case '/api/device/cursor': return this.json(200, { receipt: this.receipt(url.searchParams.get('deviceId')!, Number(url.searchParams.get('epoch'))) });
      case '/api/device/events': {
        const push = JSON.parse(String(init?.body)) as { deviceId: string; epoch: number; events: ChainedEvent[] };
        for (const event of push.events) if (!this.held.some((e) => e.hash === event.hash)) this.held.push(event);
        return this.json(200, { receipt: this.receipt(push.deviceId, push.epoch) });
      }
      default: return this.json(404, { code: 'not-found', message: url.pathname });
    }
  };

  private receipt(deviceId: string, epoch: number) {
    const mine = this.held.filter((e) => e.deviceId === deviceId && e.epoch === epoch);
    return { deviceId, epoch, ackedSeq: mine.length, ackedHash: mine.at(-1)?.hash ?? '0'.repeat(64) };
  }
}

const venue = new FakeVenue();
const realFetch = globalThis.fetch;

beforeAll(async () => {
  venue.sealed = await sealPackage(JSON.stringify(PACKAGE), venue.key);
  globalThis.fetch = venue.fetch as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
beforeEach(() => {
  setActivePinia(createPinia());
});

describe('useAttemptStore', () => {
  it('keeps the package sealed on the PC and opens it in memory only once the key is released', async () => {
    const store = useAttemptStore();
    await store.signIn('900412300018', 'CODE-1');
    await store.cacheSealedPackage();
    const cached = await kvGet<{ ciphertext: string }>('candidate.sealed.ses-u');
    expect(cached?.ciphertext).toBe(venue.sealed!.ciphertext);
    expect(JSON.stringify(cached)).not.toContain('Secret stem');
    await expect(store.openExam()).rejects.toMatchObject({ code: 'not-released' });
    venue.isReleased = true;
    const opened = await store.openExam();
    expect(opened.blocks[0]!.items.map((item) => item.itemId)).toEqual(['q1', 'q2']);
    expect(JSON.stringify(await kvGet('candidate.sealed.ses-u'))).not.toContain('Secret stem');
  });

  it('writes each answer at once, and shows it as sent only after the venue acknowledged it', async () => {
    const store = useAttemptStore();
    await store.restore();
    venue.timer = { state: 'running', remainingMs: 3_600_000, deadline: null, now: 0 };
    await store.loadAttempt();
    await store.openExam();
    await store.startAttempt();
    await store.startAttempt();
    venue.isReachable = false;
    await store.setAnswer('q1', { optionIds: ['b'] });
    const local = await eventsForAttempt(PROFILE.attemptId);
    expect(local.filter((e) => e.type === 'attempt.started')).toHaveLength(1);
    expect(local.at(-1)).toMatchObject({ type: 'answer.set', data: { itemId: 'q1', value: { optionIds: ['b'] } } });
    expect(store.saveStates.q1).toBe('local');
    await store.flush();
    expect(store.saveStates.q1).toBe('local');
    venue.isReachable = true;
    await store.flush();
    expect(store.saveStates.q1).toBe('venue');
    expect(venue.held.some((e) => e.type === 'answer.set' && e.data.itemId === 'q1')).toBe(true);
  });

  it('resumes after a reload with the newer of its own and the venue\u2019s answers, and counts down from the last contact', async () => {
    const store = useAttemptStore();
    await store.restore();
    venue.isReachable = false;
    await store.setAnswer('q2', { optionIds: ['a'] });
    venue.isReachable = true;
    setActivePinia(createPinia());
    const reloaded = useAttemptStore();
    await reloaded.restore();
    venue.timer = { state: 'running', remainingMs: 1_200_000, deadline: null, now: 0 };
    await reloaded.loadAttempt();
    expect(reloaded.answers).toEqual({ q1: { optionIds: ['b'] }, q2: { optionIds: ['a'] } });
    expect(reloaded.saveStates).toEqual({ q1: 'venue', q2: 'local' });
    const contact = reloaded.timer!.atPerf;
    expect(reloaded.remainingMs(contact + 60_000)).toBe(1_140_000);
    reloaded.applyTimer({ state: 'paused', remainingMs: 1_000_000, deadline: null, now: 0 });
    expect(reloaded.remainingMs(performance.now() + 600_000)).toBe(1_000_000);
  });

  it('after a restart with the venue unreachable, reopens the exam with the kept key and counts the time the PC was off', async () => {
    expect(await attemptKey(PROFILE.attemptId, PROFILE.sessionId)).toBe(venue.key);
    expect(await attemptKey(PROFILE.attemptId, 'another-session')).toBeUndefined();
    const online = useAttemptStore();
    await online.restore();
    venue.timer = { state: 'running', remainingMs: 1_200_000, deadline: null, now: 0 };
    await online.loadAttempt();
    const kept = await kvGet<{ atWall: number }>(`candidate.timer.${PROFILE.attemptId}`);
    expect(kept).toMatchObject({ state: 'running', remainingMs: 1_200_000 });
    // The PC was off for five minutes since that contact.
    await kvSet(`candidate.timer.${PROFILE.attemptId}`, { ...kept, atWall: Date.now() - 300_000 });

    venue.isReachable = false;
    setActivePinia(createPinia());
    const restarted = useAttemptStore();
    expect(await restarted.restore()).toMatchObject({ attemptId: PROFILE.attemptId });
    expect(await restarted.loadAttempt()).toBeNull();
    const opened = await restarted.openExam();
    expect(opened.blocks[0]!.items).toHaveLength(2);
    expect(restarted.answers).toEqual({ q1: { optionIds: ['b'] }, q2: { optionIds: ['a'] } });
    const left = restarted.remainingMs()!;
    expect(left).toBeLessThanOrEqual(900_000);
    expect(left).toBeGreaterThan(890_000);
    venue.isReachable = true;
  });

  it('resumes a running countdown by the wall-clock time since the contact, never adding time', () => {
    const stored = { attemptId: 'a', state: 'running' as const, remainingMs: 600_000, atWall: 1_000_000 };
    expect(resumedTimer(stored, 1_060_000, 5)).toEqual({ state: 'running', remainingMs: 540_000, atPerf: 5 });
    expect(resumedTimer(stored, 900_000, 5).remainingMs).toBe(600_000);
    expect(resumedTimer(stored, 9_000_000, 5).remainingMs).toBe(0);
    expect(resumedTimer({ ...stored, state: 'paused' }, 1_060_000, 5).remainingMs).toBe(600_000);
  });

  it('when the venue ends the attempt at zero first, records its own time-up finish once and remembers why', async () => {
    const store = useAttemptStore();
    await store.restore();
    await store.loadAttempt();
    expect(store.status).toBe('in-progress');
    const ended: TimerSnapshot = { state: 'ended', remainingMs: 0, deadline: null, now: 0 };
    store.applyStreamUpdate({ status: 'finished', timer: ended });
    store.applyStreamUpdate({ status: 'finished', timer: ended });
    await vi.waitFor(() => expect(store.status).toBe('finished'));
    expect(store.finishReason).toBe('time-up');
    const finished = (await eventsForAttempt(PROFILE.attemptId)).filter((e) => e.type === 'attempt.finished');
    expect(finished.map((e) => e.type === 'attempt.finished' && e.data.reason)).toEqual(['time-up']);
  });

  it('finishes once, makes no more changes after, and forgets the key', async () => {
    const store = useAttemptStore();
    await store.restore();
    await store.loadAttempt();
    await store.finish('candidate');
    expect(await attemptKey(PROFILE.attemptId, PROFILE.sessionId)).toBeUndefined();
    await store.finish('candidate');
    await store.setAnswer('q1', { optionIds: ['a'] });
    const local = await eventsForAttempt(PROFILE.attemptId);
    expect(local.filter((e) => e.type === 'attempt.finished')).toHaveLength(1);
    expect(local.filter((e) => e.type === 'answer.set' && e.data.itemId === 'q1')).toHaveLength(1);
    expect(store.status).toBe('finished');
  });
});
