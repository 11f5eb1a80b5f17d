/**
 * Sessions as central staff schedule them (schema/central-sessions.ts), and the published
 * sessions the hub core holds (schema/sessions.ts), which reconciliation reads.
 */
import { asc, eq } from 'drizzle-orm';
import type { Proctor, RosterCandidate, Session } from '../../../sync/roster';
import type { HubDb } from '../client';
import { centralSessions, sessions } from '../schema';

export interface CentralSessionRow {
  sessionId: string;
  venueId: string;
  examId: string;
  examVersion: number;
  startsAt: number;
  candidates: RosterCandidate[];
  proctors: Proctor[];
  createdBy: string;
  createdAt: number;
  publishedAt: number | null;
  releaseCode: string | null;
  resultsPublishedAt: number | null;
}

/** Schedules a session; false if the id is taken. */
export async function insertCentralSession(db: HubDb, row: Omit<CentralSessionRow, 'publishedAt' | 'releaseCode' | 'resultsPublishedAt'>): Promise<boolean> {
  const inserted = await db.insert(centralSessions).values(row).onConflictDoNothing().returning({ sessionId: centralSessions.sessionId });
  return inserted.length === 1;
}

/** One scheduled session. */
export async function findCentralSession(db: HubDb, sessionId: string): Promise<CentralSessionRow | undefined> {
  const [row] = await db.select().from(centralSessions).where(eq(centralSessions.sessionId, sessionId));
  return row;
}

/** Every scheduled session, earliest first. */
export async function listCentralSessions(db: HubDb): Promise<CentralSessionRow[]> {
  return db.select().from(centralSessions).orderBy(asc(centralSessions.startsAt));
}

/** A venue's scheduled sessions, earliest first (room changes are checked against their rosters). */
export async function listCentralSessionsOfVenue(db: HubDb, venueId: string): Promise<CentralSessionRow[]> {
  return db.select().from(centralSessions).where(eq(centralSessions.venueId, venueId)).orderBy(asc(centralSessions.startsAt));
}

/** Replaces a session's roster. */
export async function setCentralRoster(db: HubDb, sessionId: string, candidates: RosterCandidate[]): Promise<void> {
  await db.update(centralSessions).set({ candidates }).where(eq(centralSessions.sessionId, sessionId));
}

/** Records publication and the release code. */
export async function markCentralSessionPublished(db: HubDb, sessionId: string, releaseCode: string, now: number): Promise<void> {
  await db.update(centralSessions).set({ publishedAt: now, releaseCode }).where(eq(centralSessions.sessionId, sessionId));
}

/** Records that a session's results were published. */
export async function markResultsPublished(db: HubDb, sessionId: string, now: number): Promise<void> {
  await db.update(centralSessions).set({ resultsPublishedAt: now }).where(eq(centralSessions.sessionId, sessionId));
}

/** A published session (with its roster) as the venue received it. */
export async function findPublishedSession(db: HubDb, sessionId: string): Promise<{ session: Session; publishedAt: number } | undefined> {
  const [row] = await db.select({ body: sessions.body, publishedAt: sessions.publishedAt }).from(sessions).where(eq(sessions.sessionId, sessionId));
  return row ? { session: row.body, publishedAt: row.publishedAt } : undefined;
}

/** Every published session, earliest first. */
export async function listPublishedSessions(db: HubDb): Promise<Array<{ session: Session; publishedAt: number }>> {
  const rows = await db.select({ body: sessions.body, publishedAt: sessions.publishedAt }).from(sessions).orderBy(asc(sessions.startsAt));
  return rows.map((row) => ({ session: row.body, publishedAt: row.publishedAt }));
}
