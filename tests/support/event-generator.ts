/**
 * Realistic chained events for many simulated candidate PCs, deterministic from a
 * seed, and a pusher that delivers them to a venue the way a device's outbox does:
 * ordered `DevicePush` batches, and after any error it asks the venue's cursor and
 * resends from there (the receiver owns the cursor), until every event is acknowledged.
 */
import { chainEvent, GENESIS_HASH } from '../../sync/chain';
import type { ChainedEvent, EventBody, ViolationKind } from '../../sync/events';
import { seededRandom } from './fault-proxy';

export interface GeneratorOptions {
  seed: number;
  /** Number of simulated candidate PCs, each sitting one attempt. */
  devices: number;
  /** Events per device, attempt.started and attempt.finished included (≥ 2). */
  eventsPerDevice: number;
  /** Prefix of the device ids, e.g. the venue's id. */
  prefix?: string;
  epoch?: number;
  sessionId?: string;
  /** Clock of the first event, ms since the epoch. */
  startAt?: number;
}

/** One simulated PC: who sits there and how many events it writes. */
export interface DevicePlan {
  index: number;
  deviceId: string;
  epoch: number;
  attemptId: string;
  candidateId: string;
  count: number;
}

export interface EventGenerator {
  readonly options: Required<GeneratorOptions>;
  readonly devices: readonly DevicePlan[];
  readonly total: number;
  /** The device's whole chain, seq 1..count; the same every call for the same seed. */
  eventsOf(device: DevicePlan): ChainedEvent[];
}

const ITEMS = 120;
const VIOLATIONS: readonly ViolationKind[] = ['no-face', 'head-turned', 'focus-lost', 'fullscreen-left', 'multiple-faces', 'voice-noise'];
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A generator of `devices × eventsPerDevice` events; devices are produced lazily. */
export function createEventGenerator(options: GeneratorOptions): EventGenerator {
  if (options.eventsPerDevice < 2) throw new RangeError('a device needs at least attempt.started and attempt.finished');
  const full: Required<GeneratorOptions> = {
    prefix: 'pc',
    epoch: 1,
    sessionId: 'ent-2026-06-a',
    startAt: Date.UTC(2026, 5, 10, 4, 0, 0),
    ...options,
  };
  const devices: DevicePlan[] = [];
  for (let index = 0; index < full.devices; index++) {
    const room = Math.floor(index / 30) + 1;
    const seat = (index % 30) + 1;
    devices.push({
      index,
      deviceId: `${full.prefix}-r${pad(room, 2)}-s${pad(seat, 2)}`,
      epoch: full.epoch,
      attemptId: `att-${full.sessionId}-${pad(index + 1, 5)}`,
      candidateId: `cand-${pad(100000 + ((index * 7919 + full.seed) % 900000), 6)}`,
      count: full.eventsPerDevice,
    });
  }
  return {
    options: full,
    devices,
    total: full.devices * full.eventsPerDevice,
    eventsOf: (device) => deviceEvents(full, device),
  };
}

