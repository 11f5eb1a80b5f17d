import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../sync/canonical';
import { leafHash } from '../../sync/merkle';
import { candidateChain } from '../../sync/testkit';
import { hexToBytes } from '../../sync/canonical';
import { venueLeafHash } from './venue-leaf';

describe('venueLeafHash', () => {
  it('is the RFC 6962 leaf hash of the event hash bytes, as the hub computes it', () => {
    for (const event of candidateChain({ answers: 20 })) {
      expect(bytesToHex(venueLeafHash(event.hash))).toBe(bytesToHex(leafHash(hexToBytes(event.hash))));
    }
  });
});
