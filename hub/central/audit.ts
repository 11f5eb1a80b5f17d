/**
 * Verifying the audit log: every row's hash is recomputed from the previous row's hash
 * and the row's own content, so an edited, removed or inserted row breaks the chain at
 * that row. Sequence numbers may skip (a rolled-back transaction consumes one); the
 * chain, not the numbering, is what proves nothing is missing.
 */
import { GENESIS_HASH } from '../../sync/chain';
import { auditHash, type AuditRow } from '../db';

export interface AuditVerification {
  isIntact: boolean;
  count: number;
  /** The head of the chain: what an auditor writes down to compare later. */
  headHash: string;
  /** The first row that does not verify, and why. */
  firstBad?: { seq: number; reason: 'hash-mismatch' | 'broken-link' };
}

/** Recomputes the chain over rows in seq order. */
export function verifyAuditRows(rows: readonly AuditRow[]): AuditVerification {
  let prev = GENESIS_HASH;
  for (const row of rows) {
    if (row.prevHash !== prev) return { isIntact: false, count: rows.length, headHash: rows.at(-1)?.hash ?? GENESIS_HASH, firstBad: { seq: row.seq, reason: 'broken-link' } };
    const expected = auditHash(prev, { at: row.at, actor: row.actor, action: row.action, subject: row.subject, detail: row.detail });
    if (expected !== row.hash) return { isIntact: false, count: rows.length, headHash: rows.at(-1)?.hash ?? GENESIS_HASH, firstBad: { seq: row.seq, reason: 'hash-mismatch' } };
    prev = row.hash;
  }
  return { isIntact: true, count: rows.length, headHash: prev };
}
