/**
 * Builders of realistic event chains for tests and benchmarks in every tier:
 * a candidate answering an NCT-like exam, with deterministic pseudo-random choices.
 */
import { GENESIS_HASH, chainEvent } from './chain';
import type { ChainedEvent, EventBody } from './events';

/** A small deterministic PRNG (mulberry32), so fixtures are reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chains bodies (without seq/prevHash/hash) into one device's chain, starting after `start`. */
export function chainBodies(
  bodies: ReadonlyArray<Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>>,
  device: { deviceId: string; epoch: number },
  start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): ChainedEvent[] {
  let { seq, hash } = start;
  return bodies.map((partial) => {
    seq += 1;
    const event = chainEvent(hash, { ...partial, ...device, seq } as EventBody);
    hash = event.hash;
    return event;
  });
}

/**
 * A candidate PC's chain for one attempt: start, then `answers` answer.set events with views
 * and the occasional flag or change of mind, 5–60 s apart, over items `blk-001`… with options a–d.
 */
export function candidateChain(options: { deviceId?: string; epoch?: number; attemptId?: string; answers: number; seed?: number; startAt?: number }): ChainedEvent[] {
  const random = seededRandom(options.seed ?? 1);
  const attemptId = options.attemptId ?? 'att-0001';
  let at = options.startAt ?? 1_764_057_600_000;
  const bodies: Array<Omit<EventBody, 'seq' | 'deviceId' | 'epoch'>> = [
    { type: 'attempt.started', at, attemptId, data: { sessionId: 'ses-astana-2026-11-25', candidateId: 'cand-0001', seatId: 'A-07', language: 'kk' } },
  ];
  for (let n = 0; n < options.answers; n++) {
    at += 5_000 + Math.floor(random() * 55_000);
    const itemId = `blk-${String(1 + Math.floor(random() * 100)).padStart(3, '0')}`;
    const option = 'abcd'[Math.floor(random() * 4)]!;
    bodies.push({ type: 'answer.set', at, attemptId, data: { itemId, value: { optionIds: [`${itemId}-${option}`] } } });
  }
  return chainBodies(bodies, { deviceId: options.deviceId ?? 'pc-astana-a07', epoch: options.epoch ?? 1 });
}
