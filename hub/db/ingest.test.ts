import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabaseTargets } from '../testing/databases';
import { isDeadlock, isUniqueViolation, type HubDatabase } from './client';
import { countVenueEvents, insertVenueEvents, openVenueEventSink, type VenueEventRow } from './ingest';

const row = (venueSeq: number, seq: number, bodyJson: string, deviceId = 'pc-1'): VenueEventRow => ({
  venueSeq, deviceId, epoch: 1_764_057_600_000, seq, type: 'item.viewed', attemptId: seq % 2 === 0 ? null : 'att-1', at: 1_764_057_600_000 + seq,
  hash: String(seq).padStart(64, 'a'), prevHash: String(seq - 1).padStart(64, 'b'), bodyJson,
});

describe.each(testDatabaseTargets())('bulk load of venue events on $name', (target) => {
  let database: HubDatabase & { drop(): Promise<void> };

  beforeAll(async () => {
    database = await target.open();
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('stores bodies with backslashes, tabs, newlines and non-Latin text exactly, nulls as nulls', async () => {
    const bodies = [
      JSON.stringify({ data: { text: 'tab\there\nnew line \\ back\\slash "quoted"' } }),
      JSON.stringify({ data: { text: 'Қазақша мәтін, русский текст 🙂' } }),
      JSON.stringify({ data: { text: '\r\\N not a null' } }),
    ];
    await database.db.transaction((tx) => insertVenueEvents(tx, 'v-copy', bodies.map((body, index) => row(index + 1, index + 1, body)), 5));
    const result = await database.db.execute(sql`select venue_seq, attempt_id, body::text as body from venue_events where venue_id = 'v-copy' order by venue_seq`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ attempt_id: string | null; body: string }>;
    expect(rows.map((stored) => JSON.parse(stored.body) as unknown)).toEqual(bodies.map((body) => JSON.parse(body) as unknown));
    expect(rows.map((stored) => stored.attempt_id)).toEqual(['att-1', null, 'att-1']);
  });

  it('fails on an event identity already held and leaves nothing of the refused transaction', async () => {
    await database.db.transaction((tx) => insertVenueEvents(tx, 'v-dup', [row(1, 1, '{}', 'pc-dup'), row(2, 2, '{}', 'pc-dup')], 5));
    let caught: unknown;
    try {
      await database.db.transaction(async (tx) => {
        const sink = openVenueEventSink(tx, 'v-dup', 6);
        try {
          // Many rows before the duplicate, so the server refuses while rows are still being written.
          await sink.write(Array.from({ length: 3000 }, (_, index) => row(10 + index, 10 + index, '{}', 'pc-dup')));
          await sink.write([row(5000, 2, '{}', 'pc-dup')]);
          await sink.finish();
        } catch (error) {
          await sink.abort(error as Error);
          throw error;
        }
      });
    } catch (error) {
      caught = error;
    }
    expect(isUniqueViolation(caught)).toBe(true);
    expect(await countVenueEvents(database.db, 'v-dup')).toBe(2);
    // The connection is usable again after the refused load.
    await database.db.transaction((tx) => insertVenueEvents(tx, 'v-dup', [row(3, 3, '{}', 'pc-dup')], 7));
    expect(await countVenueEvents(database.db, 'v-dup')).toBe(3);
  });

});

describe('isDeadlock', () => {
  it('finds PostgreSQL\'s deadlock code under the query error that wraps it, and nothing else', () => {
    const server = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(isDeadlock(new Error('Failed query: select … for update', { cause: server }))).toBe(true);
    expect(isDeadlock(server)).toBe(true);
    expect(isDeadlock(new Error('Failed query', { cause: Object.assign(new Error('duplicate key'), { code: '23505' }) }))).toBe(false);
    expect(isDeadlock(new Error('plain'))).toBe(false);
  });
});
