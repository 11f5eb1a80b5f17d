/**
 * Imported exam versions (schema/central-exams.ts) and the computer rooms of venues
 * (schema/central-rooms.ts). An exam version is written once, whole; a room is replaced whole.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { AnswerKey, ExamPackage } from '../../../sync/package';
import type { HubDb } from '../client';
import { answerKeys, centralExams, centralRooms, packages, type CentralSeat } from '../schema';

export interface CentralExamRow {
  examId: string;
  examVersion: number;
  examPackage: ExamPackage;
  answerKey: AnswerKey;
  sha256: string;
  importedBy: string;
  importedAt: number;
}

/** Stores an imported exam version; false if that version is already held. */
export async function insertCentralExam(db: HubDb, row: CentralExamRow): Promise<boolean> {
  const inserted = await db.insert(centralExams).values(row).onConflictDoNothing().returning({ examId: centralExams.examId });
  return inserted.length === 1;
}

/** One imported exam version. */
export async function findCentralExam(db: HubDb, examId: string, examVersion: number): Promise<CentralExamRow | undefined> {
  const [row] = await db.select().from(centralExams).where(and(eq(centralExams.examId, examId), eq(centralExams.examVersion, examVersion)));
  return row;
}

/** Every imported exam version, without the package bodies. */
export async function listCentralExams(db: HubDb): Promise<Array<{ examId: string; examVersion: number; sha256: string; importedBy: string; importedAt: number }>> {
  return db
    .select({ examId: centralExams.examId, examVersion: centralExams.examVersion, sha256: centralExams.sha256, importedBy: centralExams.importedBy, importedAt: centralExams.importedAt })
    .from(centralExams)
    .orderBy(asc(centralExams.examId), asc(centralExams.examVersion));
}

/** The answer key the hub published with an exam version (sessions published outside central imports). */
export async function findPublishedAnswerKey(db: HubDb, examId: string, examVersion: number): Promise<AnswerKey | undefined> {
  const [row] = await db.select({ body: answerKeys.body }).from(answerKeys).where(and(eq(answerKeys.examId, examId), eq(answerKeys.examVersion, examVersion)));
  return row?.body;
}

/** A published session's sealed package and its key (the hub may always open its own packages). */
export async function findSealedPackage(db: HubDb, sessionId: string) {
  const [row] = await db.select().from(packages).where(eq(packages.sessionId, sessionId));
  return row;
}

export interface CentralRoomRow { venueId: string; roomId: string; name: string; seats: CentralSeat[] }

/** Creates or replaces a room. */
export async function upsertCentralRoom(db: HubDb, room: CentralRoomRow): Promise<void> {
  await db.insert(centralRooms).values(room).onConflictDoUpdate({ target: [centralRooms.venueId, centralRooms.roomId], set: { name: room.name, seats: room.seats } });
}

/** A venue's rooms. */
export async function listCentralRooms(db: HubDb, venueId: string): Promise<CentralRoomRow[]> {
  return db.select().from(centralRooms).where(eq(centralRooms.venueId, venueId)).orderBy(asc(centralRooms.roomId));
}
