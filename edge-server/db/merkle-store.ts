/**
 * Saves and loads the venue log's Merkle frontier (one row). The caller saves it in the
 * same transaction as the events it covers, so a restart never has to rehash the log.
 */
import { eq } from 'drizzle-orm';
import type { MerkleAccumulatorState } from '../../sync/merkle';
import type { VenueDatabase } from './client';
import { merkleState } from './schema';

const ROW = 1;

export class MerkleStore {
  readonly #db: VenueDatabase;

  constructor(db: VenueDatabase) {
    this.#db = db;
  }

  load(): MerkleAccumulatorState {
    const row = this.#db.orm.select().from(merkleState).where(eq(merkleState.id, ROW)).get();
    return row ? { size: row.size, frontier: row.frontier } : { size: 0, frontier: [] };
  }

  save(state: MerkleAccumulatorState, root: string, now: number): void {
    const values = { size: state.size, frontier: state.frontier, root, updatedAt: now };
    this.#db.orm.insert(merkleState).values({ id: ROW, ...values }).onConflictDoUpdate({ target: merkleState.id, set: values }).run();
  }
}
