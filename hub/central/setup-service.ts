/**
 * Central staff's set-up verbs: import an exam version, register rooms and seats, schedule a
 * session, import its roster, publish it to its venue, and control the key release. Each
 * verb validates first and then writes its rows and its audit entry in ONE transaction, so
 * a refused request changes nothing and an accepted one is always on the record.
 */
import { randomInt } from 'node:crypto';
import type { Proctor, Room, RosterCandidate, Session } from '../../sync/roster';
import type { HubContext } from '../context';
import { appendAudit } from '../db';
import {
  findCentralExam, findCentralSession, findPublishedSession, findSealedPackage, insertCentralExam, insertCentralSession, listCentralRooms,
  listCentralSessionsOfVenue, markCentralSessionPublished, setCentralRoster, upsertCentralRoom, type CentralRoomRow,
} from '../db/central';
import { ApiError } from '../errors';
import type { PublishingService } from '../services/publishing';
import { hashSecret } from '../services/staff';
import type { JobTracker, JobView } from './jobs';
import { validateExamImport } from './exam-import';
import { validateRosterCsv } from './roster-import';
import type { SessionStatus } from '../../sync/views/central';

/** Access codes: 8 digits, easy to type at a seat. Shown once, at import, for printing. */
function makeAccessCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

export interface ScheduleRequest {
  sessionId: string;
  venueId: string;
  examId: string;
  examVersion: number;
  startsAt: number;
  proctors: Array<{ username: string; displayName: string; pin: string; roomIds: string[] }>;
}

export type { SessionStatus };

export class SetupService {
  constructor(
    private readonly ctx: HubContext,
    private readonly publishing: PublishingService,
    private readonly jobs: JobTracker,
  ) {}

  /** Imports an exam version, or refuses the whole file with every problem named (422). */
  async importExam(actor: string, file: unknown): Promise<{ examId: string; examVersion: number; itemCount: number; sha256: string }> {
    const outcome = validateExamImport(file);
    if (!outcome.isValid) throw new ApiError(422, 'invalid-exam', `the exam file has ${outcome.problems.length} problem(s); nothing was imported`, outcome.problems);
    const { examPackage, answerKey, sha256 } = outcome;
    const now = this.ctx.now();
    const itemCount = Object.keys(answerKey.items).length;
    await this.ctx.database.db.transaction(async (tx) => {
      const row = { examId: examPackage.examId, examVersion: examPackage.version, examPackage, answerKey, sha256, importedBy: actor, importedAt: now };
      if (!(await insertCentralExam(tx, row))) {
        throw new ApiError(409, 'exam-version-exists', `${examPackage.examId} version ${examPackage.version} is already imported; give the new content a new version`);
      }
      await appendAudit(tx, { at: now, actor, action: 'exam.imported', subject: `${examPackage.examId}@${examPackage.version}`, detail: { sha256, itemCount } });
    });
    return { examId: examPackage.examId, examVersion: examPackage.version, itemCount, sha256 };
  }

  /**
   * Registers or replaces a room of a venue. Refused (nothing stored, nothing audited) when
   * a seat id or label repeats, when another room of the venue already has this name, or
   * when the new layout drops a seat that a scheduled session's roster gives a candidate.
   */
  async saveRoom(actor: string, room: CentralRoomRow): Promise<void> {
    const seatIds = room.seats.map((seat) => seat.seatId);
    if (new Set(seatIds).size !== seatIds.length) throw new ApiError(422, 'duplicate-seat', `room ${room.roomId} lists a seat twice`);
    const labels = room.seats.map((seat) => seat.label.trim().toLowerCase());
    if (new Set(labels).size !== labels.length) throw new ApiError(422, 'duplicate-seat-label', `room ${room.roomId} gives two seats the same label`);
    const name = room.name.trim();
    await this.ctx.database.db.transaction(async (tx) => {
      const others = (await listCentralRooms(tx, room.venueId)).filter((other) => other.roomId !== room.roomId);
      const namesake = others.find((other) => other.name.trim().toLowerCase() === name.toLowerCase());
      if (namesake) throw new ApiError(409, 'duplicate-room-name', `venue ${room.venueId} already has a room named "${name}" (${namesake.roomId})`);
      const kept = new Set(seatIds);
      const seated = (await listCentralSessionsOfVenue(tx, room.venueId))
        .flatMap((session) => session.candidates.filter((c) => c.roomId === room.roomId && !kept.has(c.seatId)).map((c) => `${session.sessionId}/${c.seatId}`));
      if (seated.length > 0) throw new ApiError(409, 'seats-in-use', `the new layout drops seats that rosters use: ${seated.slice(0, 10).join(', ')}`, seated);
      await upsertCentralRoom(tx, { ...room, name });
      await appendAudit(tx, { at: this.ctx.now(), actor, action: 'room.saved', subject: `${room.venueId}/${room.roomId}`, detail: { name, seats: seatIds.length } });
    });
  }

