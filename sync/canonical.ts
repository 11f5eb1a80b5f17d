import { bytesToHex, hexToBytes, sha256, utf8ToBytes } from './sha256';

/** A JSON value as canonical encoding accepts it: no undefined, no functions, finite numbers only. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace,
 * `undefined` members dropped. Two parties that hold the same value always produce
 * the same bytes, which is what lets a hash be recomputed by the receiver.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON: non-finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      // Written as loops without intermediate arrays: every event hashed by every tier goes through here.
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonical JSON: cannot encode ${typeof value}`);
  }
}

function canonicalArray(items: readonly unknown[]): string {
  let out = '[';
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    out += (index === 0 ? '' : ',') + canonicalJson(item === undefined ? null : item);
  }
  return `${out}]`;
}

function canonicalObject(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  // Sorted by UTF-16 code units, as Array.prototype.sort does; most objects arrive sorted already.
  for (let index = 1; index < keys.length; index++) {
    if (keys[index - 1]! > keys[index]!) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

let sha256HexOf = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

/** SHA-256 of a UTF-8 string, as lowercase hex. Same result in the browser and in Node. */
export function sha256Hex(text: string): string {
  return sha256HexOf(text);
}

/**
 * Replaces the SHA-256 implementation behind `sha256Hex`, e.g. with Node's native one on
 * the servers, where re-hashing every received event dominates ingest. The replacement
 * must give identical digests; `useSha256Hex` checks it on a known vector first.
 */
export function useSha256Hex(implementation: (text: string) => string): void {
  const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  if (implementation('abc') !== expected) throw new Error('useSha256Hex: the implementation gives a wrong digest');
  sha256HexOf = implementation;
}

/** SHA-256 of raw bytes. */
export function sha256Bytes(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

export { bytesToHex, hexToBytes, utf8ToBytes };
