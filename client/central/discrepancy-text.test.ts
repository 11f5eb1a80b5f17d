import { describe, expect, it } from 'vitest';
import { translate, type Locale } from '../i18n';
import { DISCREPANCY_KINDS, type Discrepancy } from './api';
import { actionLabel, blockerText, completenessCauseText, discrepancyText, type Translate } from './discrepancy-text';
import { centralEn, centralKk, centralRu } from './messages';

const CATALOGUES: Record<Locale, Record<string, unknown>> = { en: centralEn, ru: centralRu, kk: centralKk };
const LOCALES: Locale[] = ['en', 'ru', 'kk'];
const candidate = { candidateId: 'cand-q7', fullName: 'Әбілов Нұрлан', iin: '900115300012' };
const base = { subject: 'x', explanation: 'English text from the hub', evidence: {}, resolution: null };
const when = (ms: number) => `T${ms}`;

/** One entry of every kind, and of every cause within a kind, each with figures easy to spot. */
const SAMPLES: Array<{ entry: Discrepancy; shows: string[] }> = [
  { entry: { ...base, discrepancyId: 'a', kind: 'score-mismatch', params: { attemptId: 'att-17', candidateId: 'cand-q7', venueTotal: 41, hubTotal: 43 }, actions: ['accept-hub-score'] }, shows: ['att-17', '41', '43'] },
  { entry: { ...base, discrepancyId: 'b', kind: 'no-show', params: { candidate, roomId: 'room-9', seatId: 'seat-B4' }, actions: ['mark-absent'] }, shows: ['Әбілов Нұрлан', '900115300012', 'room-9', 'seat-B4'] },
  { entry: { ...base, discrepancyId: 'c', kind: 'checked-in-no-attempt', params: { candidate, checkedInAt: 1111, deviceId: 'tab-3', seq: 57 }, actions: ['mark-absent', 'mark-left-before-start'] }, shows: ['900115300012', 'T1111', 'tab-3', '57'] },
  {
    entry: { ...base, discrepancyId: 'd', kind: 'duplicate-attempts', params: { candidate, attempts: [{ attemptId: 'att-e1', status: 'finished', total: 12, startedAt: 2222 }, { attemptId: 'att-e2', status: 'in-progress', total: 3, startedAt: null }] }, actions: ['keep:att-e1', 'keep:att-e2'] },
    shows: ['900115300012', 'att-e1', 'att-e2', '12', 'T2222'],
  },
  { entry: { ...base, discrepancyId: 'e', kind: 'late-events', params: { attemptId: 'att-17', deadline: 3333, lateEventCount: 5, lateAnswers: [{ itemId: 'item-i4', at: 4444, deviceId: 'pc-a', seq: 88 }] }, actions: ['ignore-late-answers', 'accept-late-answers'] }, shows: ['att-17', 'T3333', '5', 'item-i4', 'T4444', 'pc-a', '88'] },
  { entry: { ...base, discrepancyId: 'f1', kind: 'chain-conflict', params: { cause: 'two-claimants', attemptId: 'att-17', candidateIds: ['cand-x1', 'cand-x2'] }, actions: ['acknowledge-conflict'] }, shows: ['att-17', 'cand-x1', 'cand-x2'] },
  { entry: { ...base, discrepancyId: 'f2', kind: 'chain-conflict', params: { cause: 'chain-broken', attemptId: 'att-17', deviceId: 'pc-b', verifiedUpTo: 61 }, actions: ['acknowledge-conflict'] }, shows: ['att-17', 'pc-b', '61'] },
  { entry: { ...base, discrepancyId: 'f3', kind: 'chain-conflict', params: { cause: 'venue-conflict', attemptId: 'att-17', deviceId: 'pc-b' }, actions: ['acknowledge-conflict'] }, shows: ['att-17', 'pc-b'] },
  { entry: { ...base, discrepancyId: 'f4', kind: 'chain-conflict', params: { cause: 'alarm-conflict', alarmId: 71, deviceId: 'pc-c', seq: 19, raisedAt: 5555 }, actions: ['acknowledge-conflict'] }, shows: ['pc-c', 'T5555', '71', '19'] },
  { entry: { ...base, discrepancyId: 'f5', kind: 'chain-conflict', params: { cause: 'alarm-bad-chain', alarmId: 72, deviceId: null, seq: null, raisedAt: 6666 }, actions: ['acknowledge-conflict'] }, shows: ['T6666', '72'] },
  { entry: { ...base, discrepancyId: 'g1', kind: 'clock-anomaly', params: { cause: 'ahead', deviceId: 'pc-d', epoch: 2, seq: 33, at: 7777, receivedAt: 7000 }, actions: ['acknowledge-clock'] }, shows: ['pc-d', '33', 'T7777', 'T7000'] },
  { entry: { ...base, discrepancyId: 'g2', kind: 'clock-anomaly', params: { cause: 'backwards', deviceId: 'pc-d', epoch: 2, seq: 34, at: 8000, previousSeq: 29, previousAt: 8888 }, actions: ['acknowledge-clock'] }, shows: ['pc-d', '34', '29', 'T8000', 'T8888'] },
  { entry: { ...base, discrepancyId: 'h', kind: 'never-closed', params: { attemptId: 'att-b', status: 'in-progress', latestEnd: 9999, devices: [{ deviceId: 'pc-b', lastSeq: 44 }] }, actions: ['score-as-held', 'annul'] }, shows: ['att-b', 'T9999', 'pc-b', '44'] },
];

