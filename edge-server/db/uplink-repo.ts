/** Uplink progress (one row): what the hub has acknowledged, and the last success or failure. */
import { eq, sql } from 'drizzle-orm';
import type { VenueDatabase } from './client';
import { uplinkState } from './schema';

const ROW = 1;

export interface UplinkProgress {
  ackedVenueSeq: number;
  hubRoot: string | null;
  isHeadMatched: boolean | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  attempts: number;
}

const EMPTY: UplinkProgress = { ackedVenueSeq: 0, hubRoot: null, isHeadMatched: null, lastSuccessAt: null, lastError: null, lastErrorAt: null, attempts: 0 };

export class UplinkRepository {
  readonly #db: VenueDatabase;

  constructor(db: VenueDatabase) {
    this.#db = db;
    db.orm.insert(uplinkState).values({ id: ROW }).onConflictDoNothing().run();
  }

  get(): UplinkProgress {
    const row = this.#db.orm.select().from(uplinkState).where(eq(uplinkState.id, ROW)).get();
    if (!row) return EMPTY;
    const { id: _id, ...progress } = row;
    return progress;
  }

  /** The hub's receipt: it holds everything up to `ackedVenueSeq`. Clears the error (its time stays, for the record). */
  recordSuccess(receipt: { ackedVenueSeq: number; root: string; isHeadMatched?: boolean }, now: number): void {
    const headMatch = receipt.isHeadMatched === undefined ? {} : { isHeadMatched: receipt.isHeadMatched };
    this.#db.orm
      .update(uplinkState)
      .set({ ackedVenueSeq: receipt.ackedVenueSeq, hubRoot: receipt.root, ...headMatch, lastSuccessAt: now, lastError: null, attempts: 0 })
      .where(eq(uplinkState.id, ROW))
      .run();
  }

  recordFailure(message: string, now: number): void {
    this.#db.orm
      .update(uplinkState)
      .set({ lastError: message.slice(0, 500), lastErrorAt: now, attempts: sql`${uplinkState.attempts} + 1` })
      .where(eq(uplinkState.id, ROW))
      .run();
  }
}
