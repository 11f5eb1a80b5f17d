/**
 * The demo session: two exams, one venue with two rooms, two sessions, forty
 * candidates, two proctors and four central staff accounts, plus the plain credentials
 * to print. Everything is seeded, so every build gives the same content, IINs, codes and
 * hashes (only `startsAt` follows `now`). The hub seeds its database from this and
 * publishes the packages and rosters to the venue "demo".
 *
 * Sessions: the citizenship-style exam starts 10 minutes after `now` (rounded down to
 * the minute) with 30 candidates, 15 in each room; the ICert-style exam starts 3 hours
 * later in room-1 with 10 other candidates, so no IIN is on two rosters of the venue.
 */
import { createHash } from 'node:crypto';
import type { ContentLanguage } from '../../sync/events';
import { Proctor, Room, RosterCandidate, Session } from '../../sync/roster';
import { buildCitizenshipExam, buildIcertExam, CITIZENSHIP_EXAM_ID, EXTRA_TIME_30, ICERT_EXAM_ID, type DemoExam } from './exams';
import {
  CITIZENSHIP_PEOPLE, ICERT_PEOPLE, makeAccessCodes, makeIins, PROCTOR_SPECS, STAFF_SPECS,
  type DemoPerson, type StaffRole,
} from './people';
import { hashSecret } from './secrets';

export { CITIZENSHIP_EXAM_ID, EXTRA_TIME_30, ICERT_EXAM_ID, type DemoExam } from './exams';
export { hashSecret, verifySecret } from './secrets';
export type { StaffRole } from './people';

export const DEMO_VENUE_ID = 'demo';
export const CITIZENSHIP_SESSION_ID = 'demo-citizenship-1';
export const ICERT_SESSION_ID = 'demo-icert-1';
const MINUTE = 60_000;
const CITIZENSHIP_STARTS_AFTER_MS = 10 * MINUTE;
const ICERT_STARTS_AFTER_CITIZENSHIP_MS = 3 * 60 * MINUTE;
const SEAT_ROWS = ['A', 'B', 'C'] as const;
const SEAT_COLUMNS = 5;

/** The demo venue and its rooms. */
export interface DemoVenue { venueId: string; name: string; rooms: Room[] }

/** A central staff account as the hub stores it. */
export interface DemoStaffAccount { username: string; role: StaffRole; displayName: string; passwordHash: string }

/** What a candidate needs at the seat, for printing: never stored by the hub or venue. */
export interface CandidateCredential {
  sessionId: string;
  examId: string;
  candidateId: string;
  iin: string;
  accessCode: string;
  fullName: string;
  roomId: string;
  seatId: string;
  seatLabel: string;
  language: ContentLanguage;
  accommodations: string[];
}

/** The plain demo credentials, for the start-up banner and a printable sheet. */
export interface DemoCredentials {
  candidates: CandidateCredential[];
  proctors: Array<{ username: string; pin: string; displayName: string; roomIds: string[] }>;
  staff: Array<{ username: string; password: string; role: StaffRole; displayName: string }>;
}

/** The whole demo. */
export interface Demo {
  exams: [DemoExam, DemoExam];
  venue: DemoVenue;
  sessions: Session[];
  proctors: Proctor[];
  staff: DemoStaffAccount[];
  credentials: DemoCredentials;
}

// scrypt is slow on purpose (~50 ms a hash); the demo's hashes are fixed, so make each once.
const hashCache = new Map<string, string>();

/** A reproducible hash: the salt comes from a label, so rebuilding the demo gives the same text. */
function demoHash(label: string, secret: string): string {
  const cacheKey = `${label}\u0000${secret}`;
  let hash = hashCache.get(cacheKey);
  if (!hash) {
    const salt = createHash('sha256').update(`demo-salt:${label}`).digest().subarray(0, 16);
    hash = hashSecret(secret, { salt });
    hashCache.set(cacheKey, hash);
  }
  return hash;
}

function buildRoom(roomId: string, name: string): Room {
  const seats = SEAT_ROWS.flatMap((rowLetter, row) =>
    Array.from({ length: SEAT_COLUMNS }, (_, col) => ({ seatId: `${roomId}-${rowLetter}${col + 1}`, label: `${rowLetter}${col + 1}`, row, col })));
  return Room.parse({ roomId, name, seats });
}

function fullName(person: DemoPerson): string {
  return [person.lastName, person.firstName, person.middleName].filter(Boolean).join(' ');
}

interface RosterPlan { sessionId: string; examId: string; people: readonly DemoPerson[]; firstNumber: number; rooms: Room[] }

/** Makes a secret's stored hash; left out when only the printable credentials are wanted. */
type Hasher = ((label: string, secret: string) => string) | undefined;

