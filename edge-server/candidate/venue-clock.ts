/**
 * The venue is the clock authority: from the proctor's commands and the candidate's
 * finish it decides, on its own clock, when an attempt's timer starts, pauses, resumes,
 * is extended and when the attempt closes. This file is the pure decision: given the
 * attempt's events as the venue received them, the events the venue must have authored.
 *
 * Invariant: the answer depends only on the received events, their venue receive times
 * and `now`, and only grows as events arrive or time passes. So the venue can recompute
 * it at any moment and append just the part beyond what it already authored; running it
 * twice never authors an event twice.
 */
import type { TimerSnapshot } from '../../sync/messages';
import type { EventBody } from '../../sync/events';

/** One received event of the attempt (not the venue's own), with the venue's receive time. */
export interface ReceivedEvent {
  body: EventBody;
  receivedAt: number;
}

/** A venue-authored event, before it is chained. */
export type ClockEvent =
  | { type: 'timer.started'; at: number; data: { durationMs: number } }
  | { type: 'timer.paused'; at: number; data: Record<string, never> }
  | { type: 'timer.resumed'; at: number; data: Record<string, never> }
  | { type: 'timer.extended'; at: number; data: { extraMs: number; reason: string } }
  | { type: 'attempt.closed'; at: number; data: { reason: 'finished' | 'time-up' | 'removed' } };

export interface ClockInput {
  /** The attempt's received events, not the venue's own, in venue order. */
  received: readonly ReceivedEvent[];
  /** The candidate's time (exam duration plus accommodations), once the package is open. */
  durationMs: number | null;
  /** When the session key was released at this venue; the timer cannot start before. */
  releasedAt: number | null;
  now: number;
}

/** Every event the venue must have authored for this attempt by `now`, in order. */
export function venueClockEvents(input: ClockInput): ClockEvent[] {
  const out: ClockEvent[] = [];
  const authorisedAt = input.received.find((event) => event.body.type === 'proctor.authorise')?.receivedAt;
  const removedAt = input.received.find((event) => event.body.type === 'proctor.remove')?.receivedAt;
  const startsAt = authorisedAt === undefined || input.releasedAt === null ? null : Math.max(authorisedAt, input.releasedAt);
  // A removal before the timer could start closes the attempt with no timer at all. This
  // only grows: a start not known yet can only come later than the removal (a release
  // time is the venue's time of release, so a release still to come is later than now).
  if (removedAt !== undefined && (startsAt === null || removedAt < startsAt)) {
    out.push({ type: 'attempt.closed', at: removedAt, data: { reason: 'removed' } });
    return out;
  }
  if (startsAt === null || input.durationMs === null) return out;
  const startedAt = startsAt;
  out.push({ type: 'timer.started', at: startedAt, data: { durationMs: input.durationMs } });
  let deadline = startedAt + input.durationMs;
  let pausedSince: number | null = null;
  for (const { body, receivedAt } of input.received) {
    const at = Math.max(receivedAt, startedAt);
    if (pausedSince === null && at > deadline) break; // time ran out before this event
    switch (body.type) {
      case 'proctor.pause':
        if (pausedSince === null) {
          pausedSince = at;
          out.push({ type: 'timer.paused', at, data: {} });
        }
        break;
      case 'proctor.resume':
        if (pausedSince !== null) {
          deadline += at - pausedSince;
          pausedSince = null;
          out.push({ type: 'timer.resumed', at, data: {} });
        }
        break;
      case 'proctor.extend': {
        const extraMs = body.data.minutes * 60_000;
        deadline += extraMs;
        out.push({ type: 'timer.extended', at, data: { extraMs, reason: body.data.reason } });
        break;
      }
      case 'proctor.remove':
        out.push({ type: 'attempt.closed', at, data: { reason: 'removed' } });
        return out;
      case 'attempt.finished':
        out.push({ type: 'attempt.closed', at, data: { reason: body.data.reason === 'time-up' ? 'time-up' : 'finished' } });
        return out;
      default:
        break;
    }
  }
  if (pausedSince === null && input.now > deadline) out.push({ type: 'attempt.closed', at: deadline, data: { reason: 'time-up' } });
  return out;
}

/** The venue's timer as a device needs it to count down on its own. */
/** The venue's timer snapshot; its shape is the shared `TimerSnapshot` in sync/messages.ts. */
export type { TimerSnapshot };

/** The timer of an attempt from the events the venue authored (see {@link venueClockEvents}). */
export function timerSnapshot(authored: readonly Pick<ClockEvent, 'type' | 'at' | 'data'>[], now: number): TimerSnapshot {
  let deadline: number | null = null;
  let pausedSince: number | null = null;
  let isEnded = false;
  for (const event of authored) {
    if (event.type === 'timer.started' && deadline === null) deadline = event.at + (event.data as { durationMs: number }).durationMs;
    else if (deadline === null) continue;
    else if (event.type === 'timer.paused' && pausedSince === null) pausedSince = event.at;
    else if (event.type === 'timer.resumed' && pausedSince !== null) {
      deadline += event.at - pausedSince;
      pausedSince = null;
    } else if (event.type === 'timer.extended') deadline += (event.data as { extraMs: number }).extraMs;
    else if (event.type === 'attempt.closed') isEnded = true;
  }
  if (deadline === null) return { state: 'not-started', remainingMs: null, deadline: null, now };
  if (isEnded) return { state: 'ended', remainingMs: 0, deadline, now };
  if (pausedSince !== null) return { state: 'paused', remainingMs: Math.max(0, deadline - pausedSince), deadline: deadline + (now - pausedSince), now };
  return { state: now >= deadline ? 'ended' : 'running', remainingMs: Math.max(0, deadline - now), deadline, now };
}