  /** Schedules a session of an imported exam version at a venue. */
  async schedule(actor: string, request: ScheduleRequest): Promise<void> {
    const db = this.ctx.database.db;
    if (!(await findCentralExam(db, request.examId, request.examVersion))) throw new ApiError(422, 'unknown-exam', `${request.examId} version ${request.examVersion} has not been imported`);
    const rooms = await listCentralRooms(db, request.venueId);
    if (rooms.length === 0) throw new ApiError(422, 'no-rooms', `venue ${request.venueId} has no rooms registered`);
    const usernames = request.proctors.map((proctor) => proctor.username);
    const repeated = usernames.find((username, index) => usernames.indexOf(username) !== index);
    if (repeated) throw new ApiError(422, 'duplicate-proctor', `proctor ${repeated} is listed twice`);
    for (const proctor of request.proctors) {
      if (proctor.roomIds.length === 0) throw new ApiError(422, 'proctor-without-room', `proctor ${proctor.username} is assigned to no room`);
      const unknown = proctor.roomIds.filter((roomId) => !rooms.some((room) => room.roomId === roomId));
      if (unknown.length > 0) throw new ApiError(422, 'unknown-room', `proctor ${proctor.username} is assigned to unknown room(s) ${unknown.join(', ')}`);
    }
    const proctors: Proctor[] = [];
    for (const proctor of request.proctors) proctors.push({ username: proctor.username, displayName: proctor.displayName, roomIds: proctor.roomIds, pinHash: await hashSecret(proctor.pin) });
    const now = this.ctx.now();
    await db.transaction(async (tx) => {
      const row = { sessionId: request.sessionId, venueId: request.venueId, examId: request.examId, examVersion: request.examVersion, startsAt: request.startsAt, candidates: [], proctors, createdBy: actor, createdAt: now };
      if (!(await insertCentralSession(tx, row))) throw new ApiError(409, 'session-exists', `session ${request.sessionId} already exists`);
      await appendAudit(tx, {
        at: now, actor, action: 'session.scheduled', subject: request.sessionId,
        detail: { venueId: request.venueId, examId: request.examId, examVersion: request.examVersion, startsAt: request.startsAt, proctors: proctors.map((p) => ({ username: p.username, roomIds: p.roomIds })) },
      });
    });
  }

  /**
   * Checks a roster CSV at once (422 with every bad line, nothing stored), then hashes one
   * access code per candidate in a job and stores the roster in one transaction at the end.
   * The job's result holds the plain codes, shown this once for printing.
   */
  async importRoster(actor: string, sessionId: string, csv: string): Promise<JobView> {
    const db = this.ctx.database.db;
    const session = await findCentralSession(db, sessionId);
    if (!session) throw new ApiError(404, 'unknown-session', `no session ${sessionId}`);
    if (session.publishedAt !== null) throw new ApiError(409, 'session-published', `session ${sessionId} is already published; its roster is fixed`);
    const exam = await findCentralExam(db, session.examId, session.examVersion);
    const rooms = await listCentralRooms(db, session.venueId);
    const outcome = validateRosterCsv(csv, { sessionId, rooms, accommodationCodes: exam?.examPackage.accommodations.map((a) => a.code) ?? [] });
    if (!outcome.isValid) throw new ApiError(422, 'invalid-roster', `the roster has ${outcome.problems.length} problem(s); nothing was imported`, outcome.problems);
    const candidates = outcome.candidates;
    return this.jobs.start('roster-import', actor, candidates.length, async (progress) => {
      const codes: Array<{ candidateId: string; iin: string; fullName: string; roomId: string; seatId: string; accessCode: string }> = [];
      const hashed: RosterCandidate[] = [];
      for (const [index, candidate] of candidates.entries()) {
        const accessCode = makeAccessCode();
        hashed.push({ ...candidate, accessCodeHash: await hashSecret(accessCode) });
        codes.push({ candidateId: candidate.candidateId, iin: candidate.iin, fullName: `${candidate.lastName} ${candidate.firstName}`, roomId: candidate.roomId, seatId: candidate.seatId, accessCode });
        progress(index + 1);
      }
      await db.transaction(async (tx) => {
        const current = await findCentralSession(tx, sessionId);
        if (current?.publishedAt !== null) throw new ApiError(409, 'session-published', `session ${sessionId} was published meanwhile; its roster is fixed`);
        await setCentralRoster(tx, sessionId, hashed);
        await appendAudit(tx, { at: this.ctx.now(), actor, action: 'roster.imported', subject: sessionId, detail: { candidates: hashed.length } });
      });
      return { sessionId, candidates: hashed.length, accessCodes: codes };
    });
  }

