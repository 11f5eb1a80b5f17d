/**
 * Saves and loads a checkpoint of the venue log's Merkle frontier (one row). The ingest
 * saves it every few thousand events, in the same transaction as the events it covers, so
 * it is never ahead of the log, and a restart rehashes only the events after it.
 */
import type { Statement } from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import type { MerkleAccumulatorState } from '../../sync/merkle';
import type { VenueDatabase } from './client';
import { merkleState } from './schema';

const ROW = 1;

export class MerkleStore {
  readonly #db: VenueDatabase;
  readonly #save: Statement<[number, number, string, string, number]>;

  constructor(db: VenueDatabase) {
    this.#db = db;
    this.#save = db.sqlite.prepare(
      `INSERT INTO merkle_state (id, size, frontier, root, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET size = excluded.size, frontier = excluded.frontier, root = excluded.root, updated_at = excluded.updated_at`,
    );
  }

  load(): MerkleAccumulatorState {
    const row = this.#db.orm.select().from(merkleState).where(eq(merkleState.id, ROW)).get();
    return row ? { size: row.size, frontier: row.frontier } : { size: 0, frontier: [] };
  }

  save(state: MerkleAccumulatorState, root: string, now: number): void {
    this.#save.run(ROW, state.size, JSON.stringify(state.frontier), root, now);
  }
}
