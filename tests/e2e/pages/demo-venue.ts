/**
 * The world around a candidate's PC in the end-to-end tests: a demo hub and a venue
 * enrolled at it (the hub publishes the demo sessions and releases their keys), a
 * proctor's tablet that authorises the start the way the proctor app does (signed in at
 * the venue, pushing `proctor.authorise` in its own chain), and a read of what the venue
 * holds for an attempt, straight from its SQLite file.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chainEvent, GENESIS_HASH } from '../../../sync/chain';
import type { ChainedEvent, EventBody } from '../../../sync/events';
import { buildDemoCredentials, CITIZENSHIP_SESSION_ID, type CandidateCredential } from '../../../hub/demo/index';
import { ROOT, startHub, startVenue, type RunningProcess } from '../../support/processes';

export interface DemoVenue {
  hub: RunningProcess;
  venue: RunningProcess;
  venueEnv: Record<string, string>;
  /** Restarts a stopped venue on the same port and data folder. */
  restartVenue(): Promise<RunningProcess>;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Fails early, with the fix, when the PWA has not been built (`npm run build`, or VENUE_STATIC_DIR pointing at a build). */
export function requireBuild(): void {
  const dist = resolve(process.env.VENUE_STATIC_DIR ?? join(ROOT, 'dist'));
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
}

/** Waits until the venue at `venueUrl` has pulled its first page from the hub. */
export function waitForVenuePull(venueUrl: string, what: string): Promise<void> {
  return waitFor(async () => {
    const health = (await (await fetch(`${venueUrl}/api/health`)).json()) as { downlink?: { cursor?: number } };
    return (health.downlink?.cursor ?? 0) > 0;
  }, what);
}

/** Starts the demo hub and an enrolled venue, and waits until the venue holds the demo sessions. */
export async function startDemoVenue(): Promise<DemoVenue> {
  const hub = await startHub({ args: ['--demo'] });
  const token = readFileSync(join(hub.dataDir, 'demo-enrol-token'), 'utf8').trim();
  const venueEnv = { HUB_URL: hub.url, VENUE_ENROL_TOKEN: token, VENUE_SYNC_INTERVAL_MS: '500' };
  let venue = await startVenue({ env: venueEnv });
  await waitForVenuePull(venue.url, 'the venue to pull the demo sessions');
  const world: DemoVenue = {
    hub, venue, venueEnv,
    async restartVenue() {
      venue = await startVenue({ port: venue.port, dataDir: venue.dataDir, env: venueEnv });
      world.venue = venue;
      return venue;
    },
    async stop() {
      await world.venue.stop();
      await hub.stop();
    },
  };
  return world;
}

/** Demo candidates of the citizenship session, with their plain access codes. */
export function demoCandidates(): CandidateCredential[] {
  return buildDemoCredentials().candidates.filter((c) => c.sessionId === CITIZENSHIP_SESSION_ID);
}

/** The demo proctor assigned to a room. */
export function demoProctorFor(roomId: string): { username: string; pin: string } {
  const proctor = buildDemoCredentials().proctors.find((p) => p.roomIds.includes(roomId));
  if (!proctor) throw new Error(`no demo proctor for ${roomId}`);
  return proctor;
}

/** A proctor's tablet: signs in at the venue and pushes decisions as events of its own chain. */
export class ProctorTablet {
  #head = { seq: 0, hash: GENESIS_HASH };

  constructor(private readonly venueUrl: string, readonly deviceId = `tab-e2e-${Date.now()}`) {}

  async signIn(username: string, pin: string): Promise<void> {
    const response = await fetch(`${this.venueUrl}/api/proctor/sign-in`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, pin, deviceId: this.deviceId }),
    });
    if (!response.ok) throw new Error(`proctor sign-in failed: ${response.status} ${await response.text()}`);
  }

  async authorise(sessionId: string, candidateId: string): Promise<void> {
    await this.push({ type: 'proctor.authorise', attemptId: `${sessionId}.${candidateId}`, data: { candidateId } });
  }

  async pause(sessionId: string, candidateId: string): Promise<void> {
    await this.push({ type: 'proctor.pause', attemptId: `${sessionId}.${candidateId}`, data: {} });
  }

  async resume(sessionId: string, candidateId: string): Promise<void> {
    await this.push({ type: 'proctor.resume', attemptId: `${sessionId}.${candidateId}`, data: {} });
  }

  async extend(sessionId: string, candidateId: string, minutes: number, reason: string): Promise<void> {
    await this.push({ type: 'proctor.extend', attemptId: `${sessionId}.${candidateId}`, data: { minutes, reason } });
  }

  private async push(partial: { type: EventBody['type']; attemptId: string; data: unknown }): Promise<void> {
    const body = { ...partial, deviceId: this.deviceId, epoch: 1, seq: this.#head.seq + 1, at: Date.now() } as EventBody;
    const event = chainEvent(this.#head.hash, body);
    const response = await fetch(`${this.venueUrl}/api/device/events`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: this.deviceId, epoch: 1, events: [event] }),
    });
    if (!response.ok) throw new Error(`tablet push failed: ${response.status} ${await response.text()}`);
    this.#head = { seq: event.seq, hash: event.hash };
  }
}

/** Every event the venue holds for an attempt (bodies as hashed, plus hashes), in venue order. */
export function venueEventsOf(venue: RunningProcess, attemptId: string): ChainedEvent[] {
  const db = new Database(join(venue.dataDir, 'venue.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT body, hash, prev_hash AS prevHash FROM venue_log WHERE attempt_id = ? ORDER BY venue_seq').all(attemptId) as Array<{ body: string; hash: string; prevHash: string }>;
    return rows.map((row) => ({ ...(JSON.parse(row.body) as EventBody), hash: row.hash, prevHash: row.prevHash }) as ChainedEvent);
  } finally {
    db.close();
  }
}
