import { hash } from 'node:crypto';
import { useSha256Hex } from '../sync/canonical';
import { useMerkleSha256 } from '../sync/merkle';

/**
 * Hashes with Node's native SHA-256: the venue re-hashes every event it receives, and
 * appends a Merkle leaf (and about one interior node) per event. The one-shot `hash`
 * skips building a Hash object per call.
 */
export function useNativeSha256(): void {
  useSha256Hex((text) => hash('sha256', text, 'hex'));
  useMerkleSha256((bytes) => hash('sha256', bytes, 'buffer') as unknown as Uint8Array);
}
