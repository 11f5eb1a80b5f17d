/** The shape the demo's item banks are written in, before options are shuffled and numbered. */
import type { Bilingual } from '../../../sync/package';

/** A single-answer question: its stem, the right option and three plausible wrong ones. */
export interface ChoiceQuestion {
  stem: Bilingual;
  correct: Bilingual;
  distractors: readonly [Bilingual, Bilingual, Bilingual];
}

/** A text with its Kazakh and Russian versions. */
export function bi(kk: string, ru: string): Bilingual {
  return { kk, ru };
}

/** A text that reads the same in both versions (a number, a date, a Kazakh word under test). */
export function same(text: string): Bilingual {
  return { kk: text, ru: text };
}

/** Options that read the same in both versions. */
export function sameAll(correct: string, ...distractors: [string, string, string]): Pick<ChoiceQuestion, 'correct' | 'distractors'> {
  return { correct: same(correct), distractors: [same(distractors[0]), same(distractors[1]), same(distractors[2])] };
}

/** Groups digits by thousands with a space, as both languages write sums of money: 150 000. */
export function formatNumber(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
