/**
 * Venue set-up, in the order a technician needs it: check the seat plan (so a bad CSV
 * changes nothing), create the venue's Ed25519 identity, enrol it at the hub with the
 * one-time token (as the uplink would on first contact), keep a copy of the hub's
 * transport key for hand-carried exports, make the venue CA and LAN certificate, and
 * register the classroom PCs. Every step is idempotent: a re-run with the same inputs
 * changes nothing, and a re-run while the hub is down still updates certificates and seats.
 */
import { SetupPcRepository } from '../db/setup-pcs-repo';
import { openVenueStore } from '../db/store';
import { loadVenueIdentity } from '../identity';
import { HubClient, HubError } from '../uplink/hub-client';
import { fetchHubTransportKey, loadHubTransportKey, saveHubTransportKey } from './hub-transport-key';
import { parseSeatsCsv, type SeatsCsvError } from './seats-csv';
import { ensureVenueCertificates, type VenueTlsOutcome } from './venue-ca';

export class SetupError extends Error {
  override readonly name = 'SetupError';

  constructor(
    readonly reason: 'bad-seats-csv' | 'not-enrolled' | 'no-transport-key',
    message: string,
    readonly csvErrors: readonly SeatsCsvError[] = [],
  ) {
    super(message);
  }
}

export interface VenueSetupOptions {
  dataDir: string;
  hubUrl: string;
  venueId: string;
  venueName?: string;
  /** The one-time enrolment token; needed only until the venue is enrolled. */
  token?: string;
  lanHost: string;
  /** The seat plan's text (`pc-name,room,seat`), if given. */
  seatsCsv?: string;
  now?: () => number;
  log?: (line: string) => void;
}

export interface VenueSetupOutcome {
  venueId: string;
  publicKey: string;
  isNewlyEnrolled: boolean;
  transportKeyId: string;
  tls: VenueTlsOutcome;
  pcs?: { registered: number; added: number; moved: number; removed: number };
}

export async function runVenueSetup(options: VenueSetupOptions): Promise<VenueSetupOutcome> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const plan = options.seatsCsv === undefined ? undefined : parseSeatsCsv(options.seatsCsv);
  if (plan && plan.errors.length > 0) {
    const lines = plan.errors.map((error) => `  line ${error.line}: ${error.message}`).join('\n');
    throw new SetupError('bad-seats-csv', `The seat plan has ${plan.errors.length} problem(s); nothing was changed:\n${lines}`, plan.errors);
  }
  const store = openVenueStore(options.dataDir);
  try {
    const identity = loadVenueIdentity(options.dataDir, store, { venueId: options.venueId, hubUrl: options.hubUrl }, now());
    const hub = new HubClient({ hubUrl: options.hubUrl, identity, timeoutMs: 30_000 });
    const isNewlyEnrolled = await enrol(store, hub, options, now);
    log(isNewlyEnrolled ? `enrolled venue ${identity.venueId} at ${options.hubUrl}` : `venue ${identity.venueId} is enrolled`);

    let transportKey = loadHubTransportKey(options.dataDir);
    try {
      transportKey = await fetchHubTransportKey(options.hubUrl, now());
      saveHubTransportKey(options.dataDir, transportKey);
    } catch (error) {
      if (!transportKey) throw new SetupError('no-transport-key', `Could not fetch the hub's transport key: ${(error as Error).message}`);
      log(`hub unreachable; keeping the stored transport key ${transportKey.keyId.slice(0, 16)}…`);
    }

    const tls = await ensureVenueCertificates(options.dataDir, identity.venueId, options.lanHost, now());
    log(`${tls.isCaCreated ? 'created' : 'kept'} the venue CA (SHA-256 ${tls.caFingerprint256}); ${tls.isServerCertIssued ? 'issued' : 'kept'} the certificate for ${options.lanHost} (valid until ${tls.serverValidTo})`);

    let pcs: VenueSetupOutcome['pcs'];
    if (plan) {
      const changes = new SetupPcRepository(store.db).replaceAll(plan.pcs, now());
      pcs = { registered: plan.pcs.length, ...changes };
      log(`${plan.pcs.length} classroom PCs registered (${changes.added} added, ${changes.moved} moved, ${changes.removed} removed)`);
    }
    return { venueId: identity.venueId, publicKey: identity.publicKey, isNewlyEnrolled, transportKeyId: transportKey.keyId, tls, pcs };
  } finally {
    store.close();
  }
}

/** Enrols unless the hub already knows the venue's key; true when this run enrolled it. */
async function enrol(store: ReturnType<typeof openVenueStore>, hub: HubClient, options: VenueSetupOptions, now: () => number): Promise<boolean> {
  const isRecorded = store.config.get()?.isEnrolled === true;
  try {
    await hub.cursor();
    if (!isRecorded) store.config.markEnrolled(now());
    return false;
  } catch (error) {
    if (isRecorded && error instanceof HubError && error.status !== 401) return false; // hub down: set-up of the LAN goes on
    if (!(error instanceof HubError) || error.status !== 401) throw error;
  }
  if (!options.token) throw new SetupError('not-enrolled', 'The hub does not know this venue yet: give the enrolment token from the hub (--token).');
  await hub.enrol(options.token, options.venueName ?? `Venue ${options.venueId}`);
  store.config.markEnrolled(now());
  return true;
}
