/**
 * A hub app over one test database (testDatabaseTargets), for the suites that drive the hub
 * through its HTTP API, and the enrolment of a test venue into it.
 */
import { afterAll, beforeAll } from 'vitest';
import { createHubApp, createHubServices, type HubDeps } from '../app';
import type { HubDatabase } from '../db';
import type { TestDatabaseTarget } from './databases';
import type { TestVenue } from './venue';

export interface TestHub {
  database: HubDatabase & { drop(): Promise<void> };
  services: ReturnType<typeof createHubServices>;
  app: ReturnType<typeof createHubApp>;
}

/** Opens the target's database and builds the hub's services and app over it; `drop()` the database after. */
async function openTestHub(target: TestDatabaseTarget, deps: Omit<HubDeps, 'database'> = {}): Promise<TestHub> {
  const database = await target.open();
  const services = createHubServices({ ...deps, database });
  return { database, services, app: createHubApp({ ...deps, database }, services) };
}

/** Enrols `venue` with a fresh token, as a venue's set-up does; throws unless the hub answers 201. */
export async function enrolTestVenue(hub: Pick<TestHub, 'services' | 'app'>, venue: TestVenue, name: string = venue.venueId): Promise<void> {
  const { venueId } = venue;
  const { token } = await hub.services.enrolment.createToken('test', { venueId });
  const response = await hub.app.request('/api/venues/enrol', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, venueId, name, publicKey: venue.publicKey }),
  });
  if (response.status !== 201) throw new Error(`enrolment of ${venueId} answered ${response.status}: ${await response.text()}`);
}

/**
 * The suite's hub: opened before its tests, its database dropped after them. Read its parts
 * inside tests (`hub.app`, `hub.services`, `hub.database`), not while the suite is declared.
 */
export function useTestHub(target: TestDatabaseTarget, deps: Omit<HubDeps, 'database'> = {}): TestHub {
  let opened: TestHub | null = null;
  const get = () => {
    if (!opened) throw new Error('the test hub is not open yet: use it inside a test');
    return opened;
  };
  beforeAll(async () => {
    opened = await openTestHub(target, deps);
  }, 120_000);
  afterAll(async () => {
    await opened?.database.drop();
  });
  return {
    get database() { return get().database; },
    get services() { return get().services; },
    get app() { return get().app; },
  };
}
