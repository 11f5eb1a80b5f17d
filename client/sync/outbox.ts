/**
 * The outbox pump: sends this device's chained events to the venue, oldest first,
 * and records the venue's receipts in the device store.
 *
 * - `POST /api/device/events` with `{ deviceId, epoch, events }` answers
 *   `{ receipt: { deviceId, epoch, ackedSeq, ackedHash } }`, the highest seq the
 *   venue holds without gaps, or a refusal `{ code, reason, message }`.
 * - The venue owns the cursor. The pump asks `GET /api/device/cursor` when it
 *   starts, after any network failure and after a `gap` refusal, then resends from
 *   there. Resending is safe: the venue ignores events it already holds.
 * - A receipt counts only if its `ackedHash` is our own event's hash at that seq.
 * - A 413 halves the batch (never drops it); failures back off exponentially with
 *   full jitter; a refusal that resending cannot cure (`conflict`, `bad-chain`…)
 *   is shown as an error and retried only slowly.
 */
import { ref, type Ref } from 'vue';
import { DeviceReceipt } from '../../sync/messages';
import { SYNC_REFUSAL_REASONS, type SyncRefusalReason } from '../../sync/refusals';
import type { ChainedEvent } from '../../sync/events';
import { countPending, eventsAfter, getDevice, markAcked, type DeviceDb, type DeviceIdentity } from '../db';

export type OutboxState = 'idle' | 'loading' | 'done' | 'error';

/** Why a push did not go through: a receiver's refusal reason, or a failure on the way. */
export type OutboxErrorReason = SyncRefusalReason | 'offline' | 'server-error' | 'bad-response';

export class OutboxError extends Error {
  override readonly name = 'OutboxError';
  readonly reason: OutboxErrorReason;
  readonly status: number | undefined;
  /** The receiver's cursor when the refusal names one (e.g. `gap`). */
  readonly ackedSeq: number | undefined;

  constructor(reason: OutboxErrorReason, message: string, options: { status?: number; ackedSeq?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.status = options.status;
    this.ackedSeq = options.ackedSeq;
  }
}

/** What the pump needs from the device store (client/db gives it). */
export interface OutboxStore {
  getDevice(): Promise<DeviceIdentity | null>;
  eventsAfter(epoch: number, afterSeq: number, limit: number): Promise<ChainedEvent[]>;
  markAcked(epoch: number, uptoSeq: number): Promise<number>;
  countPending(): Promise<number>;
}

/** The device store as the pump sees it; `db` defaults to the PWA's database. */
export function deviceOutboxStore(db?: DeviceDb): OutboxStore {
  return {
    getDevice: () => getDevice(db),
    eventsAfter: (epoch, afterSeq, limit) => eventsAfter(epoch, afterSeq, limit, db),
    markAcked: (epoch, uptoSeq) => markAcked(epoch, uptoSeq, db),
    countPending: () => countPending(db),
  };
}

export interface OutboxOptions {
  store?: OutboxStore;
  /** The network's edge; tests pass a fake. */
  fetch?: typeof fetch;
  /** Origin of the venue; '' means the page's own origin. */
  baseUrl?: string;
  /** Most events in one push (the venue accepts up to 2000). */
  maxBatch?: number;
  /** Soft cap on a push's JSON size; a batch always carries at least one event. */
  maxBatchBytes?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often a started pump looks for new events by itself. */
  pollMs?: number;
  random?: () => number;
  now?: () => number;
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base·2^(n−1))]
 * after the n-th failure in a row, so a room of PCs does not retry in step.
 */
export function backoffDelay(failures: number, random: () => number = Math.random, baseMs = 1000, maxMs = 60_000): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.floor(random() * ceiling);
}

/** Reasons that resending the same events cannot cure: someone has to look. */
const STUCK_REASONS: ReadonlySet<OutboxErrorReason> = new Set<OutboxErrorReason>([
  'conflict', 'bad-chain', 'malformed', 'unknown-device', 'bad-signature', 'unknown-venue', 'too-large', 'bad-response',
]);

