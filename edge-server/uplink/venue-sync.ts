/**
 * The venue's background link to the hub: an uplink pass then a downlink pass, on an
 * interval, one pass at a time, forever. A failed uplink is recorded (visible in health)
 * and retried after an exponential backoff with jitter; it never gives up, because the
 * venue keeps everything until the hub has it. `syncNow` runs a pass immediately.
 */
import type { SyncNowResult } from '../context';
import type { VenueStore } from '../db/store';
import { backoffDelay } from './backoff';
import { runDownlinkPass } from './downlink-pass';
import type { HubClient } from './hub-client';
import { UplinkPass, type UplinkContext } from './uplink-pass';

export interface VenueSyncOptions extends UplinkContext {
  hub: HubClient;
  intervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  maxBatch?: number;
  /** Uplink batches in flight at once (see UPLINK_WINDOW); 1 waits for each receipt before sending the next. */
  window?: number;
  /** Largest encoded batch to send (see MAX_ENCODED_BATCH_BYTES). */
  maxEncodedBytes?: number;
  random?: () => number;
  log?: (message: string) => void;
}

const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 60_000 };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class VenueSync {
  readonly #options: VenueSyncOptions;
  readonly #store: VenueStore;
  readonly #uplink: UplinkPass;
  #running: Promise<SyncNowResult> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #isStopped = true;
  #failures = 0;

  constructor(options: VenueSyncOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#uplink = new UplinkPass(options, options.maxBatch, options.maxEncodedBytes, options.window);
  }

  /** How many uplink batches the hub refused as too large (each was halved and resent). */
  get splitCount(): number {
    return this.#uplink.splits;
  }

  start(): void {
    this.#isStopped = false;
    this.#schedule(0);
  }

  /** Stops scheduling and waits for a pass in flight to finish. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running) this.#options.hub.cancel();
    await this.#running?.catch(() => undefined);
  }

  /** Runs a pass now (after the one in flight, if any) and reports its outcome. */
  async syncNow(): Promise<SyncNowResult> {
    if (this.#running) await this.#running.catch(() => undefined);
    return this.#pass();
  }

  #schedule(delayMs: number): void {
    if (this.#isStopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A pass reports its own failures; anything else must not become an unhandled rejection (which ends the process).
      this.syncNow().catch((error: unknown) => {
        this.#options.log?.(`sync pass failed: ${message(error)}`);
        this.#schedule(backoffDelay(++this.#failures, this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random));
      });
    }, delayMs);
    this.#timer.unref?.();
  }

  #pass(): Promise<SyncNowResult> {
    const pass = this.#runPass();
    this.#running = pass;
    pass
      .finally(() => {
        if (this.#running === pass) this.#running = undefined;
      })
      .catch(() => undefined); // the caller of #pass handles the outcome
    return pass;
  }

  async #runPass(): Promise<SyncNowResult> {
    const { now, hub } = this.#options;
    const result: SyncNowResult = {
      uplink: { ok: true, ackedVenueSeq: this.#store.uplink.get().ackedVenueSeq },
      downlink: { ok: true, cursor: this.#store.downlink.get().cursor },
    };
    try {
      result.uplink.ackedVenueSeq = await this.#uplink.run();
      this.#failures = 0;
    } catch (error) {
      this.#failures++;
      result.uplink = { ok: false, ackedVenueSeq: this.#store.uplink.get().ackedVenueSeq, error: message(error) };
      this.#safely(() => this.#store.uplink.recordFailure(message(error), now()));
      this.#options.log?.(`uplink failed (${this.#failures} in a row): ${message(error)}`);
    }
    if (this.#store.config.get()?.isEnrolled) {
      try {
        result.downlink.cursor = await runDownlinkPass(this.#store, hub, now);
      } catch (error) {
        result.downlink = { ok: false, cursor: this.#store.downlink.get().cursor, error: message(error) };
        this.#safely(() => this.#store.downlink.recordFailure(message(error), now()));
      }
    }
    const interval = this.#options.intervalMs ?? 5000;
    const failures = Math.max(this.#failures, result.downlink.ok ? 0 : 1);
    this.#schedule(failures > 0 ? backoffDelay(failures, this.#options.backoff ?? DEFAULT_BACKOFF, this.#options.random) : interval);
    return result;
  }

  /** Recording progress must not kill the pump (e.g. while the database is closing). */
  #safely(work: () => void): void {
    try {
      work();
    } catch {
      // progress is informational; the log itself is untouched
    }
  }
}
