/**
 * What the candidate benchmark installs before any of the app's code runs, so the app itself
 * needs no timing hooks. The same function goes into the page (`context.addInitScript`) and
 * into the device writer's worker (`worker.evaluate`), which appends the candidate's events
 * and sends them to the venue. It records, on the clock both share
 * (`performance.timeOrigin + performance.now()`):
 * - every read-write IndexedDB transaction over both `device` and `events` (an append):
 *   when it was opened, the seq and type it stored, its durability, and when its `complete`
 *   event fired (the commit, flushed to disk when the durability is strict);
 * - every receipt the venue sends for `POST /api/device/events` (the ackedSeq, and when the
 *   response arrived);
 * and in the page only:
 * - every trusted `click`: its event time (the input's own timestamp) and when the page's
 *   first listener ran;
 * - when the page posted an append to the writer's worker, and when an item's save mark left
 *   "saving" (what the candidate sees);
 * - when the shell (its language switcher) and the exam's first item (its options) are first
 *   in the DOM, on the page's own `performance.now()` (from the navigation's start).
 * The function is serialised: it must not use anything from outside it.
 */

export interface AppendSample {
  openedAt: number;
  committedAt: number | null;
  seq: number | null;
  /** The stored event's type (`answer.set` for a click on an option). */
  type: string | null;
  durability: string;
}

export interface ProbeState {
  clicks: number[];
  /** When the page's first click listener ran, per click: the input's own delivery time before it. */
  clicksHandled: number[];
  /** When the page posted an append to the device writer's worker. */
  posted: number[];
  /** When an item's save mark left "saving". */
  shown: Array<{ at: number; state: string }>;
  appends: AppendSample[];
  receipts: Array<{ at: number; ackedSeq: number }>;
  /** IndexedDB transactions over `events` not yet finished (the outbox's reads and receipts too). */
  openEventTransactions: number;
  examInteractiveAt: number | null;
  shellReadyAt: number | null;
  /** The seq of the first `answer.set` opened after `afterAt`, once committed (null after the timeout). */
  waitForCommit(afterAt: number, timeoutMs: number): Promise<number | null>;
  /** Resolves once a receipt covering `seq` has come here. */
  waitForReceipt(seq: number, timeoutMs: number): Promise<boolean>;
  /** Resolves once no transaction over `events` is open here (a receipt is stored). */
  waitForQuiet(timeoutMs: number): Promise<boolean>;
}

declare global {
  var __candidateProbe: ProbeState;
}

export function installCandidateProbe(): void {
  if (globalThis.__candidateProbe) return;
  const now = () => performance.timeOrigin + performance.now();
  const waiters = new Set<() => void>();
  const notify = () => { for (const waiter of [...waiters]) waiter(); };
  /** Resolves with `test()`'s first defined answer, checked on every change (event-driven, so waiting costs nothing); null after the timeout. */
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
  const state: ProbeState = {
    clicks: [],
    clicksHandled: [],
    posted: [],
    shown: [],
    appends: [],
    receipts: [],
    openEventTransactions: 0,
    examInteractiveAt: null,
    shellReadyAt: null,
    waitForCommit(afterAt, timeoutMs) {
      return wait(() => state.appends.find((a) => a.openedAt >= afterAt && a.type === 'answer.set' && a.committedAt !== null && a.seq !== null)?.seq ?? undefined, timeoutMs);
    },
    waitForReceipt(seq, timeoutMs) {
      return wait(() => (state.receipts.some((r) => r.ackedSeq >= seq) ? true : undefined), timeoutMs).then((found) => found === true);
    },
    waitForQuiet(timeoutMs) {
      return wait(() => (state.openEventTransactions === 0 ? true : undefined), timeoutMs).then((found) => found === true);
    },
  };
  globalThis.__candidateProbe = state;

  const samples = new WeakMap<IDBTransaction, AppendSample>();
  const openTransaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const transaction = openTransaction.apply(this, args);
    const names = Array.from(transaction.objectStoreNames);
    if (transaction.mode === 'readwrite' && names.includes('device') && names.includes('events')) {
      const sample: AppendSample = { openedAt: now(), committedAt: null, seq: null, type: null, durability: (transaction as IDBTransaction & { durability?: string }).durability ?? 'unknown' };
      samples.set(transaction, sample);
      state.appends.push(sample);
      transaction.addEventListener('complete', () => {
        sample.committedAt = now();
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
    }
    return key === undefined ? add.call(this, value) : add.call(this, value, key);
  };

  const scopeFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url, location.href);
    const response = await scopeFetch(input, init);
    if (url.pathname === '/api/device/events' && (init?.method ?? 'GET').toUpperCase() === 'POST' && response.ok) {
      const at = now();
      void response.clone().json().then((body: { receipt?: { ackedSeq?: number } }) => {
        if (typeof body.receipt?.ackedSeq === 'number') state.receipts.push({ at, ackedSeq: body.receipt.ackedSeq });
        notify();
      }).catch(() => undefined);
    }
    return response;
  };

  if (typeof document === 'undefined') return; // the worker: no input, no DOM

  window.addEventListener('click', (event) => {
    if (!event.isTrusted) return;
    state.clicks.push(performance.timeOrigin + event.timeStamp);
    state.clicksHandled.push(now());
  }, { capture: true });

  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
    if ((args[0] as { type?: string } | null)?.type === 'append') state.posted.push(now());
    return (post as (...rest: unknown[]) => void).apply(this, args);
  } as Worker['postMessage'];

  // The save mark: a change of its data-state, recorded when the DOM changes (the frame that shows it follows).
  const marks = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target as Element;
      const markState = target.getAttribute?.('data-state');
      if (markState && markState !== 'saving' && target.getAttribute('data-testid') === 'save-status') state.shown.push({ at: now(), state: markState });
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
 * The probe as a script for the page's init scripts and the worker's evaluate. tsx keeps
 * function names with a `__name` helper neither has; they get a stand-in, for the probe and
 * for the benchmark's own evaluate calls.
 */
export function candidateProbeScript(): string {
  return `globalThis.__name ??= (target) => target; (${installCandidateProbe.toString()})();`;
}
