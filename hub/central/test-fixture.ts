/**
 * Fixtures for the central area's tests: a small bilingual exam file, a roster CSV with
 * valid IINs, and a venue log that holds every kind of discrepancy the queue knows.
 */
import type { ChainedEvent, EventBody } from '../../sync/events';
import { makeIin } from '../../sync/iin';
import { chainBodies } from '../../sync/testkit';

const bi = (kk: string, ru: string) => ({ kk, ru });
const option = (optionId: string, kk: string, ru: string) => ({ optionId, text: bi(kk, ru) });

/** A four-item, one-block exam in the `exam-import/1` format; key: i1 a, i2 a, i3 c, i4 d. */
export function examFile(overrides: { examId?: string; version?: number } = {}) {
  const item = (itemId: string, kk: string, ru: string) => ({
    itemId, type: 'single', points: 1, stem: bi(kk, ru),
    options: [option('a', 'Астана', 'Астана'), option('b', 'Алматы', 'Алматы'), option('c', 'Шымкент', 'Шымкент'), option('d', 'Ақтау', 'Актау')],
  });
  return {
    format: 'exam-import/1',
    package: {
      format: 'exam-package/1', examId: overrides.examId ?? 'ex-geo', version: overrides.version ?? 1,
      title: bi('Қазақстан географиясы', 'География Казахстана'), durationMinutes: 60,
      blocks: [{ blockId: 'b1', title: bi('Қалалар', 'Города'), passMark: 2, items: [
        item('i1', 'Қазақстанның астанасы қай қала?', 'Какой город является столицей Казахстана?'),
        item('i2', 'Елордаға 1997 жылы көшірілген қала қайсы?', 'Какой город стал столицей в 1997 году?'),
        item('i3', 'Оңтүстіктегі ең ірі қала қайсы?', 'Какой самый крупный город на юге?'),
        item('i4', 'Каспий жағасындағы қала қайсы?', 'Какой город стоит на берегу Каспия?'),
      ] }],
      totalPassMark: { points: 2 },
      accommodations: [{ code: 'extra-time-30', title: bi('Қосымша 30 минут', 'Дополнительно 30 минут'), extraMinutes: 30 }],
      resultPolicy: { showAnalysisCard: true },
      proctoring: { isCameraRequired: false, signals: {}, weights: { 'focus-lost': 5 } },
    },
    answerKey: { items: { i1: { correctOptionIds: ['a'] }, i2: { correctOptionIds: ['a'] }, i3: { correctOptionIds: ['c'] }, i4: { correctOptionIds: ['d'] } } },
  };
}

/** Five valid IINs. */
export const IINS = [makeIin('1990-01-15', 'male', 1), makeIin('1985-06-30', 'female', 2), makeIin('2001-12-01', 'male', 3), makeIin('1978-03-08', 'female', 4), makeIin('1995-09-21', 'male', 5)];

/** A roster of candidates cand-a … cand-e in room r1, seats s1 … s5. */
export function rosterCsv(): string {
  const names = [['Әбілов', 'Нұрлан'], ['Иванова', 'Анна'], ['Сейітов', 'Қайрат'], ['Ким', 'Ольга'], ['Өмірзақ', 'Ұлан']];
  const lines = ['candidate_id,iin,last_name,first_name,middle_name,language,room,seat,accommodations'];
  names.forEach(([last, first], i) => lines.push(`cand-${'abcde'[i]},${IINS[i]},${last},${first},,${i % 2 ? 'ru' : 'kk'},r1,s${i + 1},`));
  return `${lines.join('\n')}\n`;
}

export const ROOM = { name: 'Room 1', seats: [1, 2, 3, 4, 5, 6].map((n) => ({ seatId: `s${n}`, label: `A${n}`, row: 0, col: n - 1 })) };

const MIN = 60_000;
type Body = Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>;

