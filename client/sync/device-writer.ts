/**
 * The page's side of the device writer (device-writer.worker.ts): `append(draft)` checks
 * the draft here, posts it to the worker in the caller's own task and resolves with the
 * committed event. Receipts the worker's fast path got from the venue come to
 * `onReceipt`; a fast path that gave up, or was not taken, comes to `onUnsent`, so the
 * outbox sends those events itself.
 *
 * Where workers are not available (or the worker fails), appends fall back to the page's
 * own store (`appendEvent`), with the same chain and the same durability.
 */
import type { DeviceReceipt } from '../../sync/messages';
import type { ChainedEvent } from '../../sync/events';
import type { UnplacedBody } from '../db/chain-writer';
import { appendEvent, DeviceStoreError, validateDraft, type DeviceDb, type DeviceStoreReason, type EventDraft } from '../db';

/** Where the venue stands for this device's chain: the highest seq it holds without gaps. */
export interface VenueCursor {
  epoch: number;
  ackedSeq: number;
}

export type DeviceWriterRequest = { type: 'append'; id: number; body: UnplacedBody; venue: VenueCursor | null };

export type DeviceWriterReply =
  | { type: 'appended'; id: number; event: ChainedEvent; isPushing: boolean }
  | { type: 'failed'; id: number; reason: DeviceStoreReason; message: string }
  | { type: 'pushed'; receipt: DeviceReceipt | null };

/** What the writer needs of a worker (a test passes its own). */
export interface DeviceWriterPort {
  postMessage(message: DeviceWriterRequest): void;
  onmessage: ((message: MessageEvent<DeviceWriterReply>) => void) | null;
  onerror: ((event: Event) => void) | null;
  terminate(): void;
}

export interface DeviceWriterOptions {
  /** Starts the worker; null (or a throw) means appends are made in the page. */
  createWorker?: () => DeviceWriterPort | null;
  /** Where the venue stands, as the outbox last heard; the fast path needs it. */
  venueCursor?: () => VenueCursor | null;
  /** The venue acknowledged events through the worker's fast path. */
  onReceipt?: (receipt: DeviceReceipt) => void;
  /** Committed events that the fast path did not send: the outbox must. */
  onUnsent?: () => void;
  /** The page's store for the fallback (tests pass their own). */
  db?: DeviceDb;
}

export interface DeviceWriter {
  append(draft: EventDraft): Promise<ChainedEvent>;
}

function defaultWorker(): DeviceWriterPort | null {
  if (typeof Worker === 'undefined') return null;
  return new Worker(new URL('./device-writer.worker.ts', import.meta.url), { type: 'module', name: 'device-writer' }) as unknown as DeviceWriterPort;
}

export function createDeviceWriter(options: DeviceWriterOptions = {}): DeviceWriter {
  const onReceipt = options.onReceipt ?? (() => undefined);
  const onUnsent = options.onUnsent ?? (() => undefined);
  const waiting = new Map<number, { resolve: (event: ChainedEvent) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let worker: DeviceWriterPort | null = null;
  try {
    worker = (options.createWorker ?? defaultWorker)();
  } catch {
    worker = null;
  }

  function abandonWorker(): void {
    worker?.terminate();
    worker = null;
    // Whether these reached the disk is unknown: the screen says "not saved", and the outbox sends whatever did.
    for (const [, wait] of waiting) wait.reject(new DeviceStoreError('write-failed', 'the device writer stopped'));
    waiting.clear();
    onUnsent();
  }

  if (worker) {
    worker.onmessage = (message) => {
      const reply = message.data;
      if (reply.type === 'pushed') {
        if (reply.receipt) onReceipt(reply.receipt);
        else onUnsent();
        return;
      }
      const wait = waiting.get(reply.id);
      if (!wait) return;
      waiting.delete(reply.id);
      if (reply.type === 'failed') {
        wait.reject(new DeviceStoreError(reply.reason, reply.message));
        return;
      }
      wait.resolve(reply.event);
      if (!reply.isPushing) onUnsent();
    };
    worker.onerror = () => abandonWorker();
  }

  return {
    append(draft) {
      if (!worker) return appendEvent(draft, options.db).then((event) => (onUnsent(), event));
      let body: UnplacedBody;
      try {
        body = validateDraft(draft);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      const id = nextId++;
      const committed = new Promise<ChainedEvent>((resolve, reject) => waiting.set(id, { resolve, reject }));
      worker.postMessage({ type: 'append', id, body, venue: options.venueCursor?.() ?? null });
      return committed;
    },
  };
}