  /** Publishes sessions to their venues as sealed packages, one after another, as a job. */
  async publish(actor: string, sessionIds: readonly string[]): Promise<JobView> {
    const db = this.ctx.database.db;
    const ready: Array<{ session: Session; exam: NonNullable<Awaited<ReturnType<typeof findCentralExam>>> }> = [];
    for (const sessionId of sessionIds) {
      const row = await findCentralSession(db, sessionId);
      if (!row) throw new ApiError(404, 'unknown-session', `no session ${sessionId}`);
      if (row.candidates.length === 0) throw new ApiError(409, 'empty-roster', `session ${sessionId} has no roster yet`);
      const exam = await findCentralExam(db, row.examId, row.examVersion);
      if (!exam) throw new ApiError(422, 'unknown-exam', `${row.examId} version ${row.examVersion} is not imported`);
      const rooms: Room[] = (await listCentralRooms(db, row.venueId)).map((room) => ({ roomId: room.roomId, name: room.name, seats: room.seats }));
      ready.push({ session: { sessionId, venueId: row.venueId, examId: row.examId, examVersion: row.examVersion, startsAt: row.startsAt, rooms, candidates: row.candidates, proctors: row.proctors }, exam });
    }
    return this.jobs.start('publish', actor, ready.length, async (progress) => {
      const published: string[] = [];
      for (const [index, { session, exam }] of ready.entries()) {
        const { releaseCode } = await this.publishing.publish(session, exam.examPackage, exam.answerKey, { actor });
        await db.transaction(async (tx) => {
          await markCentralSessionPublished(tx, session.sessionId, releaseCode, this.ctx.now());
          await appendAudit(tx, { at: this.ctx.now(), actor, action: 'session.release-code-issued', subject: session.sessionId, detail: {} });
        });
        published.push(session.sessionId);
        progress(index + 1);
      }
      return { published };
    });
  }

  /**
   * Where a session stands: scheduled, published, key released, results published. Sessions
   * published outside the central schedule (the demo's) have no schedule row and show what
   * the hub published.
   */
  async sessionStatus(sessionId: string): Promise<SessionStatus> {
    const db = this.ctx.database.db;
    const row = await findCentralSession(db, sessionId);
    const published = row ? undefined : await findPublishedSession(db, sessionId);
    if (!row && !published) throw new ApiError(404, 'unknown-session', `no session ${sessionId}`);
    const sealed = await findSealedPackage(db, sessionId);
    const base = row ?? { ...published!.session, publishedAt: published!.publishedAt, resultsPublishedAt: null, releaseCode: null };
    return {
      sessionId, venueId: base.venueId, examId: base.examId, examVersion: base.examVersion, startsAt: base.startsAt, candidates: base.candidates.length,
      proctors: base.proctors.map((p) => ({ username: p.username, displayName: p.displayName, roomIds: p.roomIds })),
      publishedAt: sealed ? base.publishedAt : null, keyReleasedAt: sealed?.keyReleasedAt ?? null, hasReleaseCode: base.releaseCode !== null, resultsPublishedAt: base.resultsPublishedAt,
    };
  }

  /**
   * Releases a session's key to its venue now (the start), instead of waiting for the clock.
   * Refused with nothing audited while the session has no sealed package at the hub; a key
   * already released stays released (and the request is still on the record).
   */
  async releaseKeyNow(actor: string, sessionId: string): Promise<{ isReleased: boolean }> {
    const sealed = await findSealedPackage(this.ctx.database.db, sessionId);
    if (!sealed) throw new ApiError(409, 'not-published', `session ${sessionId} is not published yet; publish it before releasing its key`);
    const released = await this.publishing.releaseKeys(Number.MAX_SAFE_INTEGER, sessionId);
    await this.ctx.database.db.transaction((tx) => appendAudit(tx, { at: this.ctx.now(), actor, action: 'session.key-released', subject: sessionId, detail: { released, wasReleasedBefore: sealed.keyReleasedAt !== null } }));
    return { isReleased: released > 0 || sealed.keyReleasedAt !== null };
  }

  /** The release code of a published session, for a venue that is offline at start time. */
  async releaseCode(actor: string, sessionId: string): Promise<{ releaseCode: string }> {
    const row = await findCentralSession(this.ctx.database.db, sessionId);
    if (!row?.releaseCode) throw new ApiError(404, 'no-release-code', `session ${sessionId} has no release code (not published here)`);
    await this.ctx.database.db.transaction((tx) => appendAudit(tx, { at: this.ctx.now(), actor, action: 'session.release-code-read', subject: sessionId, detail: {} }));
    return { releaseCode: row.releaseCode };
  }
}
