/**
 * Sessions and rosters: who sits which exam, where, in which language, with which
 * accommodations. The hub publishes them to venues; the venue seats candidates by them.
 */
import { z } from 'zod';
import { ContentLanguage, Id, Millis } from './events';

/** A 12-digit IIN, shape only; `validateIin` in iin.ts checks the date and check digit. */
export const IinShape = z.string().regex(/^\d{12}$/, '12 digits');

/** One rostered candidate. */
export const RosterCandidate = z.object({
  candidateId: Id,
  iin: IinShape,
  lastName: z.string().trim().min(1).max(100),
  firstName: z.string().trim().min(1).max(100),
  middleName: z.string().trim().max(100).optional(),
  language: ContentLanguage,
  accommodations: z.array(Id).max(10).default([]),
  roomId: Id,
  seatId: Id,
  /** scrypt hash of the candidate's one-time access code (`scrypt$N$salt$hash`, hex). */
  accessCodeHash: z.string().max(300).optional(),
  /** The roster photo (JPEG data URL), where one exists, for the proctor's identity check. */
  photo: z.string().max(200_000).optional(),
});
export type RosterCandidate = z.infer<typeof RosterCandidate>;

/** A seat in a room's layout grid. */
export const Seat = z.object({ seatId: Id, label: z.string().max(20), row: z.number().int().nonnegative(), col: z.number().int().nonnegative() });
/** A computer classroom. */
export const Room = z.object({ roomId: Id, name: z.string().max(100), seats: z.array(Seat).max(500) });
export type Room = z.infer<typeof Room>;

/** A proctor (test administrator) of the venue, with the rooms assigned to them. */
export const Proctor = z.object({
  username: z.string().regex(/^[a-z0-9._-]{3,40}$/, '3-40 lower-case letters, digits, . _ -'),
  displayName: z.string().trim().min(1).max(200),
  /** scrypt hash of the PIN (`scrypt$N$salt$hash`, hex). */
  pinHash: z.string().max(300),
  roomIds: z.array(Id).max(100),
});
export type Proctor = z.infer<typeof Proctor>;

/** A scheduled sitting of one exam at one venue. */
export const Session = z.object({
  sessionId: Id,
  venueId: Id,
  examId: Id,
  examVersion: z.number().int().positive(),
  startsAt: Millis,
  rooms: z.array(Room).max(100),
  candidates: z.array(RosterCandidate).max(10_000),
  proctors: z.array(Proctor).max(500).default([]),
});
export type Session = z.infer<typeof Session>;
