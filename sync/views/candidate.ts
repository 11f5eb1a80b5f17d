/**
 * The JSON shapes the venue sends to the candidate's PC: who is signed in, the attempt to
 * resume from, the analysis card and the live stream. The venue derives them
 * (edge-server/candidate/service.ts) and the PWA reads them (client/candidate/api.ts);
 * both import them from here so the two sides cannot drift apart.
 */
import type { AnswerValue } from '../events';
import type { AttemptStatus, HeldAnswer } from '../fold';
import type { TimerSnapshot } from '../messages';
import type { AttemptScore } from '../scoring';
import type { SealedFields } from '../seal';

/** What the candidate sees of themselves, to confirm their personal data. */
export interface CandidateProfile {
  candidateId: string;
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  /** The exam's content language, from the roster. */
  language: 'kk' | 'ru';
  sessionId: string;
  attemptId: string;
  roomId: string;
  roomName: string | null;
  seatId: string;
  seatLabel: string | null;
  deviceId: string;
  startsAt: number;
}

/** The venue's view of an attempt, for a device to resume from. */
export interface AttemptView {
  attemptId: string;
  status: AttemptStatus;
  isKeyReleased: boolean;
  timer: TimerSnapshot;
  answers: Record<string, HeldAnswer>;
  flaggedItemIds: string[];
  audioPlays: Record<string, number>;
  appealIds: string[];
  finishedAt: number | null;
}

/** The exam package as the PC caches it: still sealed, with what it belongs to. */
export type SealedPackageView = SealedFields & { sessionId: string; examId: string; examVersion: number };

/**
 * The analysis card, or why it is not shown. `isAnnulled`: the candidate was removed with
 * an act, so whatever the card shows, the result does not stand (DOMAIN.md, "Exam day").
 */
export type AttemptResult =
  | { withheld: false; isAnnulled: boolean; score: AttemptScore; answers: Record<string, AnswerValue>; finishedAt: number; appealDeadline: number; now: number }
  | { withheld: true; isAnnulled: boolean; reason: 'policy' | 'not-scored'; finishedAt: number | null; appealDeadline: number | null; now: number };

/** What the attempt stream reports on every change and every few seconds. */
export interface AttemptStreamUpdate {
  status: AttemptStatus;
  isKeyReleased: boolean;
  timer: TimerSnapshot;
}