/** Seats people in order, filling each room before the next, and gives each a one-time code. */
function buildRoster(plan: RosterPlan, hash: Hasher): { candidates: RosterCandidate[]; credentials: CandidateCredential[] } {
  const iins = makeIins(plan.people, plan.sessionId);
  const codes = makeAccessCodes(plan.people.length, plan.sessionId);
  const seats = plan.rooms.flatMap((room) => room.seats.map((seat) => ({ room, seat })));
  if (seats.length < plan.people.length) throw new Error(`buildRoster: ${plan.people.length} people, ${seats.length} seats`);
  const candidates: RosterCandidate[] = [];
  const credentials: CandidateCredential[] = [];
  plan.people.forEach((person, i) => {
    const { room, seat } = seats[i]!;
    const candidateId = `cand-${String(plan.firstNumber + i).padStart(3, '0')}`;
    const accommodations = person.hasExtraTime ? [EXTRA_TIME_30] : [];
    const iin = iins[i]!;
    const accessCode = codes[i]!;
    candidates.push(RosterCandidate.parse({
      candidateId, iin, lastName: person.lastName, firstName: person.firstName,
      ...(person.middleName ? { middleName: person.middleName } : {}),
      language: person.language, accommodations, roomId: room.roomId, seatId: seat.seatId,
      ...(hash ? { accessCodeHash: hash(`access:${plan.sessionId}:${candidateId}`, accessCode) } : {}),
    }));
    credentials.push({
      sessionId: plan.sessionId, examId: plan.examId, candidateId, iin, accessCode, fullName: fullName(person),
      roomId: room.roomId, seatId: seat.seatId, seatLabel: seat.label, language: person.language, accommodations,
    });
  });
  return { candidates, credentials };
}

function buildRosters(rooms: { room1: Room; room2: Room }, hash: Hasher) {
  return {
    citizenship: buildRoster({ sessionId: CITIZENSHIP_SESSION_ID, examId: CITIZENSHIP_EXAM_ID, people: CITIZENSHIP_PEOPLE, firstNumber: 1, rooms: [rooms.room1, rooms.room2] }, hash),
    icert: buildRoster({ sessionId: ICERT_SESSION_ID, examId: ICERT_EXAM_ID, people: ICERT_PEOPLE, firstNumber: CITIZENSHIP_PEOPLE.length + 1, rooms: [rooms.room1] }, hash),
  };
}

function buildRooms(): { room1: Room; room2: Room } {
  return {
    room1: buildRoom('room-1', 'Компьютерлік сынып 1 / Компьютерный класс 1'),
    room2: buildRoom('room-2', 'Компьютерлік сынып 2 / Компьютерный класс 2'),
  };
}

function plainCredentials(rosters: ReturnType<typeof buildRosters>): DemoCredentials {
  return {
    candidates: [...rosters.citizenship.credentials, ...rosters.icert.credentials],
    proctors: PROCTOR_SPECS.map((spec) => ({ username: spec.username, pin: spec.pin, displayName: spec.displayName, roomIds: [...spec.roomIds] })),
    staff: STAFF_SPECS.map((spec) => ({ username: spec.username, password: spec.password, role: spec.role, displayName: spec.displayName })),
  };
}

/**
 * Only the plain credentials, equal to `buildDemo().credentials` but without spending
 * any time on scrypt: for a start-up banner in a process that does not seed the hub.
 */
export function buildDemoCredentials(): DemoCredentials {
  return plainCredentials(buildRosters(buildRooms(), undefined));
}

/**
 * Builds the demo. `now` (default `Date.now()`) only moves the sessions' start times;
 * everything else is the same on every call. The first call in a process spends one to
 * a few seconds on scrypt (46 hashes); later calls reuse the hashes.
 */
export function buildDemo(options: { now?: number } = {}): Demo {
  const now = options.now ?? Date.now();
  const citizenship = buildCitizenshipExam();
  const icert = buildIcertExam();
  const { room1, room2 } = buildRooms();
  const venue: DemoVenue = { venueId: DEMO_VENUE_ID, name: 'Demo venue (Astana)', rooms: [room1, room2] };

  const proctors = PROCTOR_SPECS.map((spec) => Proctor.parse({
    username: spec.username, displayName: spec.displayName, roomIds: spec.roomIds, pinHash: demoHash(`pin:${spec.username}`, spec.pin),
  }));
  const staff: DemoStaffAccount[] = STAFF_SPECS.map((spec) => ({
    username: spec.username, role: spec.role, displayName: spec.displayName, passwordHash: demoHash(`staff:${spec.username}`, spec.password),
  }));

  const rosters = buildRosters({ room1, room2 }, demoHash);
  const citizenshipStartsAt = Math.floor(now / MINUTE) * MINUTE + CITIZENSHIP_STARTS_AFTER_MS;
  const sessions = [
    Session.parse({
      sessionId: CITIZENSHIP_SESSION_ID, venueId: DEMO_VENUE_ID, examId: CITIZENSHIP_EXAM_ID, examVersion: citizenship.examPackage.version,
      startsAt: citizenshipStartsAt, rooms: [room1, room2], candidates: rosters.citizenship.candidates, proctors,
    }),
    Session.parse({
      sessionId: ICERT_SESSION_ID, venueId: DEMO_VENUE_ID, examId: ICERT_EXAM_ID, examVersion: icert.examPackage.version,
      startsAt: citizenshipStartsAt + ICERT_STARTS_AFTER_CITIZENSHIP_MS, rooms: [room1], candidates: rosters.icert.candidates,
      proctors: proctors.filter((proctor) => proctor.roomIds.includes(room1.roomId)),
    }),
  ];

  return { exams: [citizenship, icert], venue, sessions, proctors, staff, credentials: plainCredentials(rosters) };
}

export { formatCredentials } from './print';
