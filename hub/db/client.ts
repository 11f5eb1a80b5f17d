/**
 * Opens the hub's database: embedded PGlite in a data folder by default (demo, development,
 * tests), or a PostgreSQL server when a `postgres://` URL is given (production: PGlite
 * never fsyncs, see DESIGN.md "Durability"). Committed drizzle-kit migrations are applied
 * on every open, so a fresh folder or database is ready to use.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

/** The hub's database (or an open transaction on it): both expose the same query builder. */
export type HubDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface HubDatabase {
  db: HubDb;
  kind: 'pglite' | 'postgres';
  /** Runs a trivial query; throws if the database is unusable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenHubDatabaseOptions {
  /** PGlite data folder; ignored when `databaseUrl` is set. Omit both for an in-memory PGlite. */
  dataDir?: string;
  /** A `postgres://` URL: use a PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/** Opens (and migrates) the hub database. */
export async function openHubDatabase(options: OpenHubDatabaseOptions = {}): Promise<HubDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle pooled connection the server ended (a restart, a terminate, a dropped database at
    // shutdown) is discarded by the pool and replaced when needed; unobserved, its error would
    // end the process.
    pool.on('error', () => undefined);
    const db = drizzlePostgres(pool, { schema });
    try {
      await migratePostgres(db, { migrationsFolder });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      db: db as unknown as HubDb,
      kind: 'postgres',
      ping: async () => { await db.execute(sql`select 1`); },
      close: () => pool.end(),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  const db = drizzlePglite(client, { schema });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (error) {
    await client.close();
    throw error;
  }
  return {
    db: db as unknown as HubDb,
    kind: 'pglite',
    ping: async () => { await db.execute(sql`select 1`); },
    close: () => client.close(),
  };
}

/** True when a database error (possibly wrapped by drizzle) is a unique-constraint violation. */
/**
 * True when PostgreSQL broke a lock cycle by aborting this transaction (deadlock detected):
 * two overlapping batches of one venue each waited on the other. Nothing of it was stored.
 */
export function isDeadlock(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if ((current as { code?: unknown }).code === '40P01') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if ((current as { code?: unknown }).code === '23505') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The driver connection under an open drizzle transaction, for the one statement drizzle has
 * no verb for (COPY, the bulk load of an uplink's events). On PostgreSQL it is undefined
 * outside a transaction (the pool would hand out any connection, outside the transaction);
 * PGlite has one connection, which it returns either way. Undefined for a driver this file
 * did not open.
 */
export function transactionConnectionOf(tx: HubDb): { kind: 'postgres'; client: pg.PoolClient } | { kind: 'pglite'; client: PgliteTransaction | PGlite } | undefined {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  if (client instanceof pg.Client) return { kind: 'postgres', client: client as pg.PoolClient };
  if (client instanceof PGlite) return { kind: 'pglite', client };
  if (client && typeof (client as PgliteTransaction).query === 'function' && typeof (client as PgliteTransaction).rollback === 'function' && !(client instanceof pg.Pool)) {
    return { kind: 'pglite', client: client as PgliteTransaction };
  }
  return undefined;
}