function isRefusalReason(value: unknown): value is SyncRefusalReason {
  return typeof value === 'string' && (SYNC_REFUSAL_REASONS as string[]).includes(value);
}

async function refusalOf(response: Response): Promise<OutboxError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: the status alone decides
  }
  const details = (typeof body.details === 'object' && body.details !== null ? body.details : {}) as Record<string, unknown>;
  const named = [body.reason, body.code, details.reason].find(isRefusalReason);
  const reason: OutboxErrorReason = named ?? (response.status === 413 ? 'too-large' : response.status >= 500 ? 'server-error' : 'bad-response');
  const ackedSeq = [body.ackedSeq, details.ackedSeq].find((v): v is number => typeof v === 'number');
  const message = typeof body.message === 'string' ? body.message : `venue answered ${response.status}`;
  return new OutboxError(reason, message, { status: response.status, ackedSeq });
}

function parseReceipt(payload: unknown, device: DeviceIdentity): DeviceReceipt {
  const candidate = typeof payload === 'object' && payload !== null && 'receipt' in payload ? (payload as { receipt: unknown }).receipt : payload;
  const parsed = DeviceReceipt.safeParse(candidate);
  if (!parsed.success) throw new OutboxError('bad-response', 'the venue answered without a valid receipt');
  if (parsed.data.deviceId !== device.deviceId || parsed.data.epoch !== device.epoch) {
    throw new OutboxError('bad-response', 'the venue answered with a receipt for another device chain');
  }
  return parsed.data;
}

/** Takes events from the front until the JSON size would pass the cap (at least one). */
function fitBatch(events: ChainedEvent[], maxBytes: number): ChainedEvent[] {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += JSON.stringify(events[i]).length + 1;
    if (bytes > maxBytes && i > 0) return events.slice(0, i);
  }
  return events;
}

export interface Outbox {
  /** Events the venue has not acknowledged yet. */
  pending: Ref<number>;
  /** When the last receipt came (ms since epoch), or null. */
  lastAckAt: Ref<number | null>;
  /** Whether the venue answered the last request at all. */
  isOnline: Ref<boolean>;
  state: Ref<OutboxState>;
  error: Ref<OutboxError | null>;
  /** Delay before the scheduled retry after a failure, or null. */
  retryInMs: Ref<number | null>;
  /** Sends everything pending now; resolves when the outbox is empty or a push failed. */
  drain(): Promise<void>;
  /** A new event was written: send it soon (unless waiting out a backoff). */
  kick(): void;
  /** Where the venue stands for this device's chain, as last heard (null: not known yet). */
  cursor(): { epoch: number; ackedSeq: number } | null;
  /**
   * A receipt the venue gave for events sent another way (the device writer's fast path):
   * checked against our own events like any other, then recorded.
   */
  noteReceipt(receipt: DeviceReceipt): Promise<void>;
  /**
   * The device writer committed this event. Once the venue's cursor covers everything
   * written this way, the poll has nothing to look for and leaves the store alone.
   */
  noteWritten(event: { epoch: number; seq: number }): void;
  /** Starts polling and listening for the browser's online/offline events. */
  start(): void;
  stop(): void;
}

