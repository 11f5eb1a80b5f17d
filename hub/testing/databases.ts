/**
 * Real databases for the hub's tests: PGlite always, and PostgreSQL too when
 * TEST_DATABASE_URL is set. Each PostgreSQL target is a fresh database made for one
 * test file and dropped after it, so files never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openHubDatabase, type HubDatabase } from '../db';

export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  open(): Promise<HubDatabase & { drop(): Promise<void> }>;
}

/** Runs one statement on the server at `url` (as its administrator) on a connection of its own. */
export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Waits (up to a few seconds) until no session is connected to `name`: a pool's end()
 * resolves before its sockets have closed, and dropping "with (force)" under a client that
 * is still closing makes it emit an error nobody listens to.
 */
async function untilDisconnected(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let tries = 0; tries < 100; tries++) {
      const { rows } = await client.query<{ count: string }>('select count(*) from pg_stat_activity where datname = $1', [name]);
      if (Number(rows[0]?.count ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty PostgreSQL database named `<prefix>_<random>` on the server at `adminUrl`,
 * and how to drop it once every connection to it has closed.
 */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await untilDisconnected(adminUrl, name);
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** The database targets every storage test runs against. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    {
      name: 'pglite',
      async open() {
        const database = await openHubDatabase();
        return { ...database, drop: () => database.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    targets.push({
      name: 'postgres',
      async open() {
        const scratch = await createScratchDatabase(url, 'hub_test');
        const database = await openHubDatabase({ databaseUrl: scratch.url });
        return {
          ...database,
          async drop() {
            await database.close();
            await scratch.drop();
          },
        };
      },
    });
  }
  return targets;
}