/**
 * The venue log of session `sessionId` (venue `venueId`, starting at t0) in venue order:
 * - cand-a: complete; appeals item i3; answers i4 after the deadline, after the venue closed it;
 * - cand-b: never closed, and its PC's clock goes back 15 minutes;
 * - cand-c: checked in, no attempt; cand-d: no-show;
 * - cand-e: two attempts (e1 answered i3 = c, the original key).
 */
export function venueLog(venueId: string, sessionId: string, t0: number): ChainedEvent[] {
  const venue = `venue-${venueId}`;
  const att = (c: string) => `${sessionId}.${c}`;
  const started = (c: string, at: number, language: 'kk' | 'ru' = 'kk'): Body => ({ type: 'attempt.started', at, attemptId: att(c), data: { sessionId, candidateId: `cand-${c.slice(0, 1)}`, language } });
  const answer = (c: string, itemId: string, optionId: string, at: number): Body => ({ type: 'answer.set', at, attemptId: att(c), data: { itemId, value: { optionIds: [optionId] } } });
  const tablet = chainBodies(['a', 'b', 'c', 'e'].map((c, i) => ({ type: 'proctor.check-in', at: t0 + i * 1000, data: { candidateId: `cand-${c}`, roomId: 'r1', seatId: `s${'abcde'.indexOf(c) + 1}`, isDocumentChecked: true } }) as Body), { deviceId: 'tab-1', epoch: 1 });
  const pcA = chainBodies([
    started('a', t0 + 1 * MIN), answer('a', 'i1', 'a', t0 + 3 * MIN), answer('a', 'i2', 'a', t0 + 4 * MIN), answer('a', 'i3', 'b', t0 + 5 * MIN),
    { type: 'violation.started', at: t0 + 6 * MIN, attemptId: att('a'), data: { violationId: 'v1', kind: 'focus-lost' } },
    { type: 'violation.ended', at: t0 + 8 * MIN, attemptId: att('a'), data: { violationId: 'v1' } },
    { type: 'appeal.content', at: t0 + 9 * MIN, attemptId: att('a'), data: { appealId: 'ap-a1', itemIds: ['i3'], ground: 'key-mismatch', justification: 'Алматы is the largest city in the south by population.' } },
    { type: 'attempt.finished', at: t0 + 30 * MIN, attemptId: att('a'), data: { reason: 'candidate' } },
    answer('a', 'i4', 'd', t0 + 70 * MIN),
  ], { deviceId: 'pc-a', epoch: 1 });
  const pcB = chainBodies([started('b', t0 + 2 * MIN, 'ru'), answer('b', 'i1', 'b', t0 + 20 * MIN), answer('b', 'i2', 'c', t0 + 5 * MIN)], { deviceId: 'pc-b', epoch: 1 });
  const pcE = chainBodies([started('e1', t0 + 2 * MIN), answer('e1', 'i1', 'a', t0 + 3 * MIN), answer('e1', 'i3', 'c', t0 + 4 * MIN), { type: 'attempt.finished', at: t0 + 20 * MIN, attemptId: att('e1'), data: { reason: 'candidate' } }], { deviceId: 'pc-e', epoch: 1 });
  const pcE2 = chainBodies([started('e2', t0 + 25 * MIN)], { deviceId: 'pc-e2', epoch: 1 });
  const timer = (c: string, at: number): Body => ({ type: 'timer.started', at, attemptId: att(c), data: { durationMs: 60 * MIN } });
  const closed = (c: string, at: number): Body => ({ type: 'attempt.closed', at, attemptId: att(c), data: { reason: 'finished' } });
  const venueChain = chainBodies([timer('a', t0 + 1 * MIN), timer('b', t0 + 2 * MIN), timer('e1', t0 + 2 * MIN), closed('e1', t0 + 20 * MIN), timer('e2', t0 + 25 * MIN), closed('a', t0 + 30 * MIN), closed('e2', t0 + 40 * MIN)], { deviceId: venue, epoch: 1 });
  // Venue order: everything up to the close of cand-a, then cand-a's late answer.
  const lateA = pcA.at(-1)!;
  return [...tablet, ...pcA.slice(0, -1), ...pcB, ...pcE, ...pcE2, ...venueChain, lateA];
}
