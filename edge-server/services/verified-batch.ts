/**
 * The venue's check of a pushed batch's chain: the very checks of sync's `verifyChain`
 * (one device and epoch, seqs one apart, each prevHash the previous hash, each hash
 * recomputed as SHA-256(prevHash ‖ canonical JSON of the body), with sync's own encoder
 * and hash), keeping each body's canonical text on the way. The venue log stores that
 * text, so a body is encoded once per event, not once to verify and again to store.
 */
import { canonicalJson, sha256Hex } from '../../sync/canonical';
import type { ChainFault } from '../../sync/chain';
import type { ChainedEvent } from '../../sync/events';

/** Each event's body as canonical JSON (what its hash covers), or the first fault. */
export type VerifiedBatch = { bodies: string[]; fault: null } | { bodies: null; fault: ChainFault };

/** The canonical text of an event's body: the event without `prevHash` and `hash`. */
export function canonicalBody(event: ChainedEvent): string {
  const { prevHash: _prevHash, hash: _hash, ...body } = event;
  return canonicalJson(body);
}

/** Verifies `events` as one chain continuing from its first event's `prevHash` (as the receiver's decision does). */
export function verifyBatch(events: readonly ChainedEvent[]): VerifiedBatch {
  const first = events[0];
  const bodies: string[] = new Array(events.length);
  if (!first) return { bodies, fault: null };
  let seq = first.seq - 1;
  let hash = first.prevHash;
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    if (event.deviceId !== first.deviceId || event.epoch !== first.epoch) return { bodies: null, fault: { index, reason: 'wrong-device' } };
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
