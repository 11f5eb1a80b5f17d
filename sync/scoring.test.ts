import { describe, expect, it } from 'vitest';
import type { AnswerValue } from './events';
import { foldAttempt, type AttemptState } from './fold';
import { AnswerKey, ExamPackage } from './package';
import { multipleChoicePoints, scoreAttempt } from './scoring';

const bi = (text: string) => ({ kk: text, ru: text });
const options = (itemId: string) => ['a', 'b', 'c', 'd'].map((o) => ({ optionId: `${itemId}-${o}`, text: bi(o) }));

// Two blocks with their own pass marks, a total pass mark in percent.
const examPackage = ExamPackage.parse({
  format: 'exam-package/1',
  examId: 'nct-mini',
  version: 1,
  title: bi('Mini'),
  durationMinutes: 30,
  blocks: [
    {
      blockId: 'lang',
      title: bi('Language'),
      passMark: 2,
      items: [
        { itemId: 's1', stem: bi('s1'), points: 1, type: 'single', options: options('s1') },
        { itemId: 's2', stem: bi('s2'), points: 1, type: 'single', options: options('s2') },
        { itemId: 's3', stem: bi('s3'), points: 1, type: 'single', options: options('s3') },
      ],
    },
    {
      blockId: 'law',
      title: bi('Law'),
      passMark: 3,
      items: [
        { itemId: 'm1', stem: bi('m1'), points: 2, type: 'multiple', options: options('m1'), partialCredit: 'proportional' },
        { itemId: 'o1', stem: bi('o1'), points: 3, type: 'open' },
      ],
    },
  ],
  totalPassMark: { percent: 60 },
  resultPolicy: { showAnalysisCard: true },
  proctoring: { isCameraRequired: false, signals: {} },
});
const answerKey = AnswerKey.parse({
  examId: 'nct-mini',
  version: 1,
  items: {
    s1: { correctOptionIds: ['s1-a'] },
    s2: { correctOptionIds: ['s2-b'] },
    s3: { correctOptionIds: ['s3-c'] },
    m1: { correctOptionIds: ['m1-a', 'm1-c'] },
    o1: { markingNote: 'names the capital' },
  },
});

function stateWith(answers: Record<string, AnswerValue>, marks: AttemptState['marks'] = {}, status: AttemptState['status'] = 'finished'): AttemptState {
  const state = foldAttempt([], { attemptId: 'att-1', venueDeviceIds: [] });
  state.status = status;
  state.marks = marks;
  for (const [itemId, value] of Object.entries(answers)) state.answers[itemId] = { value, at: 0, deviceId: 'pc', seq: 1, isLate: false };
  return state;
}

describe('multipleChoicePoints', () => {
  it('applies each partial-credit rule', () => {
    const correct = ['a', 'c'];
    expect(multipleChoicePoints('all-or-nothing', ['c', 'a'], correct, 2)).toBe(2);
    expect(multipleChoicePoints('all-or-nothing', ['a'], correct, 2)).toBe(0);
    expect(multipleChoicePoints('proportional', ['a'], correct, 2)).toBe(1);
    expect(multipleChoicePoints('proportional', ['a', 'b'], correct, 2)).toBe(0);
    expect(multipleChoicePoints('right-minus-wrong', ['a', 'c', 'b'], correct, 2)).toBe(1);
    expect(multipleChoicePoints('right-minus-wrong', ['a', 'b', 'd'], correct, 2)).toBe(0);
    expect(multipleChoicePoints('proportional', ['a'], ['a', 'b', 'c'], 1)).toBe(0.333333);
  });
});

describe('scoreAttempt', () => {
  const answers: Record<string, AnswerValue> = {
    s1: { optionIds: ['s1-a'] },
    s2: { optionIds: ['s2-a'] },
    m1: { optionIds: ['m1-a'] },
    o1: { text: 'Астана' },
  };

  it('scores items, blocks and the total; an open item stays pending until marked', () => {
    const score = scoreAttempt(stateWith(answers), examPackage, answerKey);
    expect(score.items.map((item) => [item.itemId, item.points, item.max, item.status])).toEqual([
      ['s1', 1, 1, 'correct'],
      ['s2', 0, 1, 'incorrect'],
      ['s3', 0, 1, 'unanswered'],
      ['m1', 1, 2, 'partial'],
      ['o1', 0, 3, 'pending'],
    ]);
    expect(score.blocks).toEqual([
      { blockId: 'lang', points: 1, max: 3, passMark: 2, isPassed: false },
      { blockId: 'law', points: 1, max: 5, passMark: 3, isPassed: false },
    ]);
    expect(score).toMatchObject({ total: 2, totalMax: 8, totalPassMark: 4.8, isPassed: false, hasPendingMarking: true, isAnnulled: false });
  });

  it('passes only when every block pass mark and the total are met', () => {
    const marked = stateWith({ ...answers, s2: { optionIds: ['s2-b'] } }, { o1: { points: 3, markerId: 'kk-1', at: 1 } });
    const score = scoreAttempt(marked, examPackage, answerKey);
    expect(score).toMatchObject({ total: 6, isPassed: true, hasPendingMarking: false });
    expect(score.items.find((item) => item.itemId === 'o1')).toMatchObject({ points: 3, status: 'marked' });
    // The same points with the language block short fails, though the total (5 ≥ 4.8) is met.
    const weakBlock = scoreAttempt(stateWith(answers, { o1: { points: 5, markerId: 'kk-1', at: 1 } }), examPackage, answerKey);
    expect(weakBlock).toMatchObject({ total: 5, isPassed: false });
    expect(weakBlock.items.find((item) => item.itemId === 'o1')!.points).toBe(3); // capped at the item's maximum
  });

  it('applies appeal overrides: voided items give full points, corrected keys rescore', () => {
    const score = scoreAttempt(stateWith(answers), examPackage, answerKey, {
      voidedItemIds: ['s3'],
      correctedKeys: { s2: { correctOptionIds: ['s2-a', 's2-b'] } },
    });
    expect(score.items.find((item) => item.itemId === 's3')).toMatchObject({ points: 1, status: 'voided' });
    expect(score.items.find((item) => item.itemId === 's2')).toMatchObject({ points: 1, status: 'correct' });
    expect(score.blocks[0]).toMatchObject({ points: 3, isPassed: true });
  });

  it('annuls a removed candidate and can ignore late answers', () => {
    const removed = scoreAttempt(stateWith({ ...answers, s2: { optionIds: ['s2-b'] } }, { o1: { points: 3, markerId: 'k', at: 1 } }, 'removed'), examPackage, answerKey);
    expect(removed).toMatchObject({ total: 6, isPassed: false, isAnnulled: true });
    const late = stateWith(answers);
    late.answers.s1!.isLate = true;
    expect(scoreAttempt(late, examPackage, answerKey).items[0]!.points).toBe(1);
    expect(scoreAttempt(late, examPackage, answerKey, { isLateAnswerIgnored: true }).items[0]).toMatchObject({ points: 0, status: 'unanswered' });
  });

  it('refuses to score with a key that lacks an item', () => {
    const partialKey = { ...answerKey, items: { s1: answerKey.items.s1! } };
    expect(() => scoreAttempt(stateWith(answers), examPackage, partialKey)).toThrow(RangeError);
  });

  it('treats two options on a single-answer item as wrong', () => {
    const score = scoreAttempt(stateWith({ s1: { optionIds: ['s1-a', 's1-b'] } }), examPackage, answerKey);
    expect(score.items[0]).toMatchObject({ points: 0, status: 'incorrect' });
  });
});
