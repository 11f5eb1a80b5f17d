/**
 * The append-only, hash-chained audit log (see schema/audit-log.ts). Appends take a
 * transaction-scoped advisory lock so that two concurrent appends cannot both chain
 * onto the same previous row.
 */
import { asc, desc, sql } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../../sync/canonical';
import { GENESIS_HASH } from '../../sync/chain';
import type { HubDb } from './client';
import { auditLog } from './schema';

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

// An arbitrary fixed key for pg_advisory_xact_lock: "audit" in ASCII.
const AUDIT_LOCK_KEY = 0x6175646974;

/** hash = SHA-256(prevHash ‖ canonical JSON of the entry). */
export function auditHash(prevHash: string, entry: AuditEntry): string {
  return sha256Hex(prevHash + canonicalJson(entry));
}

/** Appends one entry, chained onto the last. Call inside the transaction of the action it records. */
export async function appendAudit(db: HubDb, entry: AuditEntry): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const [last] = await db.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  await db.insert(auditLog).values({ ...entry, prevHash, hash: auditHash(prevHash, entry) });
}

/** The whole audit log, oldest first. */
export async function readAuditLog(db: HubDb): Promise<AuditRow[]> {
  return db.select().from(auditLog).orderBy(asc(auditLog.seq));
}
