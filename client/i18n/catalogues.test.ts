import { describe, expect, it } from 'vitest';
import { en } from './messages/en';
import { kk, kkNeedsReview } from './messages/kk';
import { ru } from './messages/ru';
import { extendMessages, isLocale, translate } from './index';

const KAZAKH_LETTERS = /[әғқңөұүһі]/i;

describe('message catalogues', () => {
  it('kk and ru carry exactly the keys of en', () => {
    const keys = Object.keys(en).sort();
    expect(Object.keys(kk).sort()).toEqual(keys);
    expect(Object.keys(ru).sort()).toEqual(keys);
  });

  it('lists only existing keys as needing a native review', () => {
    for (const key of kkNeedsReview) expect(Object.keys(kk)).toContain(key);
  });

  it('keeps the glossary terms', () => {
    expect(translate('kk', 'sign-in.iin')).toBe('ЖСН');
    expect(translate('ru', 'sign-in.iin')).toBe('ИИН');
    expect(translate('kk', 'common.cancel')).toBe('Болдырмау');
    expect(translate('kk', 'sign-in.title')).toMatch(KAZAKH_LETTERS);
  });

  it('never uses a placeholder in one language that another lacks', () => {
    const placeholders = (m: unknown) => [...JSON.stringify(m).matchAll(/\{(\w[\w-]*)\}/g)].map((x) => x[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(kk[key]), `kk ${key}`).toEqual(placeholders(en[key]));
      expect(placeholders(ru[key]), `ru ${key}`).toEqual(placeholders(en[key]));
    }
  });
});

describe('translate', () => {
  it('chooses Russian plural forms by count', () => {
    expect(translate('ru', 'sync.pending', { count: 1 })).toBe('1 событие ожидает отправки');
    expect(translate('ru', 'sync.pending', { count: 3 })).toBe('3 события ожидают отправки');
    expect(translate('ru', 'sync.pending', { count: 11 })).toBe('11 событий ожидают отправки');
    expect(translate('en', 'sync.pending', { count: 2 })).toBe('2 events waiting to be sent');
    expect(translate('kk', 'sync.pending', { count: 5 })).toBe('Жіберуді күтудегі оқиға: 5');
  });

  it('fills named placeholders and shows an unknown key as itself', () => {
    expect(translate('en', 'sync.last-ack', { time: '10:42' })).toBe('Last confirmed: 10:42');
    expect(translate('en', 'no.such-key')).toBe('no.such-key');
  });

  it('takes an area\'s own messages, falling back to en', () => {
    extendMessages({ en: { 'test.only': 'Only in English' }, ru: { 'test.both': 'Оба' }, kk: { 'test.both': 'Екеуі' } });
    expect(translate('kk', 'test.only')).toBe('Only in English');
    expect(translate('kk', 'test.both')).toBe('Екеуі');
  });

  it('knows its three locales', () => {
    expect(['kk', 'ru', 'en'].every(isLocale)).toBe(true);
    expect(isLocale('de')).toBe(false);
  });
});
