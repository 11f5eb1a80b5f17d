/**
 * Where proctoring plugs into the candidate's attempt, without the candidate area
 * depending on how it is done (client/proctoring/ owns the face detector and the
 * browser monitors). A module registers hooks once; the attempt calls them:
 * - `takeIdentityPhoto` on the wait-for-start page, before the proctor authorises;
 * - `startMonitoring` when the exam screen opens, with a `record` that appends an event
 *   to the attempt (violations, monitor health); it returns a stop function, called
 *   when the attempt finishes or the page closes.
 */
import type { ExamPackage } from '../../sync/package';
import type { EventDraft } from '../db';

/** An event draft of the attempt, without its attemptId (filled in by the attempt). */
export type AttemptEventDraft = EventDraft extends infer Draft ? (Draft extends unknown ? Omit<Draft, 'attemptId'> : never) : never;

export interface AttemptHookContext {
  attemptId: string;
  /** Appends an event of this attempt to the device's chain. */
  record(draft: AttemptEventDraft): Promise<void>;
}

export interface AttemptHooks {
  takeIdentityPhoto?(context: AttemptHookContext): Promise<void>;
  startMonitoring?(context: AttemptHookContext & { examPackage: ExamPackage }): () => void;
}

const registered: AttemptHooks[] = [];

/** Registers proctoring hooks; returns a function that unregisters them. */
export function registerAttemptHooks(hooks: AttemptHooks): () => void {
  registered.push(hooks);
  return () => {
    const index = registered.indexOf(hooks);
    if (index >= 0) registered.splice(index, 1);
  };
}

/** Runs every registered identity-photo hook in turn. */
export async function takeIdentityPhotos(context: AttemptHookContext): Promise<void> {
  for (const hooks of registered) await hooks.takeIdentityPhoto?.(context);
}

/** Starts every registered monitor; the returned function stops them all. */
export function startMonitors(context: AttemptHookContext & { examPackage: ExamPackage }): () => void {
  const stops = registered.map((hooks) => hooks.startMonitoring?.(context)).filter((stop): stop is () => void => typeof stop === 'function');
  return () => stops.forEach((stop) => stop());
}
