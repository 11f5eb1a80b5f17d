/**
 * The credibility score of an attempt, for the violation review: 100 minus a penalty per
 * violation, weighted per exam by violation type (the package's `proctoring.weights`,
 * points per minute) and by duration. A violation the proctor dismissed costs nothing; one
 * the proctor confirmed costs half as much again. A still-open violation runs to the
 * attempt's end. Instant signals (a hotkey) count as a tenth of a minute.
 */
import type { AttemptState } from '../../sync/fold';
import type { ProctoringPolicy } from '../../sync/package';

export interface CredibilityPart {
  violationId: string;
  kind: string;
  minutes: number;
  weight: number;
  review: 'confirmed' | 'dismissed' | null;
  penalty: number;
}

export interface Credibility {
  score: number;
  parts: CredibilityPart[];
}

const MIN_MINUTES = 0.1;
const CONFIRMED_FACTOR = 1.5;
const DEFAULT_WEIGHT = 1;

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Scores an attempt's violations under the exam's weights. */
export function credibilityOf(state: AttemptState, weights: ProctoringPolicy['weights']): Credibility {
  const end = state.finishedAt ?? state.timer.deadline ?? null;
  const parts = state.violations.map((violation) => {
    const durationMs = violation.durationMs ?? (end !== null ? Math.max(0, end - violation.startedAt) : 0);
    const minutes = Math.max(MIN_MINUTES, durationMs / 60_000);
    const weight = weights[violation.kind] ?? DEFAULT_WEIGHT;
    const factor = violation.review === 'dismissed' ? 0 : violation.review === 'confirmed' ? CONFIRMED_FACTOR : 1;
    return { violationId: violation.violationId, kind: violation.kind, minutes: round2(minutes), weight, review: violation.review, penalty: round2(minutes * weight * factor) };
  });
  const penalty = parts.reduce((sum, part) => sum + part.penalty, 0);
  return { score: round2(Math.max(0, 100 - penalty)), parts };
}
