/**
 * The one format for hashed secrets (staff passwords, proctor PINs, candidates'
 * one-time access codes): `scrypt$N$saltHex$hashHex`, r = 8, p = 1, a 32-byte key.
 * It matches what the venue verifies in edge-server/candidate/access-code.ts, so a
 * hash made at the hub checks at the venue and back.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** scrypt cost N; 2^14 keeps a login near 50 ms while making guessing slow. */
export const SCRYPT_COST = 1 << 14;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const HASH_SHAPE = /^scrypt\$(\d+)\$((?:[0-9a-f]{2}){8,64})\$((?:[0-9a-f]{2}){16,64})$/;
// A hash names its own cost; a forged hash must not make us spend unbounded memory.
const MIN_COST = 1 << 10;
const MAX_COST = 1 << 17;

function derive(secret: string, salt: Buffer, keyLength: number, cost: number): Buffer {
  return scryptSync(secret, salt, keyLength, { N: cost, r: BLOCK_SIZE, p: PARALLELISM, maxmem: 256 * 1024 * 1024 });
}

/**
 * Hashes a secret. The salt is 16 random bytes unless one is given (the demo passes
 * a fixed salt so its content is reproducible; real accounts never should).
 */
export function hashSecret(secret: string, options: { salt?: Uint8Array; cost?: number } = {}): string {
  const salt = Buffer.from(options.salt ?? randomBytes(16));
  if (salt.length < 8) throw new RangeError('hashSecret: a salt needs at least 8 bytes');
  const cost = options.cost ?? SCRYPT_COST;
  const key = derive(secret, salt, KEY_LENGTH, cost);
  return `scrypt$${cost}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** True when `secret` is the secret `storedHash` was made from; a malformed hash never matches. */
export function verifySecret(secret: string, storedHash: string | undefined | null): boolean {
  const match = storedHash ? HASH_SHAPE.exec(storedHash) : null;
  if (!match) return false;
  const cost = Number(match[1]);
  if (!Number.isSafeInteger(cost) || cost < MIN_COST || cost > MAX_COST || (cost & (cost - 1)) !== 0) return false;
  const salt = Buffer.from(match[2]!, 'hex');
  const expected = Buffer.from(match[3]!, 'hex');
  const actual = derive(secret, salt, expected.length, cost);
  return timingSafeEqual(actual, expected);
}
