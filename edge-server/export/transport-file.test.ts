import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSyncRefusal } from '../../sync/refusals';
import { isTransportSignature, newTransportKeyPair, openTransportFile, readTransportFile, sealTransportFile, type TransportChunk } from './transport-file';

const venueKeys = generateKeyPairSync('ed25519');
const hub = newTransportKeyPair();
const head = { venueId: 'venue-tf', size: 3, root: 'a'.repeat(64), at: 1_764_057_600_000, signature: 'c2lnbmF0dXJl' };
const chunk = (fromVenueSeq: number, count: number, body: number[]): TransportChunk => ({
  envelope: { venueId: 'venue-tf', nonce: 'ab'.repeat(16), sentAt: head.at, fromVenueSeq, count, bodySha256: 'b'.repeat(64), head, signature: 'c2ln' },
  body: new Uint8Array(body),
});
const seal = (hubPublicKey = hub.publicKey) => sealTransportFile({
  venueId: 'venue-tf', exportedAt: head.at, head, chunks: [chunk(1, 2, [1, 2, 3]), chunk(3, 1, [])], hubPublicKey,
  sign: (text) => sign(null, Buffer.from(text, 'utf8'), venueKeys.privateKey).toString('base64'),
});
const reason = (work: () => unknown): string => {
  try {
    work();
    return 'none';
  } catch (error) {
    return isSyncRefusal(error) ? error.reason : 'other';
  }
};

describe('venue transport file', () => {
  it('round-trips its chunks for the hub key it was sealed to, signed by the venue', () => {
    const file = readTransportFile(seal());
    expect(file.header).toMatchObject({ venueId: 'venue-tf', chunkCount: 2, head });
    expect(isTransportSignature(file, venueKeys.publicKey)).toBe(true);
    expect(isTransportSignature(file, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    const chunks = openTransportFile(file, hub.privateKeyPem);
    expect(chunks.map((c) => [c.envelope.fromVenueSeq, [...c.body]])).toEqual([[1, [1, 2, 3]], [3, []]]);
  });

  it('does not show its chunks in the clear', () => {
    const file = Buffer.from(seal());
    expect(file.includes(Buffer.from('"fromVenueSeq"'))).toBe(false);
  });

  it('fails the signature for any changed byte, and refuses to open a changed ciphertext', () => {
    const sealed = seal();
    for (const offset of [9, 40, sealed.length - 70, sealed.length - 1]) {
      const changed = new Uint8Array(sealed);
      changed[offset]! ^= 0x04;
      let file;
      try {
        file = readTransportFile(changed);
      } catch (error) {
        expect(isSyncRefusal(error)).toBe(true);
        continue;
      }
      expect(isTransportSignature(file, venueKeys.publicKey)).toBe(false);
      if (offset >= sealed.length - 70 && offset < sealed.length - 64) expect(reason(() => openTransportFile(file, hub.privateKeyPem))).toBe('bad-signature');
    }
  });

  it('refuses another hub key, a cut-short file and something else entirely', () => {
    const other = newTransportKeyPair();
    expect(reason(() => openTransportFile(readTransportFile(seal()), other.privateKeyPem))).toBe('malformed');
    expect(reason(() => readTransportFile(seal().subarray(0, 40)))).toBe('malformed');
    expect(reason(() => readTransportFile(new TextEncoder().encode('not a transport file at all, just text'.repeat(5))))).toBe('malformed');
  });
});
