import { describe, expect, it } from 'vitest';
import { validateExamImport } from './exam-import';
import { examFile } from './test-fixture';

describe('exam import validation', () => {
  it('accepts a well-formed file and derives the key for its exam version', () => {
    const outcome = validateExamImport(examFile());
    expect(outcome.isValid).toBe(true);
    if (!outcome.isValid) return;
    expect(outcome.answerKey).toEqual({ examId: 'ex-geo', version: 1, items: expect.objectContaining({ i3: { correctOptionIds: ['c'] } }) });
    expect(outcome.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the block, item, field and language of a missing translation', () => {
    const file = examFile();
    file.package.blocks[0]!.items[1]!.stem.ru = '   ';
    file.package.blocks[0]!.items[2]!.options[1]!.text.kk = '';
    const outcome = validateExamImport(file);
    expect(outcome.isValid).toBe(false);
    if (outcome.isValid) return;
    expect(outcome.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ blockId: 'b1', itemId: 'i2', field: 'stem', language: 'ru' }),
      expect.objectContaining({ blockId: 'b1', itemId: 'i3', field: 'options[b].text', language: 'kk' }),
    ]));
  });

  it('reports every key problem at once: missing, unknown option, two answers to a single item, unknown item', () => {
    const file = examFile();
    const items = file.answerKey.items as Record<string, unknown>;
    delete items.i1;
    items.i2 = { correctOptionIds: ['z'] };
    items.i3 = { correctOptionIds: ['a', 'b'] };
    items.i9 = { correctOptionIds: ['a'] };
    const outcome = validateExamImport(file);
    if (outcome.isValid) throw new Error('a broken key was accepted');
    expect(outcome.problems.map((p) => [p.itemId, p.code])).toEqual(expect.arrayContaining([
      ['i1', 'missing-key'], ['i2', 'key-unknown-option'], ['i3', 'key-single-count'], ['i9', 'key-unknown-item'],
    ]));
  });

  it('refuses duplicate item ids and unreachable pass marks', () => {
    const file = examFile();
    file.package.blocks[0]!.items[3]!.itemId = 'i1';
    file.package.blocks[0]!.passMark = 9;
    const outcome = validateExamImport(file);
    if (outcome.isValid) throw new Error('accepted');
    expect(outcome.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['duplicate-item', 'pass-mark-unreachable']));
  });

  it('refuses a file in another format', () => {
    const outcome = validateExamImport({ format: 'something-else', package: {}, answerKey: { items: {} } });
    expect(outcome.isValid).toBe(false);
  });
});
