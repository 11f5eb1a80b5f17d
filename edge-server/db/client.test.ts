import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeDir } from '../test-support';
import { openVenueDatabase } from './client';

describe('openVenueDatabase', () => {
  it('runs WAL with synchronous=FULL and applies every migration, also on reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exam-venue-db-'));
    try {
      const file = join(dir, 'venue.sqlite');
      let db = openVenueDatabase(file);
      expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      const tables = () => (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
      expect(tables()).toEqual(expect.arrayContaining(['venue_config', 'venue_log', 'device_heads', 'sync_alarms', 'merkle_state', 'uplink_state', 'downlink_state', 'sessions', 'sealed_packages', 'released_keys']));
      const applied = (db.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
      db.close();
      db = openVenueDatabase(file);
      expect((db.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n).toBe(applied);
      expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      db.close();
    } finally {
      removeDir(dir);
    }
  });
});
