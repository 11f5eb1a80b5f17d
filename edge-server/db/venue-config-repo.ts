/** The venue's identity row: id, public key, hub URL, enrolment. */
import type { Statement } from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import type { VenueDatabase } from './client';
import { venueConfig } from './schema';

const ROW = 1;

export interface VenueConfig {
  venueId: string;
  publicKey: string;
  hubUrl: string | null;
  isEnrolled: boolean;
  enrolledAt: number | null;
}

export class VenueConfigRepository {
  readonly #db: VenueDatabase;
  readonly #venueId: Statement<[], { venueId: string }>;

  constructor(db: VenueDatabase) {
    this.#db = db;
    this.#venueId = db.sqlite.prepare(`SELECT venue_id AS venueId FROM venue_config WHERE id = ${ROW}`);
  }

  /** The venue's id alone, as a prepared statement: every device push checks it. */
  venueId(): string | undefined {
    return this.#venueId.get()?.venueId;
  }

  get(): VenueConfig | undefined {
    const row = this.#db.orm.select().from(venueConfig).where(eq(venueConfig.id, ROW)).get();
    if (!row) return undefined;
    return { venueId: row.venueId, publicKey: row.publicKey, hubUrl: row.hubUrl, isEnrolled: row.isEnrolled, enrolledAt: row.enrolledAt };
  }

  create(config: { venueId: string; publicKey: string; hubUrl: string | null }, now: number): void {
    this.#db.orm.insert(venueConfig).values({ id: ROW, ...config, isEnrolled: false, createdAt: now }).run();
  }

  setHubUrl(hubUrl: string | null): void {
    this.#db.orm.update(venueConfig).set({ hubUrl }).where(eq(venueConfig.id, ROW)).run();
  }

  markEnrolled(now: number): void {
    this.#db.orm.update(venueConfig).set({ isEnrolled: true, enrolledAt: now }).where(eq(venueConfig.id, ROW)).run();
  }
}
