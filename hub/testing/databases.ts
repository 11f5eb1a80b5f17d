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

async function adminQuery(url: string, text: string): Promise<void> {
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
        const name = `hub_test_${randomBytes(6).toString('hex')}`;
        await adminQuery(url, `create database ${name}`);
        const databaseUrl = new URL(url);
        databaseUrl.pathname = `/${name}`;
        const database = await openHubDatabase({ databaseUrl: databaseUrl.toString() });
        return {
          ...database,
          async drop() {
            await database.close();
            await untilDisconnected(url, name);
            await adminQuery(url, `drop database if exists ${name} with (force)`);
          },
        };
      },
    });
  }
  return targets;
}
