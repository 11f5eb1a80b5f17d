import fc from 'fast-check';
import { sha256 as referenceSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex as referenceHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, sha256, utf8ToBytes } from './sha256';

const hexOf = (text: string) => bytesToHex(sha256(utf8ToBytes(text)));

describe('sha256', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(hexOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hexOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hexOf('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(hexOf('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu')).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
    expect(hexOf('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with a reference implementation on any bytes, across every padding boundary', () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      expect(bytesToHex(sha256(bytes))).toBe(referenceHex(referenceSha256(bytes)));
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => bytesToHex(sha256(bytes)) === referenceHex(referenceSha256(bytes))), { numRuns: 500 });
  });

  it('hashes the UTF-8 of Kazakh and Russian text', () => {
    expect(bytesToHex(sha256(utf8ToBytes('Қазақстан · Казахстан')))).toBe(referenceHex(referenceSha256(new TextEncoder().encode('Қазақстан · Казахстан'))));
  });
});

describe('hex', () => {
  it('round-trips bytes and refuses what is not whole hex bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => bytesToHex(hexToBytes(bytesToHex(bytes))) === referenceHex(bytes)));
    expect(hexToBytes('00ffA0')).toEqual(Uint8Array.from([0, 255, 160]));
    expect(() => hexToBytes('abc')).toThrow(/hex/);
    expect(() => hexToBytes('zz')).toThrow(/hex/);
  });
});
