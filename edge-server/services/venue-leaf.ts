/**
 * The leaf of the venue's Merkle log for one event: its chain hash as 32 bytes, hashed
 * as an RFC 6962 leaf (SHA-256(0x00 ‖ hash)). The chain hash already covers device,
 * epoch, seq and body, and the leaf's position is its venue seq, so the hub recomputes
 * the same root from the events it holds (hub/services/uplink.ts appends the same bytes).
 * Node's native SHA-256 here: this runs once per ingested event.
 */
import { hash } from 'node:crypto';

// 0x00 then the 32 hash bytes; reused, as hashing copies its input before returning.
const leafInput = Buffer.alloc(33);

export function venueLeafHash(eventHash: string): Uint8Array {
  if (leafInput.write(eventHash, 1, 'hex') !== 32) throw new RangeError('an event hash is 64 hex digits');
  return hash('sha256', leafInput, 'buffer') as unknown as Uint8Array;
}
