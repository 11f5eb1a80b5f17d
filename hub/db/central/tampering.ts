/**
 * For tests of the audit log's defences only: what an attacker with database rights would
 * do. `tryEditAuditRow` goes through the append-only trigger (and fails); `forceEditAuditRow`
 * disables the trigger first, as only a superuser can, so the hash chain must catch it.
 */
import { sql } from 'drizzle-orm';
import type { HubDb } from '../client';

/** Attempts to rewrite a row's actor as an ordinary statement. */
export async function tryEditAuditRow(db: HubDb, seq: number, actor: string): Promise<void> {
  await db.execute(sql`update audit_log set actor = ${actor} where seq = ${seq}`);
}

/** Rewrites a row's actor with the append-only trigger switched off for the moment. */
export async function forceEditAuditRow(db: HubDb, seq: number, actor: string): Promise<void> {
  await db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
  await db.execute(sql`update audit_log set actor = ${actor} where seq = ${seq}`);
  await db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
}
