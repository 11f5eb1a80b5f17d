import { describe, expect, it } from 'vitest';
import type { Item } from '../../../sync/package';
import { answerForKey } from './useExamScreen';
import { dueWarning, formatRemaining } from './useExamTimer';

const bi = (text: string) => ({ kk: text, ru: text });
const single: Item = { itemId: 's', type: 'single', points: 1, stem: bi('?'), options: [{ optionId: 'a', text: bi('A') }, { optionId: 'b', text: bi('B') }] };
const multiple: Item = { itemId: 'm', type: 'multiple', points: 1, partialCredit: 'proportional', stem: bi('?'), options: [{ optionId: 'a', text: bi('A') }, { optionId: 'b', text: bi('B') }, { optionId: 'c', text: bi('C') }] };

describe('answerForKey', () => {
  it('chooses the nth option of a single-answer item', () => {
    expect(answerForKey(single, 2, ['a'])).toEqual(['b']);
    expect(answerForKey(single, 3, [])).toBeNull();
  });

  it('toggles the nth option of a multiple-answer item', () => {
    expect(answerForKey(multiple, 3, ['a'])).toEqual(['a', 'c']);
    expect(answerForKey(multiple, 1, ['a', 'c'])).toEqual(['c']);
  });
});

describe('formatRemaining', () => {
  it('shows hours only when there are some, and rounds seconds up', () => {
    expect(formatRemaining(2 * 3600_000 + 10 * 60_000)).toBe('2:10:00');
    expect(formatRemaining(5 * 60_000 - 1)).toBe('5:00');
    expect(formatRemaining(59_001)).toBe('1:00');
    expect(formatRemaining(-5)).toBe('0:00');
  });
});

describe('dueWarning', () => {
  it('warns at 10 and at 5 minutes left, once each', () => {
    const shown = new Set<number>();
    expect(dueWarning(11 * 60_000, shown)).toBeNull();
    expect(dueWarning(10 * 60_000, shown)).toBe(10);
    expect(dueWarning(9 * 60_000, shown)).toBeNull();
    expect(dueWarning(5 * 60_000 - 1, shown)).toBe(5);
    expect(dueWarning(60_000, shown)).toBeNull();
  });

  it('gives a resumed attempt with 3 minutes left only the 5-minute warning', () => {
    const shown = new Set<number>();
    expect(dueWarning(3 * 60_000, shown)).toBe(5);
    expect(dueWarning(2 * 60_000, shown)).toBeNull();
  });
});
