import { describe, expect, it } from 'vitest';
import { ViolationKind } from '../../sync/events';
import type { IdentityPhotoHint } from './face-detector';
import { PROCTORING_MESSAGES } from './messages';

const HINTS: IdentityPhotoHint[] = ['no-face', 'several-people', 'come-closer', 'more-light', 'centre-face'];
const KAZAKH_LETTERS = /[әғқңөұүһі]/i;

describe('proctoring texts', () => {
  it('kk and ru carry exactly the keys of en', () => {
    const keys = Object.keys(PROCTORING_MESSAGES.en).sort();
    expect(Object.keys(PROCTORING_MESSAGES.kk).sort()).toEqual(keys);
    expect(Object.keys(PROCTORING_MESSAGES.ru).sort()).toEqual(keys);
  });

  it('name every violation kind and every identity photo hint in each language', () => {
    for (const [language, messages] of Object.entries(PROCTORING_MESSAGES)) {
      const texts = messages as Record<string, unknown>;
      for (const kind of ViolationKind.options) expect(texts[`proct.kind.${kind}`], `${language} ${kind}`).toEqual(expect.stringMatching(/\S/));
      for (const hint of HINTS) expect(texts[`proct.photo.hint.${hint}`], `${language} ${hint}`).toEqual(expect.stringMatching(/\S/));
    }
  });

  it('announces a new violation as ICert does, with the kind in its place', () => {
    expect(PROCTORING_MESSAGES.ru['proct.notice.new']).toBe('Новое нарушение: {kind}');
    expect(PROCTORING_MESSAGES.kk['proct.notice.new']).toMatch(/\{kind\}/);
    expect(PROCTORING_MESSAGES.en['proct.notice.new']).toMatch(/\{kind\}/);
    expect(PROCTORING_MESSAGES.ru['proct.kind.focus-lost']).toBe('фокус экрана тестирования потерян');
  });

  it('writes the Kazakh texts in Kazakh', () => {
    for (const hint of HINTS) expect(PROCTORING_MESSAGES.kk[`proct.photo.hint.${hint}`]).toMatch(KAZAKH_LETTERS);
  });
});
