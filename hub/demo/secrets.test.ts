import { describe, expect, it } from 'vitest';
import { hashAccessCode, verifyAccessCode } from '../../edge-server/candidate/access-code';
import { hashSecret, SCRYPT_COST, verifySecret } from './secrets';

describe('hashSecret / verifySecret', () => {
  it('writes scrypt$N$salt$hash with N = 16384, a 16-byte salt and a 32-byte key', () => {
    expect(hashSecret('483920')).toMatch(new RegExp(`^scrypt\\$${SCRYPT_COST}\\$[0-9a-f]{32}\\$[0-9a-f]{64}$`));
    expect(SCRYPT_COST).toBe(16384);
  });

  it('salts randomly by default, and both hashes verify', () => {
    const first = hashSecret('demo-admin-pass');
    const second = hashSecret('demo-admin-pass');
    expect(first).not.toBe(second);
    expect(verifySecret('demo-admin-pass', first)).toBe(true);
    expect(verifySecret('demo-admin-pass', second)).toBe(true);
  });

  it('gives the same hash for the same given salt', () => {
    const salt = new Uint8Array(16).fill(7);
    expect(hashSecret('1111', { salt })).toBe(hashSecret('1111', { salt }));
    expect(() => hashSecret('1111', { salt: new Uint8Array(4) })).toThrow(RangeError);
  });

  it('refuses a wrong secret, a tampered hash and malformed or abusive hashes', () => {
    const hash = hashSecret('2222', { salt: new Uint8Array(16).fill(1) });
    expect(verifySecret('2223', hash)).toBe(false);
    const lastChar = hash.at(-1) === '0' ? '1' : '0';
    expect(verifySecret('2222', hash.slice(0, -1) + lastChar)).toBe(false);
    expect(verifySecret('2222', undefined)).toBe(false);
    expect(verifySecret('2222', '')).toBe(false);
    expect(verifySecret('2222', hash.replace('scrypt$', 'bcrypt$'))).toBe(false);
    expect(verifySecret('2222', hash.replace(`$${SCRYPT_COST}$`, '$16383$'))).toBe(false); // not a power of two
    expect(verifySecret('2222', hash.replace(`$${SCRYPT_COST}$`, `$${1 << 24}$`))).toBe(false); // cost out of bounds
  });

  it('shares its format with the venue: each side verifies the other\'s hashes', async () => {
    expect(await verifyAccessCode('654321', hashSecret('654321'))).toBe(true);
    expect(await verifyAccessCode('654322', hashSecret('654321'))).toBe(false);
    expect(verifySecret('123456', await hashAccessCode('123456'))).toBe(true);
  });
});
