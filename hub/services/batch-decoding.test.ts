import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '../../sync/canonical';
import { leafHash } from '../../sync/merkle';
import { eventLeafHash } from './batch-decoding';

describe('event leaf hash', () => {
  it('equals the Merkle leaf hash of the event hash\'s bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(bytesToHex(eventLeafHash(bytesToHex(bytes)))).toBe(bytesToHex(leafHash(bytes)));
      }),
    );
    // Each call stands alone: the shared input buffer leaks nothing between events.
    const first = eventLeafHash('ab'.repeat(32));
    eventLeafHash('cd'.repeat(32));
    expect(bytesToHex(first)).toBe(bytesToHex(leafHash(hexToBytes('ab'.repeat(32)))));
  });
});
