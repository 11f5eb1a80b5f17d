/** The venue's storage in one object: the database and a repository per concern. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openVenueDatabase, type VenueDatabase } from './client';
import { DeviceLogRepository } from './device-log';
import { DownlinkRepository } from './downlink-repo';
import { MerkleStore } from './merkle-store';
import { UplinkRepository } from './uplink-repo';
import { VenueConfigRepository } from './venue-config-repo';

export interface VenueStore {
  db: VenueDatabase;
  config: VenueConfigRepository;
  log: DeviceLogRepository;
  merkle: MerkleStore;
  uplink: UplinkRepository;
  downlink: DownlinkRepository;
  /** Cheap liveness check of the database, for health. */
  probe(): 'ok' | 'failed';
  close(): void;
}

export const DATABASE_FILE = 'venue.sqlite';

/** Opens (creating and migrating as needed) the venue database in `dataDir`. */
export function openVenueStore(dataDir: string): VenueStore {
  mkdirSync(dataDir, { recursive: true });
  const db = openVenueDatabase(join(dataDir, DATABASE_FILE));
  const probe = db.sqlite.prepare('SELECT 1 AS one');
  return {
    db,
    config: new VenueConfigRepository(db),
    log: new DeviceLogRepository(db),
    merkle: new MerkleStore(db),
    uplink: new UplinkRepository(db),
    downlink: new DownlinkRepository(db),
    probe: () => {
      try {
        return probe.get() ? 'ok' : 'failed';
      } catch {
        return 'failed';
      }
    },
    close: () => db.close(),
  };
}
