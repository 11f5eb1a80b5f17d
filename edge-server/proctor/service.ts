/**
 * The proctor side of the venue in one object: sign-in, the rooms a proctor may touch,
 * the derived room view, photos and evidence for the identity check and the violation
 * feed, and the ingest hook that applies proctor decisions as the venue's timer events
 * in the same transaction as the tablet's push.
 */
import type { ChainedEvent } from '../../sync/events';
import { LoginLimiter } from '../../sync/login-limiter';
import type { RosterCandidate, Session } from '../../sync/roster';
import { SealError, unwrapKeyWithReleaseCode } from '../../sync/seal';
import type { VenueStore } from '../db/store';
import { ApiError } from '../errors';
import type { DeviceIngest, IngestContext } from '../services/device-ingest';
import { ProctorAuth, type ProctorIdentity } from './auth';
import { attemptIdFor, CLOCK_PROCTOR_TYPES, VenueClockWriter } from './clock';
import { PackageCache } from './package-cache';
import { ProctorRepository } from './repo';
import { roomClosureOf, ROOM_CLOSED, type RoomClosure } from './room-closure';
import { deriveRoomView, type HubSyncView, type RoomView } from './room-state';

/** Wrong release codes allowed per session and client address in one window. */
export const RELEASE_MAX_FAILURES = 5;
export const RELEASE_WINDOW_MS = 15 * 60_000;
/** A heartbeat is written at most this often per device; far below NOT_HEARD_FROM_AFTER_MS. */
export const CONTACT_WRITE_EVERY_MS = 5_000;

export interface ProctorServiceOptions {
  store: VenueStore;
  ingest: DeviceIngest;
  now?: () => number;
}

export class ProctorService {
  readonly repo: ProctorRepository;
  readonly auth: ProctorAuth;
  readonly #store: VenueStore;
  readonly #ingest: DeviceIngest;
  readonly #now: () => number;
  readonly #packages: PackageCache;
  readonly #clock: VenueClockWriter;
  /** Wrong release codes per session and client address, kept in the venue database. */
  readonly #releaseLimiter: LoginLimiter;
  /** The latest view of each room, shared by every tablet streaming it while the log has not moved. */
  readonly #views = new Map<string, { view: RoomView; builtAt: number }>();
  /** When each device's heartbeat contact was last written (see {@link noteContact}). */
  readonly #contactWrittenAt = new Map<string, number>();

