/**
 * Sessions as central staff schedule them (schema/central-sessions.ts), and the published
 * sessions the hub core holds (schema/sessions.ts), which reconciliation reads. When a
 * session's key and results were released is read from where those acts are recorded: the
 * sealed package's key release, and the schedule row or, for a session published outside
 * the central schedule, the audit log's `results.published` entry.
 */
import { and, asc, eq, isNull, min, sql } from 'drizzle-orm';
import type { Proctor, RosterCandidate, Session } from '../../../sync/roster';
import type { HubDb } from '../client';
import { auditLog, centralSessions, packages, sessions } from '../schema';

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

/**
 * Records that a scheduled session's results were published, once: false when its row was
 * already marked (a concurrent publication waits on the row and then finds it marked) or
 * when the session has no schedule row.
 */
export async function markResultsPublished(db: HubDb, sessionId: string, now: number): Promise<boolean> {
  const marked = await db.update(centralSessions).set({ resultsPublishedAt: now })
    .where(and(eq(centralSessions.sessionId, sessionId), isNull(centralSessions.resultsPublishedAt))).returning({ sessionId: centralSessions.sessionId });
  return marked.length === 1;
}

/**
 * Holds, until the transaction ends, the right to publish one session's results: a second
 * publication waits here and then sees the first one's rows (a session published outside
 * the schedule has no row to lock, so the lock is on its id).
 */
export async function lockResultsPublication(db: HubDb, sessionId: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`results-publication:${sessionId}`}))`);
}

/** When each session's results were first published, by the audit log (covers sessions without a schedule row). */
export async function resultsPublicationsInAudit(db: HubDb, sessionId?: string): Promise<Map<string, number>> {
  const published = eq(auditLog.action, 'results.published');
  const rows = await db.select({ sessionId: auditLog.subject, at: min(auditLog.at) }).from(auditLog)
    .where(sessionId === undefined ? published : and(published, eq(auditLog.subject, sessionId))).groupBy(auditLog.subject);
  return new Map(rows.flatMap((row) => (row.sessionId !== null && row.at !== null ? [[row.sessionId, Number(row.at)] as const] : [])));
}

/** When a session's results were published, or null while they are not. */
export async function findResultsPublishedAt(db: HubDb, sessionId: string): Promise<number | null> {
  const row = await findCentralSession(db, sessionId);
  if (row?.resultsPublishedAt != null) return row.resultsPublishedAt;
  return (await resultsPublicationsInAudit(db, sessionId)).get(sessionId) ?? null;
}

/** When each sealed package's key was released (null while it is not). */
export async function listKeyReleases(db: HubDb): Promise<Map<string, number | null>> {
  const rows = await db.select({ sessionId: packages.sessionId, keyReleasedAt: packages.keyReleasedAt }).from(packages);
  return new Map(rows.map((row) => [row.sessionId, row.keyReleasedAt]));
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
