/**
 * Checks a typed one-time access code against the roster's scrypt hash
 * (`scrypt$N$salt$hash`, salt and hash in hex; r = 8, p = 1, key length = the hash's).
 * The comparison is constant-time, and a malformed hash simply never matches.
 */
import { scrypt, timingSafeEqual } from 'node:crypto';

const HASH_SHAPE = /^scrypt\$(\d+)\$([0-9a-f]+)\$([0-9a-f]+)$/;

/** Access codes are typed by people: spaces, dashes and case do not matter. */
export function normaliseAccessCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

function scryptAsync(secret: string, salt: Buffer, keyLength: number, cost: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, { N: cost, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** True when `code` is the code `storedHash` was made from. */
export async function verifyAccessCode(code: string, storedHash: string | undefined): Promise<boolean> {
  const match = storedHash ? HASH_SHAPE.exec(storedHash) : null;
  if (!match) return false;
  const cost = Number(match[1]);
  // A hash names its own cost; a forged one must not make the venue spend unbounded memory.
  if (!Number.isInteger(cost) || cost < 2 || cost > 1 << 17 || (cost & (cost - 1)) !== 0) return false;
  const expected = Buffer.from(match[3]!, 'hex');
  const salt = Buffer.from(match[2]!, 'hex');
  // Codes are compared as typed and in their normal form, so a hash made either way verifies.
  for (const candidate of new Set([code, normaliseAccessCode(code)])) {
    const actual = await scryptAsync(candidate, salt, expected.length, cost);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return true;
  }
  return false;
}

/** Makes a hash in the roster's format (for tests and tools; the hub makes the real ones). */
export async function hashAccessCode(code: string, cost = 1 << 14): Promise<string> {
  const salt = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  const key = await scryptAsync(normaliseAccessCode(code), salt, 32, cost);
  return `scrypt$${cost}$${salt.toString('hex')}$${key.toString('hex')}`;
}
