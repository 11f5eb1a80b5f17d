import { canonicalJson, sha256Hex } from './canonical';
import type { ChainedEvent, EventBody } from './events';

/** The `prevHash` of a device's first event in an epoch. */
export const GENESIS_HASH = '0'.repeat(64);

/** hash = SHA-256(prevHash ‖ canonical JSON of the body). The body never includes its own hashes. */
export function hashEvent(prevHash: string, body: EventBody): string {
  return sha256Hex(prevHash + canonicalJson(body));
}

/** Strips `prevHash` and `hash`, leaving the body that was hashed. */
export function bodyOfEvent(event: ChainedEvent): EventBody {
  const { prevHash: _p, hash: _h, ...body } = event;
  return body as EventBody;
}

/** Links a body after the device's previous event (or the genesis hash). */
export function chainEvent(prevHash: string, body: EventBody): ChainedEvent {
  return { ...body, prevHash, hash: hashEvent(prevHash, body) } as ChainedEvent;
}

/** Why a chain failed to verify, at the first bad event. */
export type ChainFault = { index: number; reason: 'bad-chain' | 'gap' | 'wrong-device' };

/**
 * Checks that events form one device's chain: same (deviceId, epoch), seq increasing
 * by one, each prevHash equal to the previous hash and each hash recomputed.
 * `start` gives what the verifier already holds before the first event.
 */
export function verifyChain(events: readonly ChainedEvent[], start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): ChainFault | null {
  let { seq, hash } = start;
  const first = events[0];
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    if (first && (event.deviceId !== first.deviceId || event.epoch !== first.epoch)) return { index, reason: 'wrong-device' };
    if (event.seq !== seq + 1) return { index, reason: 'gap' };
    if (event.prevHash !== hash) return { index, reason: 'bad-chain' };
    if (hashEvent(event.prevHash, bodyOfEvent(event)) !== event.hash) return { index, reason: 'bad-chain' };
    seq = event.seq;
    hash = event.hash;
  }
  return null;
}
