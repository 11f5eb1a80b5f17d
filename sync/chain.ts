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

/** The canonical JSON of an event's body (the event without `prevHash` and `hash`): what its hash covers. */
export function canonicalBody(event: ChainedEvent): string {
  const { prevHash: _p, hash: _h, ...body } = event;
  return canonicalJson(body);
}

/** A verified chain's bodies as canonical JSON, or its first fault. */
export type VerifiedChain = { bodies: string[]; fault: null } | { bodies: null; fault: ChainFault };

/**
 * Checks that events form one device's chain: same (deviceId, epoch), seq increasing by one,
 * each prevHash equal to the previous hash and each hash recomputed. `start` gives what the
 * verifier already holds before the first event. Keeps each body's canonical text on the way,
 * so a receiver that stores it encodes each body once.
 */
export function verifyChainBodies(events: readonly ChainedEvent[], start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): VerifiedChain {
  let { seq, hash } = start;
  const first = events[0];
  const bodies: string[] = new Array(events.length);
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    if (first && (event.deviceId !== first.deviceId || event.epoch !== first.epoch)) return { bodies: null, fault: { index, reason: 'wrong-device' } };
    if (event.seq !== seq + 1) return { bodies: null, fault: { index, reason: 'gap' } };
    if (event.prevHash !== hash) return { bodies: null, fault: { index, reason: 'bad-chain' } };
    const text = canonicalBody(event);
    if (sha256Hex(event.prevHash + text) !== event.hash) return { bodies: null, fault: { index, reason: 'bad-chain' } };
    bodies[index] = text;
    seq = event.seq;
    hash = event.hash;
  }
  return { bodies, fault: null };
}

/** The first fault of `events` as one device's chain after `start` (see verifyChainBodies), or null. */
export function verifyChain(events: readonly ChainedEvent[], start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): ChainFault | null {
  return verifyChainBodies(events, start).fault;
}