function deviceEvents(options: Required<GeneratorOptions>, device: DevicePlan): ChainedEvent[] {
  const random = seededRandom((options.seed * 1_000_003 + device.index * 7_919) >>> 0);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: ChainedEvent[] = [];
  let prevHash = GENESIS_HASH;
  let at = options.startAt + Math.floor(random() * 60_000);
  let item = 1;
  let openViolation: string | null = null;
  let violations = 0;
  const base = { deviceId: device.deviceId, epoch: device.epoch, attemptId: device.attemptId };
  const push = (body: Omit<EventBody, 'deviceId' | 'epoch' | 'attemptId' | 'seq' | 'at'>) => {
    at += 500 + Math.floor(random() * 9_000);
    const event = chainEvent(prevHash, { ...base, seq: events.length + 1, at, ...body } as EventBody);
    events.push(event);
    prevHash = event.hash;
  };
  const itemId = (n: number) => `itm-${pad(n, 3)}`;

  push({ type: 'attempt.started', data: { sessionId: options.sessionId, candidateId: device.candidateId, seatId: `seat-${pad((device.index % 30) + 1, 2)}`, language: random() < 0.6 ? 'kk' : 'ru' } });
  // The last slot is attempt.finished, and the one before it ends any open violation.
  while (events.length < device.count - 2) {
    const roll = random();
    if (openViolation && roll < 0.3) {
      push({ type: 'violation.ended', data: { violationId: openViolation } });
      openViolation = null;
    } else if (!openViolation && roll < 0.03) {
      openViolation = `v-${device.deviceId}-${++violations}`;
      push({ type: 'violation.started', data: { violationId: openViolation, kind: pick(VIOLATIONS) } });
    } else if (roll < 0.3) {
      item = random() < 0.8 ? (item % ITEMS) + 1 : 1 + Math.floor(random() * ITEMS);
      push({ type: 'item.viewed', data: { itemId: itemId(item) } });
    } else if (roll < 0.85) {
      const options = 4 + (item % 2);
      const chosen = [`${itemId(item)}-o${1 + Math.floor(random() * options)}`];
      if (item % 10 === 0 && random() < 0.5) chosen.push(`${itemId(item)}-o${options}`);
      push({ type: 'answer.set', data: { itemId: itemId(item), value: { optionIds: [...new Set(chosen)] } } });
    } else if (roll < 0.9) {
      push({ type: 'answer.cleared', data: { itemId: itemId(item) } });
    } else {
      push({ type: 'item.flagged', data: { itemId: itemId(item), isFlagged: random() < 0.7 } });
    }
  }
  if (events.length < device.count - 1) {
    if (openViolation) push({ type: 'violation.ended', data: { violationId: openViolation } });
    else push({ type: 'item.viewed', data: { itemId: itemId(item) } });
  }
  push({ type: 'attempt.finished', data: { reason: random() < 0.8 ? 'candidate' : 'time-up' } });
  return events;
}

// ---- pushing to a venue ------------------------------------------------------

export interface PushOptions {
  venueUrl: string;
  /** Devices pushing at once. */
  concurrency?: number;
  /** Events per DevicePush (the schema allows up to 2000). */
  batchSize?: number;
  /** Give up (throw) after this long without finishing. */
  timeoutMs?: number;
  /** Called after each acknowledged batch with the number of newly acknowledged events. */
  onAcked?: (count: number) => void;
  /** Stops pushing early (the promise resolves with what was acknowledged so far). */
  signal?: AbortSignal;
}

/** Where the venue stood for a device at the end. */
export interface DeviceTip {
  deviceId: string;
  epoch: number;
  seq: number;
  hash: string;
}

export interface PushSummary {
  tips: Map<string, DeviceTip>;
  acked: number;
  requests: number;
  /** Requests that failed (network error, 5xx, gap) and led to a cursor query and a resend. */
  retries: number;
  /** Events sent more than once. */
  resent: number;
  /** Refusals by reason, from failed requests that had a JSON body. */
  refusals: Record<string, number>;
  /** Times the venue's cursor went below what it had already acknowledged: a lost acknowledged event. */
  regressions: number;
}

