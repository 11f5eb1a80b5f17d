import { describe, expect, it } from 'vitest';
import { SYNC_REFUSAL_REASONS, SyncRefusal, isSyncRefusal, refusalStatus, syncRefusalReasonSchema } from './refusals';

describe('sync refusals', () => {
  it('lists kebab-case reasons, each with a 4xx status', () => {
    expect(SYNC_REFUSAL_REASONS).toContain('conflict');
    for (const reason of SYNC_REFUSAL_REASONS) {
      expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(refusalStatus(reason)).toBeGreaterThanOrEqual(400);
      expect(refusalStatus(reason)).toBeLessThan(500);
    }
  });

  it('maps the protocol-critical reasons to the statuses senders react to', () => {
    expect(refusalStatus('conflict')).toBe(409);
    expect(refusalStatus('too-large')).toBe(413);
    expect(refusalStatus('bad-chain')).toBe(422);
    expect(refusalStatus('bad-signature')).toBe(401);
    expect(refusalStatus('malformed')).toBe(400);
  });

  it('is an Error with name, reason, status and detail', () => {
    const refusal = new SyncRefusal('gap', 'batch starts at 7, held 4', { ackedSeq: 4 });
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal.name).toBe('SyncRefusal');
    expect(refusal.reason).toBe('gap');
    expect(refusal.status).toBe(409);
    expect(refusal.detail.ackedSeq).toBe(4);
    expect(isSyncRefusal(refusal)).toBe(true);
    expect(isSyncRefusal(new Error('gap'))).toBe(false);
  });

  it('parses reasons at the boundary', () => {
    expect(syncRefusalReasonSchema.parse('stale-nonce')).toBe('stale-nonce');
    expect(syncRefusalReasonSchema.safeParse('Conflict').success).toBe(false);
  });
});
