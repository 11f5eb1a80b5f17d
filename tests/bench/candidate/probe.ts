/**
 * What the candidate benchmark installs in the page before any of the app's code runs
 * (`context.addInitScript(installCandidateProbe, options)`), so the app itself needs no
 * timing hooks:
 * - every trusted `click`, with its event time (the input's own timestamp, on the page's
 *   `performance.now()` clock);
 * - every read-write IndexedDB transaction over both `device` and `events` (that is
 *   `appendEvent`): when it was opened, the seq it stored, its durability, and when its
 *   `complete` event fired (the commit, flushed to disk when the durability is strict);
 * - every receipt the venue sends for `POST /api/device/events` (the ackedSeq, and when
 *   the response arrived);
 * - when the shell (its language switcher) and the exam's first item (its options) are first in the DOM.
 * The function is serialised into the page: it must not use anything from outside it.
 */

export interface AppendSample {
  openedAt: number;
  committedAt: number | null;
  /** When the event row was handed to IndexedDB (after reading the device row, validating and hashing). */
  storedAt: number | null;
  seq: number | null;
  /** The stored event's type (`answer.set` for a click on an option). */
  type: string | null;
  durability: string;
}

export interface ProbeState {
  clicks: number[];
  /** The same clicks on the shared clock (`performance.timeOrigin + timeStamp`), to pair with the device writer's worker. */
  clicksAbs: number[];
  /** When the page's first click listener ran, per click (shared clock): the input's own delivery time before it. */
  clicksHandled: number[];
  /** When the page posted an append to the device writer's worker (shared clock). */
  posted: number[];
  /** When the save mark of the current item left "saving" (shared clock): what the candidate sees. */
  shown: Array<{ at: number; state: string }>;
  appends: AppendSample[];
  receipts: Array<{ at: number; ackedSeq: number }>;
  /** IndexedDB transactions over `events` not yet finished (the outbox's reads and receipts too). */
  openEventTransactions: number;
  examInteractiveAt: number | null;
  shellReadyAt: number | null;
  /** Resolves once a receipt covering `seq` has come to the page (its outbox's pushes). */
  waitForReceipt(seq: number, timeoutMs: number): Promise<boolean>;
  /**
   * Resolves once an `answer.set` append opened after click number `clickIndex` has committed, the
   * venue acknowledged it and no transaction over `events` is left (the receipt is stored).
   */
  waitForAck(clickIndex: number, timeoutMs: number): Promise<boolean>;
}

declare global {
  interface Window {
    __candidateProbe: ProbeState;
  }
}

