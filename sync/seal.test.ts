import { describe, expect, it } from 'vitest';
import {
  SealError,
  generateSessionKey,
  isSealIntact,
  makeReleaseCode,
  normaliseReleaseCode,
  openPackage,
  sealPackage,
  unwrapKeyWithReleaseCode,
  wrapKeyWithReleaseCode,
} from './seal';

const packageJson = JSON.stringify({ format: 'exam-package/1', examId: 'math', title: { kk: 'Математика', ru: 'Математика' } });

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SealError);
    return (error as SealError).reason;
  }
  throw new Error('expected a SealError');
}

describe('seal', () => {
  it('makes 256-bit hex session keys that differ', () => {
    const a = generateSessionKey();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSessionKey()).not.toBe(a);
  });

  it('seals and opens a package, with a fresh IV each time', async () => {
    const key = generateSessionKey();
    const sealed = await sealPackage(packageJson, key);
    expect(sealed.ciphertext).not.toContain('Математика');
    expect(sealed.iv.length).toBeGreaterThanOrEqual(16);
    expect(isSealIntact(sealed)).toBe(true);
    expect(await openPackage(sealed, key)).toBe(packageJson);
    expect((await sealPackage(packageJson, key)).iv).not.toBe(sealed.iv);
  });

  it('refuses the wrong key with bad-key', async () => {
    const sealed = await sealPackage(packageJson, generateSessionKey());
    expect(await failure(openPackage(sealed, generateSessionKey()))).toBe('bad-key');
    expect(await failure(openPackage(sealed, 'not-a-key'))).toBe('bad-key');
  });

  it('refuses damaged ciphertext with corrupt-package', async () => {
    const key = generateSessionKey();
    const sealed = await sealPackage(packageJson, key);
    const flipped = sealed.ciphertext.startsWith('A') ? `B${sealed.ciphertext.slice(1)}` : `A${sealed.ciphertext.slice(1)}`;
    expect(isSealIntact({ ...sealed, ciphertext: flipped })).toBe(false);
    expect(await failure(openPackage({ ...sealed, ciphertext: flipped }, key))).toBe('corrupt-package');
  });

  it('makes typable release codes in three groups of four', () => {
    const code = makeReleaseCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(makeReleaseCode()).not.toBe(code);
    expect(normaliseReleaseCode(' 7kq2 - m9xo-4hti ')).toBe('7KQ2M9X04HT1');
  });

  it('wraps a key under a release code and unwraps it, forgiving case and separators', async () => {
    const key = generateSessionKey();
    const code = makeReleaseCode();
    const wrapped = await wrapKeyWithReleaseCode(key, code);
    expect(wrapped.ciphertext).not.toContain(key);
    expect(await unwrapKeyWithReleaseCode(wrapped, code)).toBe(key);
    expect(await unwrapKeyWithReleaseCode(wrapped, code.toLowerCase().replace(/-/g, ' '))).toBe(key);
  });

  it('refuses a wrong release code with bad-release-code', async () => {
    const key = generateSessionKey();
    const wrapped = await wrapKeyWithReleaseCode(key, 'AAAA-BBBB-CCCC');
    expect(await failure(unwrapKeyWithReleaseCode(wrapped, 'AAAA-BBBB-CCCD'))).toBe('bad-release-code');
  });
});
