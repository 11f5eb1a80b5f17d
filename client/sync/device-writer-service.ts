/**
 * The device writer, served in a dedicated worker (device-writer.worker.ts): it appends the candidate's events to the
 * device's chain and sends each one on to the venue as soon as it is committed.
 *
 * Why a worker: after a click, Chromium holds the page's IndexedDB and network callbacks
 * back until it has drawn the next frame, so a commit made in the page is known there a
 * frame later than it happened. A worker is not held back: the commit is known as soon as
 * it is on disk, and the push to the venue leaves at once.
 *
 * The page validates each draft (client/db validateDraft) and posts it here; the chain
 * writer (client/db/chain-writer.ts) stores it. The push is a fast path only: it goes out
 * when the venue is known to hold everything before the event (the page's outbox says
 * where the venue stands), one push at a time, and anything it cannot send (offline, a
 * refusal, events written elsewhere) is left to the page's outbox, which reads the store.
 * Receipts are handed to the page, whose outbox checks and records them.
 */
import { createChainWriter, openDeviceDatabase } from '../db/chain-writer';
import { toDeviceStoreError } from '../db/errors';
import type { ChainedEvent } from '../../sync/events';
import type { DeviceWriterReply, DeviceWriterRequest, VenueCursor } from './device-writer';

/** What the writer needs of its worker's global scope (a test passes its own). */
export interface DeviceWriterScope {
  onmessage: ((message: MessageEvent<DeviceWriterRequest>) => void) | null;
  postMessage(message: DeviceWriterReply): void;
  location: { origin: string };
}

export interface DeviceWriterDeps {
  /** The device database's name (tests use their own). */
  databaseName?: string;
  fetch?: typeof fetch;
}

/** Answers the page's append requests on `scope` until the worker ends. */
export function serveDeviceWriter(scope: DeviceWriterScope, deps: DeviceWriterDeps = {}): void {
  const doFetch = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  let connection: IDBDatabase | Promise<IDBDatabase> | null = null;
  const writer = createChainWriter(() => {
    connection ??= openDeviceDatabase(() => {
      connection = null;
      writer.forget();
    }, deps.databaseName).then((database) => (connection = database), (error: unknown) => {
      connection = null;
      throw error;
    });
    return connection;
  });

  /** Where the venue stands for this chain, as far as this worker knows. */
  let venue: VenueCursor | null = null;
  /** Committed events not yet sent by the fast path, oldest first. */
  const unsent: ChainedEvent[] = [];
  let isPushing = false;

  function learn(cursor: VenueCursor | null): void {
    if (!cursor) return;
    if (!venue || venue.epoch !== cursor.epoch || cursor.ackedSeq > venue.ackedSeq) venue = cursor;
  }

  /** Sends what follows the venue's cursor, one push at a time; gives up (to the outbox) at the first failure. */
  async function pushUnsent(): Promise<void> {
    if (isPushing) return;
    isPushing = true;
    try {
      for (;;) {
        while (unsent.length > 0 && venue && unsent[0]!.epoch === venue.epoch && unsent[0]!.seq <= venue.ackedSeq) unsent.shift();
        const first = unsent[0];
        if (!first) return;
        if (!venue || first.epoch !== venue.epoch || first.seq !== venue.ackedSeq + 1) {
          unsent.length = 0;
          scope.postMessage({ type: 'pushed', receipt: null });
          return;
        }
        const events = unsent.slice();
        let receipt: unknown = null;
        try {
          const response = await doFetch(`${scope.location.origin}/api/device/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ deviceId: first.deviceId, epoch: first.epoch, events }),
          });
          if (response.ok) receipt = ((await response.json()) as { receipt?: unknown }).receipt ?? null;
        } catch {
          // offline: the outbox finds out for itself and retries with its backoff
        }
        const acked = receiptFor(receipt, events);
        if (!acked) {
          unsent.length = 0;
          venue = null;
          scope.postMessage({ type: 'pushed', receipt: null });
          return;
        }
        venue = { epoch: acked.epoch, ackedSeq: acked.ackedSeq };
        scope.postMessage({ type: 'pushed', receipt: acked });
      }
    } finally {
      isPushing = false;
    }
  }

  /** The receipt if it acknowledges the last of `events` by its own hash; the page's outbox checks it again. */
  function receiptFor(value: unknown, events: ChainedEvent[]): { deviceId: string; epoch: number; ackedSeq: number; ackedHash: string } | null {
    const last = events[events.length - 1]!;
    if (typeof value !== 'object' || value === null) return null;
    const receipt = value as Record<string, unknown>;
    const isOurs = receipt.deviceId === last.deviceId && receipt.epoch === last.epoch && receipt.ackedSeq === last.seq && receipt.ackedHash === last.hash;
    return isOurs ? { deviceId: last.deviceId, epoch: last.epoch, ackedSeq: last.seq, ackedHash: last.hash } : null;
  }

  scope.onmessage = (message) => {
    const request = message.data;
    if (request.type !== 'append') return;
    learn(request.venue);
    writer.append(request.body).then(
      (event) => {
        const willPush = !!venue && venue.epoch === event.epoch && (unsent.length > 0 || isPushing ? true : venue.ackedSeq === event.seq - 1);
        if (willPush) unsent.push(event);
        scope.postMessage({ type: 'appended', id: request.id, event, isPushing: willPush });
        if (willPush) void pushUnsent();
      },
      (error: unknown) => {
        const failure = toDeviceStoreError(error);
        scope.postMessage({ type: 'failed', id: request.id, reason: failure.reason, message: failure.message });
      },
    );
  };
}
