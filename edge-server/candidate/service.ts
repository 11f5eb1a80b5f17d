/**
 * The candidate's verbs at the venue: sign in, read the sealed package, get the session
 * key once the proctor has authorised the start, read the venue's fold of the attempt
 * (so an attempt resumes on any PC with the right time left) and the analysis card.
 *
 * The venue is the clock authority: `reconcile` authors the attempt's `timer.*` and
 * `attempt.closed` events in the venue's own chain (`venue-<venueId>`), decided by
 * venue-clock.ts from what the venue received, through the same ingest as every device.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chainEvent } from '../../sync/chain';
import type { EventBody } from '../../sync/events';
import { foldAttempt, type AttemptState } from '../../sync/fold';
import { LoginLimiter } from '../../sync/login-limiter';
import { validateIin } from '../../sync/iin';
import { ExamPackage, type AnswerKey } from '../../sync/package';
import type { RosterCandidate, Session } from '../../sync/roster';
import { scoreAttempt } from '../../sync/scoring';
import { openPackage } from '../../sync/seal';
import { CandidateRepository, type CandidateSessionRow } from '../db/candidate-repo';
import type { VenueStore } from '../db/store';
import { ApiError } from '../errors';
import { isAppliedDecision, isRefusedByClosure, type RoomClosure } from '../proctor/room-closure';
import type { DeviceIngest } from '../services/device-ingest';
import { verifyAccessCode } from './access-code';
import { timerSnapshot, venueClockEvents, type ClockEvent } from './venue-clock';
import type { AttemptResult, AttemptView, CandidateProfile } from '../../sync/views/candidate';

/** Failed sign-ins allowed per client address and IIN in one window. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** One attempt per candidate per session: any PC the candidate signs in on continues it. */
export function attemptIdFor(sessionId: string, candidateId: string): string {
  return `${sessionId}.${candidateId}`;
}