/** A refusal a resend cannot cure (conflict, bad-chain, malformed, ...). */
export class PushRefused extends Error {
  override readonly name = 'PushRefused';
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

interface Receipt { deviceId: string; epoch: number; ackedSeq: number; ackedHash: string }

function receiptOf(body: unknown): Receipt | null {
  if (typeof body !== 'object' || body === null) return null;
  const candidate = ('receipt' in body ? (body as { receipt: unknown }).receipt : body) as Partial<Receipt>;
  if (typeof candidate?.ackedSeq !== 'number' || typeof candidate.ackedHash !== 'string') return null;
  return candidate as Receipt;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Status codes after which asking the cursor and resending is the cure. */
const isRetryable = (status: number, code: string) => status >= 500 || status === 408 || status === 429 || (status === 409 && code === 'gap');

/** Pushes every device's chain to the venue, resending from the venue's cursor after each error. */
export async function pushAll(generator: EventGenerator, options: PushOptions): Promise<PushSummary> {
  const concurrency = options.concurrency ?? 8;
  const batchSize = options.batchSize ?? 200;
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const summary: PushSummary = { tips: new Map(), acked: 0, requests: 0, retries: 0, resent: 0, refusals: {}, regressions: 0 };
  const queue = [...generator.devices];

  const cursorOf = async (device: DevicePlan): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline) throw new Error(`push: no cursor for ${device.deviceId} before the deadline`);
      try {
        const response = await fetch(`${options.venueUrl}/api/device/cursor?deviceId=${encodeURIComponent(device.deviceId)}&epoch=${device.epoch}`, { signal: AbortSignal.timeout(15_000) });
        if (response.ok) {
          const receipt = receiptOf(await response.json());
          if (receipt) return receipt.ackedSeq;
        }
      } catch {
        // the venue is down or restarting: ask again
      }
      await sleep(Math.min(1000, 50 * 2 ** attempt));
    }
  };

  const pushDevice = async (device: DevicePlan) => {
    const events = generator.eventsOf(device);
    let acked = 0;
    let highestSent = 0;
    let failures = 0;
    while (acked < events.length && !options.signal?.aborted) {
      if (Date.now() > deadline) throw new Error(`push: ${device.deviceId} stuck at ${acked}/${events.length}`);
      const batch = events.slice(acked, acked + batchSize);
      const firstSeq = batch[0]!.seq;
      if (firstSeq <= highestSent) summary.resent += Math.min(highestSent, batch.at(-1)!.seq) - firstSeq + 1;
      highestSent = Math.max(highestSent, batch.at(-1)!.seq);
      summary.requests++;
      let isFailed = false;
      try {
        const response = await fetch(`${options.venueUrl}/api/device/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ deviceId: device.deviceId, epoch: device.epoch, events: batch }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        let body: unknown = null;
        try { body = JSON.parse(text); } catch { /* not JSON: counted as a failure below */ }
        if (response.ok) {
          const receipt = receiptOf(body);
          if (!receipt) throw new PushRefused(response.status, 'bad-receipt', `venue answered without a receipt: ${text.slice(0, 200)}`);
          if (receipt.ackedSeq > 0 && events[receipt.ackedSeq - 1]?.hash !== receipt.ackedHash) {
            throw new PushRefused(409, 'receipt-mismatch', `${device.deviceId}: venue acknowledged seq ${receipt.ackedSeq} with a hash we never sent`);
          }
          if (receipt.ackedSeq <= acked) {
            // The batch started right after the venue's own cursor, so a 200 must move it.
            throw new PushRefused(response.status, 'no-progress', `${device.deviceId}: venue answered 200 but stayed at seq ${receipt.ackedSeq} after a batch from ${firstSeq}`);
          }
          options.onAcked?.(receipt.ackedSeq - acked);
          summary.acked += receipt.ackedSeq - acked;
          acked = receipt.ackedSeq;
          failures = 0;
          continue;
        }
        const code = (body as { code?: string; reason?: string } | null)?.code ?? (body as { reason?: string } | null)?.reason ?? String(response.status);
        summary.refusals[code] = (summary.refusals[code] ?? 0) + 1;
        if (!isRetryable(response.status, code)) throw new PushRefused(response.status, code, `${device.deviceId}: ${response.status} ${text.slice(0, 300)}`);
        isFailed = true;
      } catch (error) {
        if (error instanceof PushRefused) throw error;
        isFailed = true;
      }
      if (isFailed) {
        summary.retries++;
        failures++;
        await sleep(Math.min(1000, 25 * 2 ** failures));
        const cursor = await cursorOf(device);
        if (cursor > acked) {
          options.onAcked?.(cursor - acked);
          summary.acked += cursor - acked;
        } else if (cursor < acked) {
          // Never expected (a receipt follows the commit); resend what the venue lost and count it.
          summary.regressions++;
          summary.acked -= acked - cursor;
        }
        acked = cursor;
      }
    }
    const last = events[acked - 1];
    summary.tips.set(device.deviceId, { deviceId: device.deviceId, epoch: device.epoch, seq: acked, hash: last?.hash ?? GENESIS_HASH });
  };

  const worker = async () => {
    for (let device = queue.shift(); device && !options.signal?.aborted; device = queue.shift()) await pushDevice(device);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return summary;
}

// ---- probing the venue and the hub --------------------------------------------

/** The parts of the venue's `GET /api/health` that sync tests and benchmarks watch. */
export interface VenueSyncHealth {
  venueId: string | null;
  log: { size: number; root: string };
  uplink: { isEnrolled: boolean; pending: number; ackedVenueSeq: number; isHeadMatched: boolean; lastError: string | null; attempts?: number };
}

/** Reads the venue's health (throws if it does not answer 200). */
export async function venueHealth(venueUrl: string): Promise<VenueSyncHealth> {
  const response = await fetch(`${venueUrl}/api/health`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`venue health: ${response.status}`);
  return (await response.json()) as VenueSyncHealth;
}

/** Polls `check` until it is true; errors count as "not yet". Throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
}
