/**
 * Opens the venue's SQLite database: WAL with synchronous=FULL, so a receipt sent after
 * a commit survives a power cut, and the committed drizzle-kit migrations applied at
 * every start.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { resolve } from 'node:path';
import * as schema from './schema';

export const MIGRATIONS_FOLDER = resolve(import.meta.dirname, '../drizzle');

export type VenueOrm = BetterSQLite3Database<typeof schema>;

export interface VenueDatabase {
  sqlite: Database.Database;
  orm: VenueOrm;
  /** Runs `work` in one IMMEDIATE transaction: all of it commits, or none of it. */
  transaction<T>(work: () => T): T;
  close(): void;
}

export function openVenueDatabase(file: string): VenueDatabase {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const orm = drizzle(sqlite, { schema });
  migrate(orm, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    sqlite,
    orm,
    transaction: <T>(work: () => T): T => sqlite.transaction(work).immediate(),
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