/** `translate` for one language that fails the test when the key is missing from that language's own catalogue. */
function strictT(locale: Locale, used: Set<string>): Translate {
  return (key, params) => {
    used.add(key);
    expect(CATALOGUES[locale][key], `${locale} lacks ${key}`).toBeDefined();
    return translate(locale, key, params);
  };
}

describe('discrepancy wording', () => {
  it('has samples of all 8 kinds', () => {
    expect(new Set(SAMPLES.map((s) => s.entry.kind))).toEqual(new Set(DISCREPANCY_KINDS));
    expect(DISCREPANCY_KINDS).toHaveLength(8);
  });

  it.each(LOCALES)('words every kind in %s: explanation, evidence and clearing action, with its figures', (locale) => {
    const used = new Set<string>();
    for (const { entry, shows } of SAMPLES) {
      const text = discrepancyText(entry, strictT(locale, used), when);
      const all = [text.title, text.explanation, ...text.evidence, text.clear, ...text.actions.map((a) => a.label)].join('\n');
      expect(text.explanation, entry.discrepancyId).not.toBe(entry.explanation);
      expect(text.evidence.length, entry.discrepancyId).toBeGreaterThan(0);
      expect(text.clear.length, entry.discrepancyId).toBeGreaterThan(10);
      expect(text.actions.map((a) => a.value)).toEqual(entry.actions);
      for (const figure of shows) expect(all, `${locale} ${entry.discrepancyId}`).toContain(figure);
      // Nothing left unfilled, and no key shown in place of a text.
      expect(all, `${locale} ${entry.discrepancyId}`).not.toMatch(/\{\w[\w-]*\}|ce\.[a-z]/);
    }
    expect([...used].filter((key) => key.startsWith('ce.dx.')).length).toBeGreaterThanOrEqual(30);
  });

  it('reads differently in each language', () => {
    for (const { entry } of SAMPLES) {
      const [en, ru, kk] = LOCALES.map((locale) => discrepancyText(entry, (key, params) => translate(locale, key, params), when));
      expect(ru!.explanation, entry.discrepancyId).not.toBe(en!.explanation);
      expect(kk!.explanation, entry.discrepancyId).not.toBe(en!.explanation);
      expect(kk!.explanation, entry.discrepancyId).toMatch(/[әғқңөұүһі]/i);
      expect(ru!.clear, entry.discrepancyId).toMatch(/[а-яё]/i);
    }
  });

  it('chooses the Russian plural form by the count of attempts', () => {
    const entry = SAMPLES.find((s) => s.entry.kind === 'duplicate-attempts')!.entry;
    expect(discrepancyText(entry, (key, params) => translate('ru', key, params), when).explanation).toContain('2 попытки');
  });

  it('labels every clearing action in every language, naming the attempt kept', () => {
    for (const locale of LOCALES) {
      const t: Translate = (key, params) => translate(locale, key, params);
      for (const action of ['mark-absent', 'mark-left-before-start', 'accept-hub-score', 'ignore-late-answers', 'accept-late-answers', 'score-as-held', 'annul', 'acknowledge-conflict', 'acknowledge-clock']) {
        expect(CATALOGUES[locale][`ce.action.${action}`], `${locale} ${action}`).toBeDefined();
        expect(actionLabel(action, t)).not.toBe(action);
      }
      expect(actionLabel('keep:att-e1', t)).toContain('att-e1');
    }
    expect(actionLabel('some-new-action', (key) => key)).toBe('some-new-action');
  });

  it('falls back to the hub’s English explanation for an entry without figures', () => {
    const { params: _params, ...bare } = SAMPLES[0]!.entry;
    const text = discrepancyText(bare as Discrepancy, (key, params) => translate('kk', key, params), when);
    expect(text.explanation).toBe('English text from the hub');
    expect(text.evidence).toEqual([]);
  });

  it('words why an attempt is not complete', () => {
    const kk: Translate = (key, params) => translate('kk', key, params);
    expect(completenessCauseText({ code: 'not-closed', devices: [{ deviceId: 'pc-b', lastSeq: 3 }] }, kk)).toBe('Пункт жаппаған; соңғы алынған seq: pc-b 3');
    expect(completenessCauseText({ code: 'chain-short', devices: [{ deviceId: 'pc-a', verifiedUpTo: 4, lastSeq: 9 }] }, (key, params) => translate('en', key, params))).toContain('pc-a 4/9');
  });

  it('uses the same placeholders in kk, ru and en for every central text', () => {
    const placeholders = (m: unknown) => [...new Set([...JSON.stringify(m).matchAll(/\{(\w[\w-]*)\}/g)].map((x) => x[1]))].sort();
    for (const key of Object.keys(centralEn) as Array<keyof typeof centralEn>) {
      expect(placeholders(centralRu[key]), `ru ${key}`).toEqual(placeholders(centralEn[key]));
      expect(placeholders(centralKk[key]), `kk ${key}`).toEqual(placeholders(centralEn[key]));
    }
  });

  it('words every reason results cannot be published yet, in each language', () => {
    const noShow = SAMPLES[1]!.entry;
    const blockers = [
      { blocker: { code: 'open-discrepancy' as const, text: 'open discrepancy: …', discrepancyId: noShow.discrepancyId, kind: noShow.kind, params: noShow.params }, shows: ['900115300012', 'Әбілов Нұрлан'] },
      { blocker: { code: 'attempt-not-complete' as const, text: '…', attemptId: 'att-b', completeness: 'incomplete' as const, cause: { code: 'not-closed' as const, devices: [{ deviceId: 'pc-b', lastSeq: 3 }] } }, shows: ['att-b', 'pc-b 3'] },
      { blocker: { code: 'pending-marking' as const, text: '…', attemptId: 'att-m' }, shows: ['att-m'] },
      { blocker: { code: 'appeal-undecided' as const, text: '…', itemId: 'item-i3' }, shows: ['item-i3'] },
    ];
    for (const locale of LOCALES) {
      const used = new Set<string>();
      for (const { blocker, shows } of blockers) {
        const text = blockerText(blocker, strictT(locale, used), when);
        for (const figure of shows) expect(text, `${locale} ${blocker.code}`).toContain(figure);
        expect(text).not.toMatch(/\{\w[\w-]*\}|ce\.[a-z]|…/);
      }
    }
    expect(blockerText('an older hub’s reason', (key) => key, when)).toBe('an older hub’s reason');
  });
});
