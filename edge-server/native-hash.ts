import { createHash } from 'node:crypto';
import { useSha256Hex } from '../sync/canonical';

/** Hashes events with Node's native SHA-256: the venue re-hashes every event it receives. */
export function useNativeSha256(): void {
  useSha256Hex((text) => createHash('sha256').update(text).digest('hex'));
}