  constructor(options: ProctorServiceOptions) {
    this.#store = options.store;
    this.#ingest = options.ingest;
    this.#now = options.now ?? Date.now;
    this.repo = new ProctorRepository(options.store.db);
    this.auth = new ProctorAuth(this.repo, this.#now);
    this.#packages = new PackageCache(options.store);
    this.#clock = new VenueClockWriter(options.store, this.repo, this.#packages);
    this.#releaseLimiter = new LoginLimiter({ windowMs: RELEASE_WINDOW_MS, store: this.repo.loginFailures });
    this.#ingest.onIngested((appended, context) => this.#onIngested(appended, context));
  }

  /** Throws 403 unless the proctor is assigned to the room; returns the session. */
  assertAssigned(identity: ProctorIdentity, sessionId: string, roomId: string): Session {
    const isAssigned = identity.rooms.some((room) => room.sessionId === sessionId && room.roomId === roomId);
    if (!isAssigned) throw new ApiError(403, 'not-your-room', 'This room is not assigned to you.');
    const session = this.repo.sessions().find((s) => s.sessionId === sessionId);
    if (!session) throw new ApiError(404, 'no-session', 'The session is no longer held at this venue.');
    return session;
  }

  /** Tablets signed in by a proctor assigned to this room: only their `proctor.*` events count for it. */
  trustedTablets(session: Session, roomId: string): Set<string> {
    const proctors = new Set(session.proctors.filter((p) => p.roomIds.includes(roomId)).map((p) => p.username));
    return new Set(this.repo.tabletBindings().filter((b) => proctors.has(b.username)).map((b) => b.deviceId));
  }

  /**
   * Where the room was closed (the venue seq of its closure), or null while it is open.
   * Read inside an ingest transaction it sees that transaction's own events too.
   */
  roomClosure(session: Session, roomId: string, trusted: ReadonlySet<string> = this.trustedTablets(session, roomId)): RoomClosure {
    return roomClosureOf(this.repo.roomClosures(), session.sessionId, roomId, trusted);
  }

  /** Throws 409 `room-closed` once the room is closed: a closed room takes no further action. */
  assertOpen(session: Session, roomId: string): void {
    if (this.roomClosure(session, roomId) !== null) throw new ApiError(409, ROOM_CLOSED, 'This room is closed; it takes no further actions.');
  }

  /** The room as the tablet shows it, after the venue has authored any clock events now due. */
  roomView(session: Session, roomId: string): RoomView {
    const trusted = this.trustedTablets(session, roomId);
    this.#authorDue(session, roomId, trusted);
    const now = this.#now();
    const venueChain = this.#clock.venueChain();
    return deriveRoomView({
      session, roomId, venueDeviceId: venueChain?.deviceId ?? null, trustedTablets: trusted,
      attemptLog: (attemptId) => this.repo.committedAttemptLog(attemptId),
      roomEvents: this.repo.roomEvents(),
      lastContact: (attemptId, devices) => {
        const pc = this.repo.candidateDevice(attemptId);
        const times = [...new Set([...(pc ? [pc] : []), ...devices])].map((d) => this.repo.lastContact(d)).filter((t): t is number => t !== undefined);
        return times.length > 0 ? Math.max(...times) : null;
      },
      itemCount: this.#packages.itemCount(session.sessionId),
      isReleased: this.#store.downlink.releasedKey(session.sessionId) !== undefined,
      hubSync: this.hubSync(),
      venueSeq: this.repo.lastVenueSeq(),
      now,
    });
  }

  /** The room's view, reused for up to `maxAgeMs` while the venue log has not moved (the streams' path). */
  sharedRoomView(session: Session, roomId: string, maxAgeMs = 1000): RoomView {
    const key = `${session.sessionId}/${roomId}`;
    const held = this.#views.get(key);
    if (held && held.view.venueSeq === this.repo.lastVenueSeq() && this.#now() - held.builtAt < maxAgeMs) return held.view;
    const view = this.roomView(session, roomId);
    this.#views.set(key, { view, builtAt: this.#now() });
    return view;
  }

  /**
   * Opens the session with the release code a proctor typed (the hub being out of reach):
   * the code unwraps the session key that came wrapped with the package. Wrong codes are
   * rate-limited per session and client address. A session already released stays as it is.
   */
  async releaseWithCode(session: Session, code: string, clientAddress: string): Promise<void> {
    const sealed = this.#store.downlink.sealedPackage(session.sessionId);
    if (!sealed) throw new ApiError(409, 'no-package', 'The exam package has not reached this venue yet.');
    if (this.#store.downlink.releasedKey(session.sessionId)) return;
    const rules = [{ key: `release|${session.sessionId}|${clientAddress}`, maxFailures: RELEASE_MAX_FAILURES }];
    const now = this.#now();
    if (this.#releaseLimiter.check(rules, now).isLimited) throw new ApiError(429, 'too-many-attempts', 'Too many wrong release codes. Try again later.');
    try {
      const sessionKey = await unwrapKeyWithReleaseCode(sealed.keyWrappedByReleaseCode, code);
      this.repo.releaseByCode(session.sessionId, sessionKey, this.#now());
      this.#releaseLimiter.recordSuccess(rules[0]!.key);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      this.#releaseLimiter.recordFailure(rules, now);
      throw new ApiError(400, 'bad-release-code', 'The release code is wrong.');
    }
  }

  /** The venue's progress toward the hub, as the close-room checklist shows it. */
  hubSync(): HubSyncView {
    const uplink = this.#store.uplink.get();
    return {
      isConfigured: Boolean(this.#store.config.get()?.hubUrl),
      pendingEvents: Math.max(0, this.repo.lastVenueSeq() - uplink.ackedVenueSeq),
      lastSuccessAt: uplink.lastSuccessAt,
      lastError: uplink.lastError,
    };
  }

  /**
   * Records that a device was heard from now (for "not heard from"); pushes record it by
   * themselves. A PC's reads and stream ticks come every second or so: one write per
   * device every few seconds is enough for a threshold of a minute, and spares the disk.
   */
  noteContact(deviceId: string): void {
    const now = this.#now();
    const written = this.#contactWrittenAt.get(deviceId);
    if (written !== undefined && now - written < CONTACT_WRITE_EVERY_MS) return;
    this.repo.touchDevice(deviceId, now);
    this.#contactWrittenAt.set(deviceId, now);
  }

  lastVenueSeq(): number {
    return this.repo.lastVenueSeq();
  }

  /** The roster photo and the PC's latest identity photo of a candidate in the room. */
  photos(session: Session, roomId: string, candidateId: string): { rosterPhoto: string | null; identityPhoto: string | null } {
    const candidate = this.#candidateInRoom(session, roomId, candidateId);
    const log = this.repo.attemptLog(attemptIdFor(session.sessionId, candidateId));
    const photo = log.map((e) => e.body).filter((b) => b.type === 'identity.photo').at(-1);
    return { rosterPhoto: candidate.photo ?? null, identityPhoto: photo?.type === 'identity.photo' ? photo.data.photo : null };
  }

  /** A violation's evidence thumbnail, for a candidate in the room. */
  evidence(session: Session, roomId: string, candidateId: string, violationId: string): string {
    this.#candidateInRoom(session, roomId, candidateId);
    const log = this.repo.attemptLog(attemptIdFor(session.sessionId, candidateId));
    const started = log.map((e) => e.body).find((b) => b.type === 'violation.started' && b.data.violationId === violationId);
    if (started?.type !== 'violation.started' || !started.data.evidence) throw new ApiError(404, 'no-evidence', 'This violation has no evidence thumbnail.');
    return started.data.evidence;
  }

  #candidateInRoom(session: Session, roomId: string, candidateId: string): RosterCandidate {
    const candidate = session.candidates.find((c) => c.candidateId === candidateId && c.roomId === roomId);
    if (!candidate) throw new ApiError(404, 'not-in-room', 'No such candidate in this room.');
    return candidate;
  }

  /** Clock events that became due by time alone (a release, a deadline): pushed through the ordinary ingest. */
  #authorDue(session: Session, roomId: string, trusted: ReadonlySet<string>): void {
    const now = this.#now();
    const closure = this.roomClosure(session, roomId, trusted);
    for (const candidate of session.candidates.filter((c) => c.roomId === roomId)) {
      const held = this.repo.committedAttemptLog(attemptIdFor(session.sessionId, candidate.candidateId));
      const due = this.#clock.dueChain(session, candidate, trusted, now, closure, held);
      if (due.length === 0) continue;
      try {
        this.#ingest.push({ deviceId: due[0]!.deviceId, epoch: due[0]!.epoch, events: due });
      } catch (error) {
        // The room must still show: the events stay due and are authored at the next read.
        console.error(`[proctor] could not author the venue's clock events for ${due[0]!.attemptId}`, error);
      }
    }
  }

  /**
   * Runs inside every accepted push's transaction: records the contact, and for each
   * attempt touched by a proctor decision or the candidate's finish, appends the venue's
   * clock events now due, in the same transaction (so the tablet's receipt implies them).
   */
  #onIngested(appended: readonly ChainedEvent[], context: IngestContext): void {
    this.repo.touchDevice(context.deviceId, context.receivedAt);
    const attemptIds = new Set(appended.filter((e) => e.attemptId && (CLOCK_PROCTOR_TYPES.has(e.type) || e.type === 'attempt.finished')).map((e) => e.attemptId!));
    if (attemptIds.size === 0) return;
    const sessions = this.repo.sessions();
    for (const attemptId of attemptIds) {
      const found = this.#findAttempt(sessions, attemptId);
      if (!found) continue;
      const trusted = this.trustedTablets(found.session, found.candidate.roomId);
      const closure = this.roomClosure(found.session, found.candidate.roomId, trusted);
      const due = this.#clock.dueChain(found.session, found.candidate, trusted, context.receivedAt, closure);
      context.appendChain(due);
    }
  }

  #findAttempt(sessions: readonly Session[], attemptId: string): { session: Session; candidate: RosterCandidate } | undefined {
    for (const session of sessions) {
      if (!attemptId.startsWith(`${session.sessionId}.`)) continue;
      const candidate = session.candidates.find((c) => attemptIdFor(session.sessionId, c.candidateId) === attemptId);
      if (candidate) return { session, candidate };
    }
    return undefined;
  }
}

const services = new WeakMap<DeviceIngest, ProctorService>();

/** The proctor service of this venue: one per ingest, so its hook is installed exactly once. */
export function proctorService(deps: { store: VenueStore; ingest: DeviceIngest }): ProctorService {
  let service = services.get(deps.ingest);
  if (!service) services.set(deps.ingest, (service = new ProctorService({ store: deps.store, ingest: deps.ingest })));
  return service;
}