export function createOutbox(options: OutboxOptions = {}): Outbox {
  const store = options.store ?? deviceOutboxStore();
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = options.baseUrl ?? '';
  const maxBatch = options.maxBatch ?? 200;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const backoffMaxMs = options.backoffMaxMs ?? 60_000;
  const pollMs = options.pollMs ?? 10_000;

  const pending = ref(0);
  const lastAckAt = ref<number | null>(null);
  const isOnline = ref(true);
  const state = ref<OutboxState>('idle');
  const error = ref<OutboxError | null>(null);
  const retryInMs = ref<number | null>(null);

  /** The venue's cursor for our chain, or null when it must be asked. */
  let cursor: { epoch: number; ackedSeq: number } | null = null;
  let batchSize = maxBatch;
  let failures = 0;
  let running: Promise<void> | null = null;
  let wantsAnotherPass = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let isStarted = false;
  /** The newest event the writer reported, if it reports them (null: the poll always looks). */
  let written: { epoch: number; seq: number } | null = null;

  async function request(path: string, init?: RequestInit): Promise<Response> {
    try {
      const response = await doFetch(`${baseUrl}${path}`, init);
      isOnline.value = true;
      return response;
    } catch (cause) {
      isOnline.value = false;
      throw new OutboxError('offline', 'the venue cannot be reached', { cause });
    }
  }

  /**
   * Records a receipt. Its hash must be the hash of our own event at that seq:
   * otherwise the venue holds a different chain, and marking our events acked
   * would let the only true copy go. That is an alarm, never an acknowledgement.
   */
  async function acknowledge(device: DeviceIdentity, receipt: DeviceReceipt): Promise<void> {
    if (receipt.ackedSeq > 0) {
      const [ours] = await store.eventsAfter(device.epoch, receipt.ackedSeq - 1, 1);
      if (!ours || ours.seq !== receipt.ackedSeq || ours.hash !== receipt.ackedHash) {
        throw new OutboxError('conflict', `the venue holds a different event at seq ${receipt.ackedSeq}`, { ackedSeq: receipt.ackedSeq });
      }
    }
    cursor = { epoch: device.epoch, ackedSeq: receipt.ackedSeq };
    if (receipt.ackedSeq > 0) await store.markAcked(device.epoch, receipt.ackedSeq);
    lastAckAt.value = now();
  }

  async function askCursor(device: DeviceIdentity): Promise<void> {
    const query = new URLSearchParams({ deviceId: device.deviceId, epoch: String(device.epoch) });
    const response = await request(`/api/device/cursor?${query}`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw await refusalOf(response);
    await acknowledge(device, parseReceipt(await response.json().catch(() => null), device));
  }

  async function push(device: DeviceIdentity, events: ChainedEvent[]): Promise<DeviceReceipt> {
    const response = await request('/api/device/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ deviceId: device.deviceId, epoch: device.epoch, events }),
    });
    if (!response.ok) throw await refusalOf(response);
    return parseReceipt(await response.json().catch(() => null), device);
  }

  /** One pass: push batches from the cursor until nothing is left. */
  async function sendAll(): Promise<void> {
    const device = await store.getDevice();
    if (!device) return; // nothing can have been written yet
    let stalls = 0;
    for (;;) {
      if (!cursor || cursor.epoch !== device.epoch) await askCursor(device);
      const from = cursor!.ackedSeq;
      const events = fitBatch(await store.eventsAfter(device.epoch, from, batchSize), maxBatchBytes);
      if (events.length === 0) return;
      try {
        const receipt = await push(device, events);
        await acknowledge(device, receipt);
        batchSize = Math.min(maxBatch, batchSize * 2); // earn back a batch halved by a 413
        stalls = receipt.ackedSeq > from ? 0 : stalls + 1;
      } catch (failure) {
        if (!(failure instanceof OutboxError)) throw failure;
        if (failure.reason === 'too-large' && events.length > 1) {
          batchSize = Math.max(1, Math.floor(events.length / 2));
          continue;
        }
        if (failure.reason !== 'gap') throw failure;
        // The venue holds less than we thought: resend from where it stands.
        cursor = failure.ackedSeq === undefined ? null : { epoch: device.epoch, ackedSeq: failure.ackedSeq };
        stalls += 1;
      }
      if (stalls >= 3) throw new OutboxError('gap', 'the venue keeps refusing to move its cursor');
    }
  }

  function scheduleRetry(delay: number): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryInMs.value = delay;
    if (!isStarted) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryInMs.value = null;
      void drain();
    }, delay);
  }

  async function refreshPending(): Promise<void> {
    try {
      pending.value = await store.countPending();
    } catch {
      // the count is only informative; the store reports its own failures on write
    }
  }

  async function run(): Promise<void> {
    state.value = 'loading';
    try {
      await sendAll();
      failures = 0;
      error.value = null;
      retryInMs.value = null;
      state.value = 'done';
    } catch (failure) {
      const outboxError = failure instanceof OutboxError ? failure : new OutboxError('bad-response', String(failure), { cause: failure });
      if (outboxError.reason === 'offline') cursor = null; // after reconnecting, ask where the venue stands
      failures += 1;
      error.value = outboxError;
      state.value = 'error';
      const isStuck = STUCK_REASONS.has(outboxError.reason);
      scheduleRetry(isStuck ? backoffMaxMs : backoffDelay(failures, random, backoffBaseMs, backoffMaxMs));
    } finally {
      await refreshPending();
    }
  }

  function drain(): Promise<void> {
    if (running) {
      // An event written during a pass may have missed that pass's read: go again.
      wantsAnotherPass = true;
      return running;
    }
    running = (async () => {
      do {
        wantsAnotherPass = false;
        await run();
      } while (wantsAnotherPass && state.value !== 'error');
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function kick(): void {
    if (retryTimer) {
      void refreshPending();
      return;
    }
    void drain();
  }

  /** The poll's look at the store, skipped while the venue is known to hold all that was written. */
  function poll(): void {
    const isCaughtUp = written !== null && cursor !== null && state.value === 'done' && cursor.epoch === written.epoch && cursor.ackedSeq >= written.seq;
    if (!isCaughtUp) kick();
  }

  function onOnline(): void {
    cursor = null;
    // A pass still in flight may fail for the network that was down: once it is over,
    // go again now instead of waiting out the backoff it scheduled.
    void (running ?? Promise.resolve()).then(() => {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      return drain();
    });
  }

  function onOffline(): void {
    isOnline.value = false;
  }

  async function noteReceipt(receipt: DeviceReceipt): Promise<void> {
    const device = await store.getDevice();
    if (!device || device.deviceId !== receipt.deviceId || device.epoch !== receipt.epoch) return;
    if (cursor && cursor.epoch === receipt.epoch && cursor.ackedSeq >= receipt.ackedSeq) return;
    isOnline.value = true;
    try {
      await acknowledge(device, receipt);
    } catch (failure) {
      // Not our chain at that seq: the same alarm as a receipt the pump got itself.
      error.value = failure instanceof OutboxError ? failure : new OutboxError('bad-response', String(failure), { cause: failure });
      cursor = null;
    }
    await refreshPending();
  }

  return {
    pending, lastAckAt, isOnline, state, error, retryInMs, drain, kick, noteReceipt,
    noteWritten(event) {
      if (!written || written.epoch !== event.epoch || event.seq > written.seq) written = { epoch: event.epoch, seq: event.seq };
    },
    cursor: () => (cursor ? { ...cursor } : null),
    start() {
      if (isStarted) return;
      isStarted = true;
      globalThis.addEventListener?.('online', onOnline);
      globalThis.addEventListener?.('offline', onOffline);
      pollTimer = setInterval(poll, pollMs);
      void drain();
    },
    stop() {
      isStarted = false;
      globalThis.removeEventListener?.('online', onOnline);
      globalThis.removeEventListener?.('offline', onOffline);
      if (pollTimer) clearInterval(pollTimer);
      if (retryTimer) clearTimeout(retryTimer);
      pollTimer = null;
      retryTimer = null;
    },
  };
}

let shared: Outbox | null = null;

/**
 * The PWA's one outbox over the device database and the page's own origin. The
 * candidate and proctor areas `start()` it once the device has an identity, and
 * `kick()` it after each `appendEvent`.
 */
export function useOutbox(): Outbox {
  shared ??= createOutbox();
  return shared;
}
