/**
 * The hub's downward log, sessions, sealed packages and answer keys (see their schema
 * files). Publishing a session writes the session, its package and its log entries in
 * one transaction; key releases are appended when a session's start time comes.
 */
import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import type { DownlinkEntry } from '../../sync/messages';
import type { AnswerKey } from '../../sync/package';
import type { Session } from '../../sync/roster';
import type { WrappedKey } from '../../sync/seal';
import type { HubDb } from './client';
import { answerKeys, downlinkLog, packages, sessions } from './schema';

type EntryBody = DownlinkEntry extends infer E ? (E extends DownlinkEntry ? Omit<E, 'seq'> : never) : never;

/** Appends entries to a venue's downward log, in order. */
export async function appendDownlink(db: HubDb, venueId: string, entries: readonly EntryBody[], now: number): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(downlinkLog).values(entries.map((entry) => ({ venueId, kind: entry.kind, body: entry as unknown as Record<string, unknown>, createdAt: now })));
}

/** Entries of a venue's log after a cursor, oldest first, at most `limit` (one more is read to tell `hasMore`). */
export async function readDownlink(db: HubDb, venueId: string, cursor: number, limit: number): Promise<{ entries: DownlinkEntry[]; hasMore: boolean }> {
  const rows = await db
    .select()
    .from(downlinkLog)
    .where(and(eq(downlinkLog.venueId, venueId), gt(downlinkLog.seq, cursor)))
    .orderBy(asc(downlinkLog.seq))
    .limit(limit + 1);
  const entries = rows.slice(0, limit).map((row) => ({ ...row.body, seq: row.seq }) as unknown as DownlinkEntry);
  return { entries, hasMore: rows.length > limit };
}

/** Stores a session (replacing an earlier version of it). */
export async function upsertSession(db: HubDb, session: Session, now: number): Promise<void> {
  const row = { sessionId: session.sessionId, venueId: session.venueId, examId: session.examId, examVersion: session.examVersion, startsAt: session.startsAt, body: session, publishedAt: now };
  await db.insert(sessions).values(row).onConflictDoUpdate({ target: sessions.sessionId, set: row });
}

/** All sessions of a venue. */
export async function listSessions(db: HubDb, venueId?: string): Promise<Session[]> {
  const query = db.select({ body: sessions.body }).from(sessions);
  const rows = await (venueId ? query.where(eq(sessions.venueId, venueId)) : query).orderBy(asc(sessions.startsAt));
  return rows.map((row) => row.body);
}

export interface PackageRow {
  sessionId: string;
  examId: string;
  examVersion: number;
  iv: string;
  ciphertext: string;
  sha256: string;
  sessionKey: string;
  keyWrappedByReleaseCode: WrappedKey;
  keyReleasedAt: number | null;
}

/** Stores a session's sealed package and key. */
export async function upsertPackage(db: HubDb, row: Omit<PackageRow, 'keyReleasedAt'>): Promise<void> {
  await db.insert(packages).values(row).onConflictDoUpdate({ target: packages.sessionId, set: { ...row, keyReleasedAt: null } });
}

/** Sessions whose start time has come and whose key has not been released yet. */
export async function dueKeyReleases(db: HubDb, now: number): Promise<Array<{ sessionId: string; venueId: string; sessionKey: string }>> {
  return db
    .select({ sessionId: packages.sessionId, venueId: sessions.venueId, sessionKey: packages.sessionKey })
    .from(packages)
    .innerJoin(sessions, eq(sessions.sessionId, packages.sessionId))
    .where(and(isNull(packages.keyReleasedAt), lte(sessions.startsAt, now)));
}

/** Marks a session's key as released; false if another request already did (release exactly once). */
export async function markKeyReleased(db: HubDb, sessionId: string, now: number): Promise<boolean> {
  const rows = await db.update(packages).set({ keyReleasedAt: now }).where(and(eq(packages.sessionId, sessionId), isNull(packages.keyReleasedAt))).returning({ sessionId: packages.sessionId });
  return rows.length === 1;
}

/** Stores an answer key. */
export async function upsertAnswerKey(db: HubDb, key: AnswerKey): Promise<void> {
  await db.insert(answerKeys).values({ examId: key.examId, examVersion: key.version, body: key }).onConflictDoUpdate({ target: [answerKeys.examId, answerKeys.examVersion], set: { body: key } });
}
