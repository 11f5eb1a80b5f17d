/**
 * Scoring: an attempt's folded state against the package and its answer key. The venue
 * scores for the analysis card, the hub for published results; both call this.
 * Pass marks come from the package, never from code.
 */
import type { AttemptState } from './fold';
import { itemsOf, type AnswerKey, type ExamPackage, type ItemKey, type PartialCredit } from './package';

/** What an appeals decision changes: items voided (everyone gets full points) and keys corrected. */
export interface ScoringOverrides {
  voidedItemIds?: readonly string[];
  correctedKeys?: Readonly<Record<string, ItemKey>>;
  /** Score answers written after the deadline as unanswered (a reconciliation decision; default false). */
  isLateAnswerIgnored?: boolean;
}

/** How one item was scored. */
export type ItemScoreStatus = 'correct' | 'partial' | 'incorrect' | 'unanswered' | 'pending' | 'marked' | 'voided';

/** One item's score. */
export interface ItemScore {
  itemId: string;
  blockId: string;
  points: number;
  max: number;
  status: ItemScoreStatus;
}

/** One block's score against its pass mark. */
export interface BlockScore {
  blockId: string;
  points: number;
  max: number;
  passMark: number;
  isPassed: boolean;
}

/** The attempt's result. `isPassed` needs the total and every block pass mark; it is provisional while `hasPendingMarking`. */
export interface AttemptScore {
  items: ItemScore[];
  blocks: BlockScore[];
  total: number;
  totalMax: number;
  totalPassMark: number;
  isPassed: boolean;
  hasPendingMarking: boolean;
  /** A removed candidate's results are annulled: points are kept for the record, but never a pass. */
  isAnnulled: boolean;
}

/** Rounds away binary float noise, so the same events give byte-identical scores on every tier. */
const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Points for a multiple-answer item.
 * - `all-or-nothing`: full points only for exactly the correct set.
 * - `proportional`: points × right chosen / correct count, and nothing if any wrong option is chosen.
 * - `right-minus-wrong`: points × max(0, right chosen − wrong chosen) / correct count.
 */
export function multipleChoicePoints(rule: PartialCredit, chosen: readonly string[], correct: readonly string[], max: number): number {
  const correctSet = new Set(correct);
  const chosenSet = new Set(chosen);
  let right = 0;
  for (const id of chosenSet) if (correctSet.has(id)) right++;
  const wrong = chosenSet.size - right;
  switch (rule) {
    case 'all-or-nothing':
      return right === correctSet.size && wrong === 0 ? max : 0;
    case 'proportional':
      return wrong > 0 ? 0 : round((max * right) / correctSet.size);
    case 'right-minus-wrong':
      return round((max * Math.max(0, right - wrong)) / correctSet.size);
  }
}

function statusOf(points: number, max: number): ItemScoreStatus {
  if (points >= max) return 'correct';
  return points > 0 ? 'partial' : 'incorrect';
}

/**
 * Scores an attempt. Single-answer items accept any option the (possibly corrected) key
 * lists as correct; multiple-answer items follow the package's partial-credit rule; open
 * items are `pending` until a mark event arrives (marks above the maximum are capped).
 * Throws a RangeError if the key lacks an item, since a silent zero would be a wrong result.
 */
export function scoreAttempt(state: AttemptState, examPackage: ExamPackage, answerKey: AnswerKey, overrides: ScoringOverrides = {}): AttemptScore {
  const voided = new Set(overrides.voidedItemIds ?? []);
  const items: ItemScore[] = itemsOf(examPackage).map((item) => {
    const base = { itemId: item.itemId, blockId: item.blockId, max: item.points };
    if (voided.has(item.itemId)) return { ...base, points: item.points, status: 'voided' };
    const key = overrides.correctedKeys?.[item.itemId] ?? answerKey.items[item.itemId];
    if (!key) throw new RangeError(`scoring: the answer key has no entry for item ${item.itemId}`);
    const held = state.answers[item.itemId];
    const answer = held && !(overrides.isLateAnswerIgnored && held.isLate) ? held.value : undefined;
    if (item.type === 'open') {
      const mark = state.marks[item.itemId];
      if (mark) return { ...base, points: round(Math.min(mark.points, item.points)), status: 'marked' };
      const hasText = answer !== undefined && 'text' in answer && answer.text.trim() !== '';
      return { ...base, points: 0, status: hasText ? 'pending' : 'unanswered' };
    }
    if (!answer || !('optionIds' in answer)) return { ...base, points: 0, status: 'unanswered' };
    if (!('correctOptionIds' in key)) throw new RangeError(`scoring: item ${item.itemId} is a choice item but its key has no correct options`);
    if (item.type === 'single') {
      const [only, ...rest] = answer.optionIds;
      const points = only !== undefined && rest.length === 0 && key.correctOptionIds.includes(only) ? item.points : 0;
      return { ...base, points, status: statusOf(points, item.points) };
    }
    const points = multipleChoicePoints(item.partialCredit, answer.optionIds, key.correctOptionIds, item.points);
    return { ...base, points, status: statusOf(points, item.points) };
  });
  const blocks: BlockScore[] = examPackage.blocks.map((block) => {
    const own = items.filter((item) => item.blockId === block.blockId);
    const points = round(own.reduce((sum, item) => sum + item.points, 0));
    return { blockId: block.blockId, points, max: round(own.reduce((sum, item) => sum + item.max, 0)), passMark: block.passMark, isPassed: points >= block.passMark };
  });
  const total = round(blocks.reduce((sum, block) => sum + block.points, 0));
  const totalMax = round(blocks.reduce((sum, block) => sum + block.max, 0));
  const pass = examPackage.totalPassMark;
  const totalPassMark = 'points' in pass ? pass.points : round((totalMax * pass.percent) / 100);
  const isAnnulled = state.status === 'removed';
  return {
    items,
    blocks,
    total,
    totalMax,
    totalPassMark,
    isPassed: !isAnnulled && total >= totalPassMark && blocks.every((block) => block.isPassed),
    hasPendingMarking: items.some((item) => item.status === 'pending'),
    isAnnulled,
  };
}