/** The venue's own device id in the event log. */
export function venueDeviceId(venueId: string): string {
  return `venue-${venueId}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export type { AttemptResult, AttemptView, CandidateProfile };

export interface CandidateServiceOptions {
  store: VenueStore;
  ingest: DeviceIngest;
  now?: () => number;
  /** The answer key of a session's exam, where the venue holds one; without it no card can be scored. */
  answerKeyFor?: (sessionId: string) => AnswerKey | undefined;
  /**
   * The tablets whose `proctor.*` events count for a room (signed in by a proctor of that
   * room). Without it no proctor decision counts. The proctor side of the venue decides
   * the same way (proctor/clock.ts), so both author the same clock events.
   */
  trustedTablets?: (session: Session, roomId: string) => ReadonlySet<string>;
  /** Where a room was closed: decisions received after it do not count (proctor/room-closure.ts). Without it no room is closed. */
  roomClosure?: (session: Session, roomId: string) => RoomClosure;
}

export class CandidateService {
  readonly #store: VenueStore;
  readonly #ingest: DeviceIngest;
  readonly #repo: CandidateRepository;
  readonly #now: () => number;
  readonly #answerKeyFor: (sessionId: string) => AnswerKey | undefined;
  readonly #trustedTablets: (session: Session, roomId: string) => ReadonlySet<string>;
  readonly #roomClosure: (session: Session, roomId: string) => RoomClosure;
  /** Failed sign-ins per client address and IIN, kept in the venue database. */
  readonly #limiter: LoginLimiter;
  /** Decrypted packages, in memory only, once their key is released. */
  readonly #packages = new Map<string, ExamPackage>();

  constructor(options: CandidateServiceOptions) {
    this.#store = options.store;
    this.#ingest = options.ingest;
    this.#repo = new CandidateRepository(options.store.db);
    this.#now = options.now ?? Date.now;
    this.#answerKeyFor = options.answerKeyFor ?? (() => undefined);
    this.#trustedTablets = options.trustedTablets ?? (() => new Set());
    this.#roomClosure = options.roomClosure ?? (() => null);
    this.#limiter = new LoginLimiter({ windowMs: LOGIN_WINDOW_MS, store: this.#repo.loginFailures });
  }

  get repository(): CandidateRepository {
    return this.#repo;
  }

  /**
   * Signs a candidate in. A malformed IIN is refused with its reason; an unknown IIN or a
   * wrong code gets one generic refusal, so the answer never tells which IINs are rostered.
   */
  async login(input: { iin: string; accessCode: string; deviceId: string }, clientAddress: string): Promise<{ token: string; profile: CandidateProfile }> {
    const iin = input.iin.trim();
    const check = validateIin(iin);
    if (!check.isValid) throw new ApiError(400, 'invalid-iin', `The IIN is not valid (${check.reason}).`, { reason: check.reason });
    const now = this.#now();
    const rules = [{ key: `${clientAddress}|${iin}`, maxFailures: LOGIN_MAX_FAILURES }];
    const limit = this.#limiter.check(rules, now);
    if (limit.isLimited) throw new ApiError(429, 'too-many-attempts', 'Too many failed sign-ins. Ask the proctor.', { retryAfterSeconds: limit.retryAfterSeconds });
    const found = this.#findCandidate(iin);
    const isMatch = found !== undefined && (await verifyAccessCode(input.accessCode, found.candidate.accessCodeHash));
    if (!found || !isMatch) {
      this.#limiter.recordFailure(rules, now);
      throw new ApiError(401, 'sign-in-refused', 'The IIN and access code do not match.');
    }
    this.#limiter.recordSuccess(rules[0]!.key);
    const token = randomBytes(32).toString('hex');
    const { session, candidate } = found;
    const row = {
      tokenHash: sha256Hex(token), candidateId: candidate.candidateId, sessionId: session.sessionId,
      attemptId: attemptIdFor(session.sessionId, candidate.candidateId), seatId: candidate.seatId, deviceId: input.deviceId, createdAt: now,
    };
    this.#repo.openSession(row);
    return { token, profile: this.#profileOf(session, candidate, { ...row, revokedAt: null }) };
  }

  /** The live sign-in a cookie token stands for, or undefined (unknown, or revoked by a later sign-in). */
  sessionFor(token: string | undefined): CandidateSessionRow | undefined {
    if (!token || !/^[0-9a-f]{64}$/.test(token)) return undefined;
    const row = this.#repo.sessionByTokenHash(sha256Hex(token));
    return row && row.revokedAt === null ? row : undefined;
  }

  profile(row: CandidateSessionRow): CandidateProfile {
    const session = this.#session(row.sessionId);
    const candidate = session.candidates.find((c) => c.candidateId === row.candidateId);
    if (!candidate) throw new ApiError(404, 'not-rostered', 'The candidate is no longer on the roster.');
    return this.#profileOf(session, candidate, row);
  }

  /** The package exactly as sealed: the device caches it encrypted until the key is released. */
  sealedPackage(row: CandidateSessionRow) {
    const sealed = this.#store.downlink.sealedPackage(row.sessionId);
    if (!sealed) throw new ApiError(404, 'no-package', 'The exam package has not reached this venue yet.');
    return { sessionId: sealed.sessionId, examId: sealed.examId, examVersion: sealed.examVersion, iv: sealed.iv, ciphertext: sealed.ciphertext, sha256: sealed.sha256 };
  }

  /** The session key, only after its release and after the proctor authorised this candidate. */
  async sessionKey(row: CandidateSessionRow): Promise<string> {
    const released = this.#store.downlink.releasedKey(row.sessionId);
    if (!released) throw new ApiError(409, 'not-released', 'The exam has not been released yet.');
    const view = await this.attemptView(row);
    if (view.status === 'removed') throw new ApiError(403, 'removed', 'The attempt was closed by the proctor.');
    if (view.timer.state === 'not-started') throw new ApiError(409, 'not-authorised', 'The proctor has not authorised the start yet.');
    return released.key;
  }

  /** The venue's fold of the attempt, after authoring any clock events that are due. */
  async attemptView(row: CandidateSessionRow): Promise<AttemptView> {
    const { state, authored } = await this.reconcile(row);
    const now = this.#now();
    return {
      attemptId: row.attemptId,
      status: state.status,
      isKeyReleased: this.#store.downlink.releasedKey(row.sessionId) !== undefined,
      timer: timerSnapshot(authored, now),
      answers: state.answers,
      flaggedItemIds: state.flaggedItemIds,
      audioPlays: state.audioPlays,
      appealIds: state.appeals.map((appeal) => appeal.appealId),
      finishedAt: state.finishedAt,
    };
  }

  /** The analysis card where the package's policy allows it, scored by the venue. */
  async result(row: CandidateSessionRow): Promise<AttemptResult> {
    const { state } = await this.reconcile(row);
    const now = this.#now();
    if (state.status !== 'finished' && state.status !== 'removed') throw new ApiError(409, 'not-finished', 'The attempt is not finished yet.');
    const isAnnulled = state.status === 'removed';
    const examPackage = await this.#openedPackage(row.sessionId);
    if (!examPackage) return { withheld: true, isAnnulled, reason: 'not-scored', finishedAt: state.finishedAt, appealDeadline: null, now };
    const finishedAt = state.finishedAt ?? now;
    const appealDeadline = finishedAt + examPackage.resultPolicy.contentAppealWindowMinutes * 60_000;
    if (!examPackage.resultPolicy.showAnalysisCard) return { withheld: true, isAnnulled, reason: 'policy', finishedAt, appealDeadline, now };
    const answerKey = this.#answerKeyFor(row.sessionId);
    if (!answerKey) return { withheld: true, isAnnulled, reason: 'not-scored', finishedAt, appealDeadline, now };
    const score = scoreAttempt(state, examPackage, answerKey);
    const answers = Object.fromEntries(Object.entries(state.answers).map(([itemId, held]) => [itemId, held.value]));
    return { withheld: false, isAnnulled: isAnnulled || score.isAnnulled, score, answers, finishedAt, appealDeadline, now };
  }

  /**
   * Authors the clock events now due for this attempt (see venue-clock.ts) and returns the
   * venue's fold. Proctor decisions count only from the room's trusted tablets, so a PC
   * cannot authorise or extend its own attempt. Everything between reading the log and pushing runs without an await, so
   * two requests in this process can never author the same event twice.
   */
  async reconcile(row: Pick<CandidateSessionRow, 'attemptId' | 'sessionId' | 'candidateId'>): Promise<{ state: AttemptState; authored: ClockEvent[] }> {
    const identity = this.#repo.venueIdentity();
    if (!identity) throw new ApiError(503, 'venue-not-configured', 'The venue server has no identity yet.');
    const venueDevice = venueDeviceId(identity.venueId);
    const released = this.#store.downlink.releasedKey(row.sessionId);
    const examPackage = released ? await this.#openedPackage(row.sessionId) : undefined;
    const durationMs = examPackage ? this.#durationMs(examPackage, row) : null;
    const session = this.#session(row.sessionId);
    const roomId = session.candidates.find((c) => c.candidateId === row.candidateId)?.roomId;
    const trusted = roomId ? this.#trustedTablets(session, roomId) : new Set<string>();
    const closure = roomId ? this.#roomClosure(session, roomId) : null;

    const log = this.#repo.attemptLog(row.attemptId);
    const received = log.filter((entry) => entry.deviceId !== venueDevice && isAppliedDecision({ venueSeq: entry.venueSeq, deviceId: entry.deviceId, body: entry.body as EventBody }, trusted, closure)).map((entry) => ({ body: entry.body as EventBody, receivedAt: entry.receivedAt }));
    const authored = log.filter((entry) => entry.deviceId === venueDevice).map((entry) => entry.body as EventBody);
    const due = venueClockEvents({ received, durationMs, releasedAt: released?.releasedAt ?? null, now: this.#now() });
    const isPrefix = authored.every((event, index) => due[index]?.type === event.type && due[index]?.at === event.at);
    if (isPrefix && due.length > authored.length) {
      const head = this.#ingest.cursor(venueDevice, identity.createdAt);
      let prevHash = head.ackedHash;
      const events = due.slice(authored.length).map((event, index) => {
        const body = { deviceId: venueDevice, epoch: identity.createdAt, seq: head.ackedSeq + index + 1, at: event.at, attemptId: row.attemptId, type: event.type, data: event.data } as EventBody;
        const chained = chainEvent(prevHash, body);
        prevHash = chained.hash;
        return chained;
      });
      this.#ingest.push({ deviceId: venueDevice, epoch: identity.createdAt, events });
    } else if (!isPrefix) {
      console.error(`[candidate] the venue's clock events for ${row.attemptId} disagree with what it would author now; nothing authored`);
    }
    // A decision the closed room refused changes nothing on the candidate's screen either.
    const all = this.#repo.attemptLog(row.attemptId).filter((entry) => !isRefusedByClosure({ venueSeq: entry.venueSeq, body: entry.body as EventBody }, closure)).map((entry) => entry.body as EventBody);
    const state = foldAttempt(all, { attemptId: row.attemptId, venueDeviceIds: [venueDevice] });
    const clock = all.filter((event) => event.deviceId === venueDevice) as unknown as ClockEvent[];
    return { state, authored: clock };
  }

  #durationMs(examPackage: ExamPackage, row: Pick<CandidateSessionRow, 'sessionId' | 'candidateId'>): number {
    const candidate = this.#session(row.sessionId).candidates.find((c) => c.candidateId === row.candidateId);
    const granted = new Set(candidate?.accommodations ?? []);
    const extraMinutes = examPackage.accommodations.filter((a) => granted.has(a.code)).reduce((sum, a) => sum + a.extraMinutes, 0);
    return (examPackage.durationMinutes + extraMinutes) * 60_000;
  }

  async #openedPackage(sessionId: string): Promise<ExamPackage | undefined> {
    const cached = this.#packages.get(sessionId);
    if (cached) return cached;
    const sealed = this.#store.downlink.sealedPackage(sessionId);
    const released = this.#store.downlink.releasedKey(sessionId);
    if (!sealed || !released) return undefined;
    const opened = ExamPackage.parse(JSON.parse(await openPackage(sealed, released.key)));
    this.#packages.set(sessionId, opened);
    return opened;
  }

  #findCandidate(iin: string): { session: Session; candidate: RosterCandidate } | undefined {
    for (const session of this.#repo.sessions()) {
      const candidate = session.candidates.find((c) => c.iin === iin);
      if (candidate) return { session, candidate };
    }
    return undefined;
  }

  #session(sessionId: string): Session {
    const session = this.#repo.sessions().find((s) => s.sessionId === sessionId);
    if (!session) throw new ApiError(404, 'no-session', 'The session is no longer held at this venue.');
    return session;
  }

  #profileOf(session: Session, candidate: RosterCandidate, row: CandidateSessionRow): CandidateProfile {
    const room = session.rooms.find((r) => r.roomId === candidate.roomId);
    const seat = room?.seats.find((s) => s.seatId === candidate.seatId);
    return {
      candidateId: candidate.candidateId, iin: candidate.iin, lastName: candidate.lastName, firstName: candidate.firstName,
      middleName: candidate.middleName ?? null, language: candidate.language, sessionId: session.sessionId, attemptId: row.attemptId,
      roomId: candidate.roomId, roomName: room?.name ?? null, seatId: candidate.seatId, seatLabel: seat?.label ?? null,
      deviceId: row.deviceId, startsAt: session.startsAt,
    };
  }
}
