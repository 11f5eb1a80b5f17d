/**
 * Sealing exam packages: AES-256-GCM with one random key per session, and the key
 * itself wrapped under a human-typable release code (PBKDF2-SHA256 → AES-GCM), so a
 * venue cut off from the hub at start time can still unlock the package when the
 * proctor types the code. Pure WebCrypto (`globalThis.crypto.subtle`): the same code
 * seals at the hub and opens in the browser or at the venue.
 */
import { bytesToHex, hexToBytes, sha256 } from './sha256';

/** Why a sealed thing could not be opened. */
export type SealFailure = 'bad-key' | 'bad-release-code' | 'corrupt-package';

/** The error every opening step throws; `reason` names what went wrong. */
export class SealError extends Error {
  override readonly name = 'SealError';
  readonly reason: SealFailure;

  constructor(reason: SealFailure, message?: string) {
    super(message ?? reason);
    this.reason = reason;
  }
}

/** The sealed part of a package as it travels (base64 fields); see `SealedPackage` in messages.ts. */
export interface SealedFields {
  /** 12-byte AES-GCM nonce, base64. */
  iv: string;
  /** Ciphertext with its GCM tag, base64. */
  ciphertext: string;
  /** SHA-256 of the ciphertext bytes, hex: lets a cache check a package before the key exists. */
  sha256: string;
}

/** A session key wrapped under a release code (base64 fields). */
export interface WrappedKey {
  salt: string;
  iv: string;
  ciphertext: string;
}

/** PBKDF2 work factor for release codes. Fixed: the wrapped form carries no parameters. */
export const RELEASE_CODE_PBKDF2_ITERATIONS = 200_000;

// Crockford base32: no I, L, O or U, so a code read aloud or off paper is hard to mistype.
const RELEASE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RELEASE_CODE_LENGTH = 12;

function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (!value) throw new Error('WebCrypto is not available (a secure context is needed in the browser)');
  return value;
}

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list small for multi-megabyte packages.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new SealError('corrupt-package', 'not base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function keyBytes(keyHex: string): Uint8Array<ArrayBuffer> {
  if (!/^[0-9a-f]{64}$/.test(keyHex)) throw new SealError('bad-key', 'a session key is 64 lower-case hex digits');
  return new Uint8Array(hexToBytes(keyHex));
}

function aesKey(raw: Uint8Array<ArrayBuffer>, usage: KeyUsage[]): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, usage);
}

/** A fresh random AES-256 session key, as 64 lower-case hex digits. */
export function generateSessionKey(): string {
  return bytesToHex(randomBytes(32));
}

/** Encrypts a package's JSON text under a session key (AES-256-GCM, random 12-byte IV). */
export async function sealPackage(packageJson: string, keyHex: string): Promise<SealedFields> {
  const iv = randomBytes(12);
  const key = await aesKey(keyBytes(keyHex), ['encrypt']);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(packageJson)));
  return { iv: toBase64(iv), ciphertext: toBase64(ciphertext), sha256: bytesToHex(sha256(ciphertext)) };
}

/** True when the ciphertext still matches its recorded SHA-256 (no key needed). */
export function isSealIntact(sealed: SealedFields): boolean {
  try {
    return bytesToHex(sha256(fromBase64(sealed.ciphertext))) === sealed.sha256;
  } catch {
    return false;
  }
}

/**
 * Decrypts a sealed package back to its JSON text. Throws `SealError` with
 * `corrupt-package` when the bytes were damaged, `bad-key` when the key is wrong.
 */
export async function openPackage(sealed: SealedFields, keyHex: string): Promise<string> {
  const ciphertext = fromBase64(sealed.ciphertext);
  if (bytesToHex(sha256(ciphertext)) !== sealed.sha256) throw new SealError('corrupt-package', 'the package does not match its checksum');
  const key = await aesKey(keyBytes(keyHex), ['decrypt']);
  try {
    const plain = await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64(sealed.iv) }, key, ciphertext);
    return new TextDecoder().decode(plain);
  } catch {
    throw new SealError('bad-key', 'the session key does not open this package');
  }
}

/**
 * Puts a typed release code in its canonical form: upper case, separators dropped, and
 * the letters people confuse with digits (O, I, L) read as 0 and 1.
 */
export function normaliseReleaseCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** A new release code: 12 Crockford base32 characters in groups of four, e.g. `7KQ2-M9XD-4HTR`. */
export function makeReleaseCode(): string {
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  const chars = Array.from(randomBytes(RELEASE_CODE_LENGTH), (b) => RELEASE_ALPHABET[b % RELEASE_ALPHABET.length]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

async function releaseCodeKey(code: string, salt: Uint8Array<ArrayBuffer>, usage: KeyUsage[]): Promise<CryptoKey> {
  const material = await subtle().importKey('raw', new TextEncoder().encode(normaliseReleaseCode(code)), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: RELEASE_CODE_PBKDF2_ITERATIONS },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    usage,
  );
}

/** Wraps a session key under a release code: PBKDF2-SHA256 (random 16-byte salt) then AES-GCM. */
export async function wrapKeyWithReleaseCode(keyHex: string, code: string): Promise<WrappedKey> {
  const raw = keyBytes(keyHex);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await releaseCodeKey(code, salt, ['encrypt']);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, raw));
  return { salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext) };
}

/** Recovers a session key from its wrapped form; a wrong code throws `SealError('bad-release-code')`. */
export async function unwrapKeyWithReleaseCode(wrapped: WrappedKey, code: string): Promise<string> {
  let salt: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>, ciphertext: Uint8Array<ArrayBuffer>;
  try {
    [salt, iv, ciphertext] = [fromBase64(wrapped.salt), fromBase64(wrapped.iv), fromBase64(wrapped.ciphertext)];
  } catch {
    throw new SealError('bad-release-code', 'the wrapped key is damaged');
  }
  const key = await releaseCodeKey(code, salt, ['decrypt']);
  try {
    return bytesToHex(new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv }, key, ciphertext)));
  } catch {
    throw new SealError('bad-release-code', 'the release code does not open this key');
  }
}
