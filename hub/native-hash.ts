import * as crypto from 'node:crypto';
import { useSha256Hex } from '../sync/canonical';
import { useMerkleSha256 } from '../sync/merkle';

// One-shot hashing (Node ≥ 20.12) skips a Hash object per digest; older Nodes use createHash.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'buffer') => string | Buffer }).hash;

/**
 * Hashes events and the venues' Merkle trees with Node's native SHA-256: the hub re-hashes
 * every event it receives and appends each one to its venue's tree.
 */
export function useNativeSha256(): void {
  if (oneShot) {
    useSha256Hex((text) => oneShot('sha256', text, 'hex') as string);
    useMerkleSha256((bytes) => oneShot('sha256', bytes, 'buffer') as Buffer);
    return;
  }
  useSha256Hex((text) => crypto.createHash('sha256').update(text).digest('hex'));
  useMerkleSha256((bytes) => crypto.createHash('sha256').update(bytes).digest());
}