export function installCandidateProbe(): void {
  const waiters = new Set<() => void>();
  const notify = () => { for (const waiter of [...waiters]) waiter(); };
  const state: ProbeState = {
    clicks: [],
    clicksAbs: [],
    clicksHandled: [],
    posted: [],
    shown: [],
    appends: [],
    receipts: [],
    openEventTransactions: 0,
    examInteractiveAt: null,
    shellReadyAt: null,
    waitForReceipt(seq, timeoutMs) {
      return new Promise((resolve) => {
        const check = () => { if (state.receipts.some((r) => r.ackedSeq >= seq)) finish(true); };
        const finish = (isAcked: boolean) => {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(isAcked);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        waiters.add(check);
        check();
      });
    },
    waitForAck(clickIndex, timeoutMs) {
      // Event-driven, not polled, so waiting costs the main thread nothing while it saves.
      return new Promise((resolve) => {
        const check = () => {
          const clickAt = state.clicks[clickIndex];
          const append = clickAt === undefined ? undefined : state.appends.find((a) => a.openedAt >= clickAt && a.type === 'answer.set' && a.committedAt !== null && a.seq !== null);
          if (!append || state.openEventTransactions !== 0 || !state.receipts.some((r) => r.ackedSeq >= (append.seq ?? Infinity))) return;
          finish(true);
        };
        const finish = (isAcked: boolean) => {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(isAcked);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  window.__candidateProbe = state;

  window.addEventListener('click', (event) => {
    if (!event.isTrusted) return;
    state.clicks.push(event.timeStamp);
    state.clicksAbs.push(performance.timeOrigin + event.timeStamp);
    state.clicksHandled.push(performance.timeOrigin + performance.now());
  }, { capture: true });

  const samples = new WeakMap<IDBTransaction, AppendSample>();
  const openTransaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const transaction = openTransaction.apply(this, args);
    const names = Array.from(transaction.objectStoreNames);
    if (transaction.mode === 'readwrite' && names.includes('device') && names.includes('events')) {
      const sample: AppendSample = { openedAt: performance.now(), committedAt: null, storedAt: null, seq: null, type: null, durability: (transaction as IDBTransaction & { durability?: string }).durability ?? 'unknown' };
      samples.set(transaction, sample);
      state.appends.push(sample);
      transaction.addEventListener('complete', () => {
        sample.committedAt = performance.now();
      });
    }
    // After the sample's own listener, so a waiter sees the commit time.
    if (names.includes('events')) {
      state.openEventTransactions++;
      const done = () => {
        state.openEventTransactions--;
        notify();
      };
      transaction.addEventListener('complete', done);
      transaction.addEventListener('abort', done);
    }
    return transaction;
  } as IDBDatabase['transaction'];

  const add = IDBObjectStore.prototype.add;
  IDBObjectStore.prototype.add = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const sample = samples.get(this.transaction);
    if (sample && this.name === 'events' && typeof value === 'object' && value !== null) {
      sample.seq = (value as { seq?: number }).seq ?? null;
      sample.type = (value as { event?: { type?: string } }).event?.type ?? null;
      sample.storedAt = performance.now();
    }
    return key === undefined ? add.call(this, value) : add.call(this, value, key);
  };

  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
    if ((args[0] as { type?: string } | null)?.type === 'append') state.posted.push(performance.timeOrigin + performance.now());
    return (post as (...rest: unknown[]) => void).apply(this, args);
  } as Worker['postMessage'];

  const pageFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url, location.href);
    const response = await pageFetch(input, init);
    if (url.pathname === '/api/device/events' && (init?.method ?? 'GET').toUpperCase() === 'POST' && response.ok) {
      const at = performance.now();
      void response.clone().json().then((body: { receipt?: { ackedSeq?: number } }) => {
        if (typeof body.receipt?.ackedSeq === 'number') state.receipts.push({ at, ackedSeq: body.receipt.ackedSeq });
        notify();
      }).catch(() => undefined);
    }
    return response;
  };

  // The save mark: a change of its data-state, recorded when the DOM changes (the frame that shows it follows).
  const marks = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target as Element;
      const markState = target.getAttribute?.('data-state');
      if (markState && markState !== 'saving' && target.getAttribute('data-testid') === 'save-status') state.shown.push({ at: performance.timeOrigin + performance.now(), state: markState });
    }
  });
  marks.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });

  // Stops watching once the exam is up, so it costs the save path nothing.
  const observer = new MutationObserver(() => {
    if (state.shellReadyAt === null && document.querySelector('[data-testid="language-switcher"]')) state.shellReadyAt = performance.now();
    if (document.querySelector('[data-testid="exam"] [data-testid="item-view"] [data-option] input:not([disabled])')) {
      state.examInteractiveAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/**
 * The probe as an init script. tsx keeps function names with a `__name` helper the page
 * lacks; the page gets a stand-in, for the probe and for the benchmark's own evaluate calls.
 */
export function candidateProbeScript(): string {
  return `globalThis.__name ??= (target) => target; (${installCandidateProbe.toString()})();`;
}

/** What the bench installs in the device writer's worker (`worker.evaluate`), on the shared clock. */
export interface WriterProbeState {
  appends: Array<{ openedAt: number; committedAt: number | null; seq: number | null; type: string | null; durability: string }>;
  receipts: Array<{ at: number; ackedSeq: number }>;
  /** Resolves with the seq of the first `answer.set` opened after `afterAbs`, once committed (null after the timeout). */
  waitForCommit(afterAbs: number, timeoutMs: number): Promise<number | null>;
  /** Resolves once a receipt covering `seq` has come to the worker. */
  waitForReceipt(seq: number, timeoutMs: number): Promise<boolean>;
}

/**
 * The device writer's worker, instrumented like the page: its strict append transactions
 * (opened, seq and type stored, committed) and the receipts its pushes get. Times are
 * `performance.timeOrigin + performance.now()`, comparable with the page's `clicksAbs`.
 */
export function installWriterProbe(): void {
  const scope = self as unknown as { __writerProbe?: WriterProbeState; fetch: typeof fetch };
  if (scope.__writerProbe) return;
  const now = () => performance.timeOrigin + performance.now();
  const waiters = new Set<() => void>();
  const notify = () => { for (const waiter of [...waiters]) waiter(); };
  const state: WriterProbeState = {
    appends: [],
    receipts: [],
    waitForCommit(afterAbs, timeoutMs) {
      return wait(() => {
        const append = state.appends.find((a) => a.openedAt >= afterAbs && a.type === 'answer.set' && a.committedAt !== null && a.seq !== null);
        return append ? append.seq : undefined;
      }, timeoutMs);
    },
    waitForReceipt(seq, timeoutMs) {
      return wait(() => (state.receipts.some((r) => r.ackedSeq >= seq) ? true : undefined), timeoutMs).then((found) => found === true);
    },
  };
  /** Resolves with `test()`'s first defined answer, checked on every change; null after the timeout. */
  function wait<T>(test: () => T | undefined, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      const check = () => {
        const found = test();
        if (found !== undefined) finish(found);
      };
      const finish = (found: T | null) => {
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      waiters.add(check);
      check();
    });
  }
  scope.__writerProbe = state;
  const samples = new WeakMap<IDBTransaction, WriterProbeState['appends'][number]>();
  const openTransaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const transaction = openTransaction.apply(this, args);
    const names = Array.from(transaction.objectStoreNames);
    if (transaction.mode === 'readwrite' && names.includes('device') && names.includes('events')) {
      const sample = { openedAt: now(), committedAt: null as number | null, seq: null as number | null, type: null as string | null, durability: (transaction as IDBTransaction & { durability?: string }).durability ?? 'unknown' };
      samples.set(transaction, sample);
      state.appends.push(sample);
      transaction.addEventListener('complete', () => {
        sample.committedAt = now();
        notify();
      });
    }
    return transaction;
  } as IDBDatabase['transaction'];
  const add = IDBObjectStore.prototype.add;
  IDBObjectStore.prototype.add = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    const sample = samples.get(this.transaction);
    if (sample && this.name === 'events' && typeof value === 'object' && value !== null) {
      sample.seq = (value as { seq?: number }).seq ?? null;
      sample.type = (value as { event?: { type?: string } }).event?.type ?? null;
    }
    return key === undefined ? add.call(this, value) : add.call(this, value, key);
  };
  const workerFetch = scope.fetch.bind(scope);
  scope.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await workerFetch(input, init);
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    if (url.endsWith('/api/device/events') && response.ok) {
      const at = now();
      void response.clone().json().then((body: { receipt?: { ackedSeq?: number } }) => {
        if (typeof body.receipt?.ackedSeq === 'number') state.receipts.push({ at, ackedSeq: body.receipt.ackedSeq });
        notify();
      }).catch(() => undefined);
    }
    return response;
  };
}

/** The worker probe as a script for `worker.evaluate` (with the same `__name` stand-in). */
export function writerProbeScript(): string {
  return `globalThis.__name ??= (target) => target; (${installWriterProbe.toString()})();`;
}
