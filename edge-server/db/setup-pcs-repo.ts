/** The classroom PCs registered at set-up (see schema/setup-pcs.ts). */
import { asc, eq } from 'drizzle-orm';
import type { VenueDatabase } from './client';
import { setupPcs } from './schema';

export interface RegisteredPc {
  pcName: string;
  room: string;
  seat: string;
}

export class SetupPcRepository {
  readonly #db: VenueDatabase;

  constructor(db: VenueDatabase) {
    this.#db = db;
  }

  list(): RegisteredPc[] {
    return this.#db.orm.select({ pcName: setupPcs.pcName, room: setupPcs.room, seat: setupPcs.seat }).from(setupPcs).orderBy(asc(setupPcs.room), asc(setupPcs.seat)).all();
  }

  /**
   * Makes the registered PCs exactly `pcs`, in one transaction. A PC already registered at
   * the same seat keeps its row (and its registration time), so re-running set-up with the
   * same CSV changes nothing; returns how many rows were added, moved and removed.
   */
  replaceAll(pcs: readonly RegisteredPc[], now: number): { added: number; moved: number; removed: number } {
    return this.#db.transaction(() => {
      const held = new Map(this.list().map((pc) => [pc.pcName, pc]));
      const wanted = new Set(pcs.map((pc) => pc.pcName));
      let added = 0;
      let moved = 0;
      let removed = 0;
      // Delete what moves or goes first, so a seat freed by one PC can take another.
      for (const pc of held.values()) {
        const next = pcs.find((candidate) => candidate.pcName === pc.pcName);
        if (next && next.room === pc.room && next.seat === pc.seat) continue;
        this.#db.orm.delete(setupPcs).where(eq(setupPcs.pcName, pc.pcName)).run();
        if (wanted.has(pc.pcName)) moved++;
        else removed++;
      }
      for (const pc of pcs) {
        const before = held.get(pc.pcName);
        if (before && before.room === pc.room && before.seat === pc.seat) continue;
        this.#db.orm.insert(setupPcs).values({ ...pc, registeredAt: now }).run();
        if (!before) added++;
      }
      return { added, moved, removed };
    });
  }
}
