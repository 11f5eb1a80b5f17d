/** Shared set-up for the venue's unit tests: a real SQLite file in a fresh temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVenueApp, type VenueAppOptions } from './app';
import { openVenueStore, type VenueStore } from './db/store';
import { DeviceIngest } from './services/device-ingest';

export interface TestVenue {
  dataDir: string;
  store: VenueStore;
  ingest: DeviceIngest;
  app: ReturnType<typeof createVenueApp>;
  /** Closes and reopens the database on the same folder, as a restart would. */
  reopen(): TestVenue;
  close(): void;
}

export function openTestVenue(options: Partial<VenueAppOptions> = {}, dataDir = mkdtempSync(join(tmpdir(), 'exam-venue-unit-'))): TestVenue {
  const store = openVenueStore(dataDir);
  const ingest = new DeviceIngest(store);
  const app = createVenueApp({ store, ingest, version: 'test', ...options });
  const venue: TestVenue = {
    dataDir, store, ingest, app,
    reopen: () => {
      store.close();
      return openTestVenue(options, dataDir);
    },
    close: () => store.close(),
  };
  return venue;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function postJson(app: TestVenue['app'], path: string, body: unknown, env?: unknown): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, env));
}
