/**
 * A small exam and roster for the candidate routes' tests: one session with two
 * candidates, a two-block package (single, multiple, open and listening items), its
 * answer key, and helpers to put them into a venue database as the downlink would.
 */
import { makeIin } from '../../sync/iin';
import type { AnswerKey, ExamPackage } from '../../sync/package';
import type { Session } from '../../sync/roster';
import { generateSessionKey, sealPackage, wrapKeyWithReleaseCode } from '../../sync/seal';
import type { VenueStore } from '../db/store';
import { hashAccessCode } from './access-code';

export const FIXTURE_SESSION_ID = 'ses-test';
export const FIXTURE_CODES = { 'cand-1': 'K7Q2-M9XD', 'cand-2': 'P4TR-8HNC' } as const;
export const FIXTURE_PROCTOR = { username: 'proctor.one', pin: '482913', tabletId: 'tab-room1' } as const;
export const FIXTURE_IINS = { 'cand-1': makeIin('1990-04-12', 'male', 1), 'cand-2': makeIin('1985-11-30', 'female', 2) } as const;

const bi = (text: string) => ({ kk: `${text} (kk)`, ru: `${text} (ru)` });
// A 0.1 s silent WAV, so a listening item has a real clip to play.
const SILENT_WAV = (() => {
  const samples = 800;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((ch, i) => view.setUint8(offset + i, ch.charCodeAt(0)));
  ascii(0, 'RIFF'); view.setUint32(4, 36 + samples, true); ascii(8, 'WAVE'); ascii(12, 'fmt ');
  view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true); view.setUint32(24, 8000, true);
  view.setUint32(28, 8000, true); view.setUint16(32, 1, true); view.setUint16(34, 8, true); ascii(36, 'data'); view.setUint32(40, samples, true);
  bytes.fill(128, 44);
  return Buffer.from(bytes).toString('base64');
})();

export function fixturePackage(overrides: Partial<ExamPackage> = {}): ExamPackage {
  return {
    format: 'exam-package/1', examId: 'exam-test', version: 1, title: bi('Test exam'), durationMinutes: 30,
    blocks: [
      {
        blockId: 'b1', title: bi('Language'), passMark: 1,
        items: [
          { itemId: 'i1', type: 'single', points: 1, stem: bi('Listen and choose'), mediaId: 'clip-1', maxPlays: 2, options: [{ optionId: 'i1a', text: bi('A') }, { optionId: 'i1b', text: bi('B') }] },
          { itemId: 'i2', type: 'single', points: 1, stem: bi('Choose B'), options: [{ optionId: 'i2a', text: bi('A') }, { optionId: 'i2b', text: bi('B') }, { optionId: 'i2c', text: bi('C') }] },
        ],
      },
      {
        blockId: 'b2', title: bi('Constitution'), passMark: 1,
        items: [
          { itemId: 'i3', type: 'multiple', points: 2, partialCredit: 'proportional', stem: bi('Choose A and C'), options: [{ optionId: 'i3a', text: bi('A') }, { optionId: 'i3b', text: bi('B') }, { optionId: 'i3c', text: bi('C') }] },
          { itemId: 'i4', type: 'open', points: 3, maxLength: 500, stem: bi('Explain') },
        ],
      },
    ],
    totalPassMark: { percent: 50 },
    accommodations: [{ code: 'extra-30', title: bi('Extra time'), extraMinutes: 30 }],
    media: [{ mediaId: 'clip-1', mime: 'audio/wav', base64: SILENT_WAV }],
    resultPolicy: { showAnalysisCard: true, contentAppealWindowMinutes: 30 },
    proctoring: { isCameraRequired: false, signals: {}, sampleIntervalMs: 500, fullRangeEvery: 10, headTurnedYawDegrees: 35, darkLumaBelow: 40, weights: {} },
    ...overrides,
  };
}

export const FIXTURE_ANSWER_KEY: AnswerKey = {
  examId: 'exam-test', version: 1,
  items: { i1: { correctOptionIds: ['i1a'] }, i2: { correctOptionIds: ['i2b'] }, i3: { correctOptionIds: ['i3a', 'i3c'] }, i4: { markingNote: 'any sound argument' } },
};

export async function fixtureSession(): Promise<Session> {
  return {
    sessionId: FIXTURE_SESSION_ID, venueId: 'venue-test', examId: 'exam-test', examVersion: 1, startsAt: Date.now(),
    rooms: [{ roomId: 'room-1', name: 'Room 1', seats: [{ seatId: 'A-01', label: 'A1', row: 0, col: 0 }, { seatId: 'A-02', label: 'A2', row: 0, col: 1 }] }],
    candidates: [
      { candidateId: 'cand-1', iin: FIXTURE_IINS['cand-1'], lastName: 'Сейітқали', firstName: 'Әлия', language: 'kk', accommodations: [], roomId: 'room-1', seatId: 'A-01', accessCodeHash: await hashAccessCode(FIXTURE_CODES['cand-1'], 1024) },
      { candidateId: 'cand-2', iin: FIXTURE_IINS['cand-2'], lastName: 'Иванова', firstName: 'Анна', language: 'ru', accommodations: ['extra-30'], roomId: 'room-1', seatId: 'A-02', accessCodeHash: await hashAccessCode(FIXTURE_CODES['cand-2'], 1024) },
    ],
    proctors: [{ username: FIXTURE_PROCTOR.username, displayName: 'Proctor One', pinHash: await hashAccessCode(FIXTURE_PROCTOR.pin, 1024), roomIds: ['room-1'] }],
  };
}

/** Puts the session and its sealed package into the venue, as the downlink would; returns the session key. */
export async function seedFixture(store: VenueStore, options: { examPackage?: ExamPackage } = {}): Promise<{ key: string; session: Session }> {
  const key = generateSessionKey();
  const session = await fixtureSession();
  const sealed = await sealPackage(JSON.stringify(options.examPackage ?? fixturePackage()), key);
  const wrapped = await wrapKeyWithReleaseCode(key, 'TEST-CODE-0001');
  store.downlink.applyPage([
    { kind: 'session', seq: 1, session },
    { kind: 'package', seq: 2, sealed: { sessionId: FIXTURE_SESSION_ID, examId: 'exam-test', examVersion: 1, ...sealed }, keyWrappedByReleaseCode: wrapped },
  ], 2, Date.now());
  return { key, session };
}

/** Releases the session key, as the hub's key-release entry would. */
export function releaseFixtureKey(store: VenueStore, key: string): void {
  store.downlink.applyPage([{ kind: 'key-release', seq: 3, sessionId: FIXTURE_SESSION_ID, key }], 3, Date.now());
}
