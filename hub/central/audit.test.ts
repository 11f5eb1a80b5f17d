import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../sync/chain';
import { auditHash, type AuditRow } from '../db';
import { verifyAuditRows } from './audit';

function chain(count: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const entry = { at: 1000 + i, actor: 'admin', action: 'exam.imported', subject: `ex@${i}`, detail: { n: i } };
    const hash = auditHash(prevHash, entry);
    rows.push({ ...entry, seq: i * 2 + 1, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

describe('audit chain verification', () => {
  it('accepts an untouched chain whatever gaps its numbering has', () => {
    const rows = chain(5);
    expect(verifyAuditRows(rows)).toEqual({ isIntact: true, count: 5, headHash: rows[4]!.hash });
  });

  it('names the first edited row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, detail: { n: 99 } };
    expect(verifyAuditRows(rows)).toMatchObject({ isIntact: false, firstBad: { seq: 5, reason: 'hash-mismatch' } });
  });

  it('names the row after a removed one', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyAuditRows(rows)).toMatchObject({ isIntact: false, firstBad: { seq: 5, reason: 'broken-link' } });
  });
});
