/**
 * Staff accounts and signed-in sessions (see their schema files): only scrypt hashes of
 * passwords and SHA-256 hashes of session cookies are ever stored.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import type { HubDb } from './client';
import { staffAccounts, staffSessions } from './schema';

export type StaffRole = 'admin' | 'reviewer' | 'appeals' | 'auditor';

export interface StaffAccountRow {
  username: string;
  role: StaffRole;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

/** Creates an account; false if the username is taken. */
export async function insertStaffAccount(db: HubDb, account: StaffAccountRow): Promise<boolean> {
  const rows = await db.insert(staffAccounts).values(account).onConflictDoNothing().returning({ username: staffAccounts.username });
  return rows.length === 1;
}

/** One account, or undefined. */
export async function findStaffAccount(db: HubDb, username: string): Promise<StaffAccountRow | undefined> {
  const [row] = await db.select().from(staffAccounts).where(eq(staffAccounts.username, username));
  return row;
}

/** Number of staff accounts (an empty hub has none). */
export async function countStaffAccounts(db: HubDb): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(staffAccounts);
  return row?.count ?? 0;
}

/** Stores a new signed-in session. */
export async function insertStaffSession(db: HubDb, session: { tokenHash: string; username: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.insert(staffSessions).values(session);
}

/** The account behind an unexpired session token hash. */
export async function findStaffBySession(db: HubDb, tokenHash: string, now: number): Promise<StaffAccountRow | undefined> {
  const [row] = await db
    .select({ username: staffAccounts.username, role: staffAccounts.role, displayName: staffAccounts.displayName, passwordHash: staffAccounts.passwordHash, createdAt: staffAccounts.createdAt })
    .from(staffSessions)
    .innerJoin(staffAccounts, eq(staffAccounts.username, staffSessions.username))
    .where(and(eq(staffSessions.tokenHash, tokenHash), gt(staffSessions.expiresAt, now)));
  return row;
}

/** Ends a session. */
export async function deleteStaffSession(db: HubDb, tokenHash: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.tokenHash, tokenHash));
}
