/**
 * The venue's application of proctor decisions. A `proctor.authorise/pause/resume/extend/remove`
 * from a tablet signed in by a proctor of the attempt's room makes the venue author the
 * matching `timer.*` / `attempt.closed` events in its own chain (`venue-<venueId>`), on its
 * own clock. The decision itself is candidate/venue-clock.ts `venueClockEvents`, the same
 * one the candidate routes use, so whichever side authors first, the other finds its events
 * already there: both compute the same events from the same received log.
 *
 * Invariant: what is due is a function of the received events (with their venue receive
 * times) and `now` only, and only grows; we append just the part beyond what the venue's
 * chain already holds for the attempt, and never anything if the held part disagrees.
 */
import { chainEvent, GENESIS_HASH } from '../../sync/chain';
import type { ChainedEvent, EventBody } from '../../sync/events';
import type { RosterCandidate, Session } from '../../sync/roster';
import { venueClockEvents } from '../candidate/venue-clock';
import type { VenueStore } from '../db/store';
import type { PackageCache } from './package-cache';
import type { LogEntry, ProctorRepository } from './repo';
import { isAppliedDecision, type RoomClosure } from './room-closure';

/** The proctor events the venue turns into timer events. */
export const CLOCK_PROCTOR_TYPES: ReadonlySet<string> = new Set(['proctor.authorise', 'proctor.pause', 'proctor.resume', 'proctor.extend', 'proctor.remove']);

/** One attempt per candidate per session (the same id the candidate routes use). */
export function attemptIdFor(sessionId: string, candidateId: string): string {
  return `${sessionId}.${candidateId}`;
}

/** The venue's own device id in the event log. */
export function venueDeviceId(venueId: string): string {
  return `venue-${venueId}`;
}

/** Keeps a received event unless it is a proctor decision from a device not trusted for the room. */
export function isTrustedEvent(entry: Pick<LogEntry, 'deviceId' | 'body'>, trustedTablets: ReadonlySet<string>): boolean {
  return !entry.body.type.startsWith('proctor.') || trustedTablets.has(entry.deviceId);
}

export interface VenueChain {
  deviceId: string;
  epoch: number;
}

export class VenueClockWriter {
  readonly #store: VenueStore;
  readonly #repo: ProctorRepository;
  readonly #packages: PackageCache;

  constructor(store: VenueStore, repo: ProctorRepository, packages: PackageCache) {
    this.#store = store;
    this.#repo = repo;
    this.#packages = packages;
  }

  /** The venue's own chain, once the venue has an identity. */
  venueChain(): VenueChain | undefined {
    const identity = this.#repo.venueIdentity();
    return identity ? { deviceId: venueDeviceId(identity.venueId), epoch: identity.createdAt } : undefined;
  }

  /**
   * The venue events now due for one attempt, chained after the venue's held head, or an
   * empty list. Nothing awaits between reading the head and the caller appending them.
   * Decisions received after the room's `closure` do not count (room-closure.ts).
   */
  dueChain(session: Session, candidate: RosterCandidate, trustedTablets: ReadonlySet<string>, now: number, closure: RoomClosure, held?: readonly LogEntry[]): ChainedEvent[] {
    const chain = this.venueChain();
    if (!chain) return [];
    const attemptId = attemptIdFor(session.sessionId, candidate.candidateId);
    const log = held ?? this.#repo.attemptLog(attemptId);
    const received = log
      .filter((entry) => entry.deviceId !== chain.deviceId && isAppliedDecision(entry, trustedTablets, closure))
      .map((entry) => ({ body: entry.body, receivedAt: entry.receivedAt }));
    const authored = log.filter((entry) => entry.deviceId === chain.deviceId).map((entry) => entry.body);
    const released = this.#store.downlink.releasedKey(session.sessionId);
    const durationMs = released ? this.#packages.durationMs(session.sessionId, candidate.accommodations) : null;
    const due = venueClockEvents({ received, durationMs, releasedAt: released?.releasedAt ?? null, now });
    const isPrefix = authored.every((event, index) => due[index]?.type === event.type && due[index]?.at === event.at);
    if (!isPrefix) {
      console.error(`[proctor] the venue's clock events for ${attemptId} disagree with what it would author now; nothing authored`);
      return [];
    }
    if (due.length <= authored.length) return [];
    const head = this.#store.log.head(chain.deviceId, chain.epoch) ?? { ackedSeq: 0, ackedHash: GENESIS_HASH };
    let prevHash = head.ackedHash;
    return due.slice(authored.length).map((event, index) => {
      const body = { deviceId: chain.deviceId, epoch: chain.epoch, seq: head.ackedSeq + index + 1, at: event.at, attemptId, type: event.type, data: event.data } as EventBody;
      const chained = chainEvent(prevHash, body);
      prevHash = chained.hash;
      return chained;
    });
  }
}
