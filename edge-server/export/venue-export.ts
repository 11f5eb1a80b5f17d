/**
 * Seals the venue's whole log into a transport file for the hub: every venue_log row in
 * venue-seq order, in the same signed, deflated batches the network uplink sends, all
 * under one signed Merkle head. The head is taken first and the rows read up to its size:
 * the log is append-only, so those rows are exactly what the head attests even while the
 * venue keeps receiving pushes.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encodeVenueBatch } from '../../sync/codec';
import { uplinkSigningText, type SignedHead } from '../../sync/messages';
import type { VenueStore } from '../db/store';
import type { VenueIdentity } from '../identity';
import { DeviceIngest } from '../services/device-ingest';
import { newNonce } from '../uplink/hub-client';
import { MAX_ENCODED_BATCH_BYTES, rowToEvent, signedHead } from '../uplink/uplink-pass';
import { sealTransportFile, type TransportChunk } from './transport-file';

export interface VenueExport {
  file: Uint8Array;
  head: SignedHead;
  chunks: number;
}

export interface ExportOptions {
  store: VenueStore;
  identity: VenueIdentity;
  /** The hub's transport key (SPKI DER base64), stored at set-up. */
  hubPublicKey: string;
  now?: () => number;
  eventsPerChunk?: number;
}

export function exportVenueLog(options: ExportOptions): VenueExport {
  const { store, identity } = options;
  const now = options.now ?? Date.now;
  const exportedAt = now();
  const head = signedHead(new DeviceIngest(store, now), identity, exportedAt);
  const chunks: TransportChunk[] = [];
  let after = 0;
  let limit = options.eventsPerChunk ?? 1000;
  while (after < head.size) {
    const rows = store.log.readAfter(after, Math.min(limit, head.size - after));
    if (rows.length === 0) throw new Error(`the venue log ends at ${after}, before its head's size ${head.size}`);
    const fromVenueSeq = rows[0]!.venueSeq;
    if (fromVenueSeq !== after + 1) throw new Error(`the venue log has a gap after venue seq ${after}`);
    const encoded = encodeVenueBatch({ venueId: identity.venueId, fromVenueSeq, entries: rows.map((row) => ({ event: rowToEvent(row) })) });
    // The hub caps what a batch may inflate to; evidence photos make some batches large in few events.
    if (encoded.length > MAX_ENCODED_BATCH_BYTES && rows.length > 1) {
      limit = Math.ceil(rows.length / 2);
      continue;
    }
    const body = deflateSync(encoded);
    const unsigned = {
      venueId: identity.venueId, nonce: newNonce(), sentAt: exportedAt, fromVenueSeq, count: rows.length,
      bodySha256: createHash('sha256').update(body).digest('hex'), head,
    };
    chunks.push({ envelope: { ...unsigned, signature: identity.sign(uplinkSigningText(unsigned)) }, body });
    after = rows[rows.length - 1]!.venueSeq;
  }
  const file = sealTransportFile({ venueId: identity.venueId, exportedAt, head, chunks, hubPublicKey: options.hubPublicKey, sign: identity.sign });
  return { file, head, chunks: chunks.length };
}
