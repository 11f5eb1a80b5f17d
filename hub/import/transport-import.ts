/**
 * Imports a venue transport file (the log carried by hand while the internet was down)
 * with the same checks as the network uplink: the file's Ed25519 signature first (a
 * changed byte is refused before anything is decrypted or written, leaving only an
 * alarm), then each chunk goes through UplinkService.receive exactly as a network batch
 * would: envelope signature, body digest, signed head, decoding with chain rebuild,
 * chain decisions, overlap conflicts and the Merkle root against the signed head, each
 * chunk in one transaction. Only the clock window is not applied: a file is days old by
 * design, and its nonces and overlap checks already make a replay a no-op.
 *
 * Chunks the hub already holds entirely (a re-import, or events that came over the
 * network first) are compared hash by hash and skipped, so importing twice changes nothing.
 */
import { inflateSync } from 'node:zlib';
import { decodeVenueBatch } from '../../sync/codec';
import { SyncRefusal } from '../../sync/refusals';
import { isTransportSignature, openTransportFile, readTransportFile, type TransportChunk, type TransportHeader } from '../../edge-server/export/transport-file';
import type { HubContext } from '../context';
import { appendAudit, storedVenueHashes } from '../db';
import { UplinkService } from '../services/uplink';
import { VenueKeys } from '../services/venue-auth';
import type { HubTransportKey } from './transport-key';

/** Venue keys for transported batches: everything as on the network except the clock window. */
class TransportedVenueKeys extends VenueKeys {
  override checkClock(): void {
    // A transport file is signed as a whole; its age is expected, not suspicious.
  }
}

export interface TransportImportOutcome {
  venueId: string;
  exportedAt: number;
  /** Events the file attests (its signed head's size). */
  fileEvents: number;
  importedEvents: number;
  alreadyHeldEvents: number;
  ackedVenueSeq: number;
  root: string;
  isHeadMatched: boolean;
}

export class TransportImportService {
  readonly #keys: VenueKeys;
  readonly #uplink: UplinkService;

  constructor(
    private readonly ctx: HubContext,
    private readonly transportKey: HubTransportKey,
  ) {
    this.#keys = new TransportedVenueKeys(ctx);
    this.#uplink = new UplinkService(ctx, this.#keys);
  }

  /** Verifies, decrypts and ingests a transport file; `actor` is the staff member who imports it. */
  async importFile(bytes: Uint8Array, actor: string): Promise<TransportImportOutcome> {
    const file = readTransportFile(bytes);
    const { header } = file;
    const venueKey = await this.#keys.keyOf(header.venueId);
    if (!isTransportSignature(file, venueKey)) {
      await this.#keys.alarm(header.venueId, 'forged-batch', { what: 'the transport file signature does not verify with the venue key', exportedAt: header.exportedAt });
      throw new SyncRefusal('bad-signature', 'the transport file signature does not verify with the venue key: it was changed or is not from this venue');
    }
    const chunks = openTransportFile(file, this.transportKey.privateKeyPem());
    checkChunksMatchHeader(header, chunks);
    let { ackedVenueSeq } = await this.#uplink.cursor(header.venueId);
    let importedEvents = 0;
    let alreadyHeldEvents = 0;
    for (const chunk of chunks) {
      const { fromVenueSeq, count } = chunk.envelope;
      if (fromVenueSeq + count - 1 <= ackedVenueSeq) {
        await this.#checkHeld(header.venueId, chunk);
        alreadyHeldEvents += count;
        continue;
      }
      const receipt = await this.#uplink.receive(chunk.envelope, chunk.body);
      importedEvents += receipt.ackedVenueSeq - ackedVenueSeq;
      alreadyHeldEvents += count - (receipt.ackedVenueSeq - ackedVenueSeq);
      ackedVenueSeq = receipt.ackedVenueSeq;
    }
    const cursor = await this.#uplink.cursor(header.venueId);
    await appendAudit(this.ctx.database.db, {
      at: this.ctx.now(), actor, action: 'venue-file.imported', subject: header.venueId,
      detail: { exportedAt: header.exportedAt, fileEvents: header.head.size, importedEvents, ackedVenueSeq: cursor.ackedVenueSeq, root: cursor.root },
    });
    return {
      venueId: header.venueId, exportedAt: header.exportedAt, fileEvents: header.head.size, importedEvents, alreadyHeldEvents,
      ackedVenueSeq: cursor.ackedVenueSeq, root: cursor.root, isHeadMatched: cursor.isHeadMatched,
    };
  }

  /** A chunk the hub holds entirely must repeat what it holds, hash for hash; else it is a conflict. */
  async #checkHeld(venueId: string, chunk: TransportChunk): Promise<void> {
    const batch = decodeVenueBatch(inflateSync(chunk.body, { maxOutputLength: this.ctx.config.uplinkInflatedLimitBytes }));
    const last = chunk.envelope.fromVenueSeq + batch.entries.length - 1;
    const stored = await storedVenueHashes(this.ctx.database.db, venueId, chunk.envelope.fromVenueSeq, last);
    const differing = batch.entries.find(({ venueSeq, event }) => stored.get(venueSeq)?.hash !== event.hash);
    if (differing) {
      const message = `venue seq ${differing.venueSeq} is held with a different hash than the transport file's`;
      await this.#keys.alarm(venueId, 'conflict', { venueSeq: differing.venueSeq, message });
      throw new SyncRefusal('conflict', message);
    }
  }
}

/** Every chunk must be from the file's venue, carry the file's signed head, and follow the previous one. */
function checkChunksMatchHeader(header: TransportHeader, chunks: readonly TransportChunk[]): void {
  let next = 1;
  for (const { envelope } of chunks) {
    if (envelope.venueId !== header.venueId || envelope.head.signature !== header.head.signature || envelope.fromVenueSeq !== next) {
      throw new SyncRefusal('malformed', `chunk from venue seq ${envelope.fromVenueSeq} does not belong to this file's log`);
    }
    next += envelope.count;
  }
  if (next - 1 !== header.head.size) throw new SyncRefusal('malformed', `the file holds ${next - 1} events but its signed head says ${header.head.size}`);
}
