/**
 * The order in which one hub process stores a venue's uplink batches when the venue
 * pipelines them (sends batch N+1 before batch N's receipt). Each batch registers once
 * authenticated. It opens its transaction only after the batches of its venue in flight
 * that end just before it have locked the venue's head, so its own lock request queues
 * behind theirs in the database instead of overtaking them (and being refused as a gap);
 * once it holds the lock it also waits for them to settle in this process, so it sees what
 * they committed. Meanwhile it is authenticated and decoded, which is the point: the hub
 * checks batch N+1 while the database stores and commits batch N, and N+1's transaction is
 * already waiting on the lock when N commits.
 *
 * This is only an ordering hint. The database stays the authority: every batch still locks
 * its venue's head row and is refused as a gap if it does not follow what is committed (a
 * predecessor that was refused, never arrived, or was stored by another hub process).
 */

/** A batch's turn: when to open its transaction, and what it reports back. */
export interface UplinkTurn {
  /** Resolves once the batches this one follows hold the venue's lock or have settled (or the wait for a late one timed out). */
  ready: Promise<void>;
  /** Resolves once the batches this one follows have settled; wait for it only while holding the venue's lock. */
  followed(): Promise<void>;
  /**
   * After `ready`: true when a batch ahead of this one in flight ends just before it and none
   * overlaps it, so this batch is expected to be the venue's next (if that one commits).
   */
  isExpectedNext(): boolean;
  /** Records that this batch's transaction holds the venue's lock. */
  locked(): void;
  /** Records the batch's outcome: the venue's acked seq after a commit, or nothing after a refusal. */
  settle(ackedVenueSeq?: number): void;
}

interface Stage {
  promise: Promise<void>;
  resolve: () => void;
}

const stage = (): Stage => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

interface InFlight {
  fromVenueSeq: number;
  lastVenueSeq: number;
  locked: Stage;
  settled: Stage;
}

interface VenueOrder {
  inFlight: Set<InFlight>;
  /** The acked seq of the last batch this process committed for the venue. */
  ackedVenueSeq: number | undefined;
  /** Resolved (and replaced) whenever a batch of the venue registers or settles. */
  changed: Stage;
}

export class UplinkOrder {
  readonly #venues = new Map<string, VenueOrder>();

  /**
   * @param reorderWaitMs How long a batch that follows nothing in flight waits for its
   *   predecessor to arrive, when this process knows its venue is behind it (two pipelined
   *   requests may reach the hub in the wrong order). Past it, the batch goes on and is
   *   refused as a gap; the venue resends it.
   */
  constructor(private readonly reorderWaitMs = 250) {}

  /**
   * Registers a batch of venue seqs [fromVenueSeq, fromVenueSeq + count) and returns its turn.
   * Only batches that start earlier and would bring the venue up to `fromVenueSeq - 1` are
   * waited for, so waits never form a cycle; each of them takes the lock before this batch
   * asks for it, so waiting for them to settle while holding the lock cannot deadlock.
   */
  enter(venueId: string, fromVenueSeq: number, count: number): UplinkTurn {
    let venue = this.#venues.get(venueId);
    if (!venue) {
      venue = { inFlight: new Set(), ackedVenueSeq: undefined, changed: stage() };
      this.#venues.set(venueId, venue);
    }
    const order = venue;
    const entry: InFlight = { fromVenueSeq, lastVenueSeq: fromVenueSeq + Math.max(count, 1) - 1, locked: stage(), settled: stage() };
    const before = [...order.inFlight].filter((other) => other.fromVenueSeq < fromVenueSeq && other.lastVenueSeq >= fromVenueSeq - 1);
    order.inFlight.add(entry);
    this.#notify(order);
    let isSettled = false;
    return {
      ready: this.#ready(order, entry, before),
      followed: async () => {
        await Promise.all(before.map((other) => other.settled.promise));
      },
      // No other batch in flight may overlap this one: loading it early would then race that one's rows.
      isExpectedNext: () => before.some((other) => other.lastVenueSeq === fromVenueSeq - 1)
        && [...order.inFlight].every((other) => other === entry || other.lastVenueSeq < fromVenueSeq || other.fromVenueSeq > entry.lastVenueSeq),
      locked: () => entry.locked.resolve(),
      settle: (ackedVenueSeq) => {
        if (isSettled) return;
        isSettled = true;
        order.inFlight.delete(entry);
        if (ackedVenueSeq !== undefined) order.ackedVenueSeq = Math.max(order.ackedVenueSeq ?? 0, ackedVenueSeq);
        entry.locked.resolve();
        entry.settled.resolve();
        this.#notify(order);
        if (order.inFlight.size === 0 && order.ackedVenueSeq === undefined) this.#venues.delete(venueId);
      },
    };
  }

  async #ready(order: VenueOrder, entry: InFlight, before: InFlight[]): Promise<void> {
    if (before.length > 0) {
      await Promise.all(before.map((other) => other.locked.promise));
      return;
    }
    // Nothing in flight brings the venue up to this batch. Wait a little for it only when this
    // process knows the venue is behind (a pipelined predecessor still on its way, or checked
    // more slowly); one that arrives in time is then followed like one that arrived first.
    const deadline = Date.now() + this.reorderWaitMs;
    for (;;) {
      const arrived = [...order.inFlight].filter((other) => other !== entry && other.fromVenueSeq < entry.fromVenueSeq && other.lastVenueSeq >= entry.fromVenueSeq - 1);
      if (arrived.length > 0) {
        before.push(...arrived);
        await Promise.all(arrived.map((other) => other.locked.promise));
        return;
      }
      // Where this process has not committed for the venue yet, an earlier batch of it in flight says the same.
      const isBehind = order.ackedVenueSeq !== undefined
        ? order.ackedVenueSeq < entry.fromVenueSeq - 1
        : [...order.inFlight].some((other) => other.fromVenueSeq < entry.fromVenueSeq);
      const remaining = deadline - Date.now();
      if (!isBehind || remaining <= 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([order.changed.promise, new Promise<void>((done) => (timer = setTimeout(done, remaining)))]);
      clearTimeout(timer);
    }
  }

  #notify(order: VenueOrder): void {
    const { resolve } = order.changed;
    order.changed = stage();
    resolve();
  }
}
