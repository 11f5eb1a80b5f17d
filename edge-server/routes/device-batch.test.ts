import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeDeviceBatch } from '../../sync/codec';
import { candidateChain } from '../../sync/testkit';
import { openTestVenue, removeDir, type TestVenue } from '../test-support';
import { DEVICE_BATCH_TYPE, MAX_INFLATED_BYTES } from './device';

let venue: TestVenue;
beforeEach(() => {
  venue = openTestVenue();
});
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

const send = (body: Uint8Array, encoding?: string) =>
  venue.app.request('/api/device/events', {
    method: 'POST',
    headers: { 'content-type': DEVICE_BATCH_TYPE, ...(encoding ? { 'content-encoding': encoding } : {}) },
    body: body as unknown as BodyInit,
  });

describe('POST /api/device/events with the compact codec', () => {
  it('takes plain, deflated and gzipped batches into the same ingest and receipt', async () => {
    const chain = candidateChain({ answers: 29 });
    const plain = await send(encodeDeviceBatch(chain.slice(0, 10)));
    expect((await plain.json()).receipt).toEqual({ deviceId: 'pc-astana-a07', epoch: 1, ackedSeq: 10, ackedHash: chain[9]!.hash });
    const deflated = await send(deflateSync(encodeDeviceBatch(chain.slice(10, 20))), 'deflate');
    expect((await deflated.json()).receipt.ackedSeq).toBe(20);
    // An identical resend in the other encoding is a no-op.
    expect((await (await send(gzipSync(encodeDeviceBatch(chain.slice(5, 30))), 'gzip')).json()).receipt.ackedSeq).toBe(30);
    const rows = venue.store.log.readAfter(0, 100);
    expect(rows.map((row) => row.hash)).toEqual(chain.map((event) => event.hash));
    const { prevHash: _p, hash: _h, ...body } = chain[12]!;
    expect(JSON.parse(rows[12]!.body)).toEqual(body);
  });

  it('refuses bodies that are not a batch, a broken chain, an unknown encoding and a compression bomb, storing nothing', async () => {
    const chain = candidateChain({ answers: 5 });
    const garbage = await send(new TextEncoder().encode('{"f":"device-batch/1"}'));
    expect(garbage.status).toBe(400);
    expect((await garbage.json()).code).toBe('malformed');
    expect((await send(encodeDeviceBatch(chain), 'br')).status).toBe(400);
    expect((await send(encodeDeviceBatch(chain), 'deflate')).status).toBe(400);
    const tampered = JSON.parse(new TextDecoder().decode(encodeDeviceBatch(chain)));
    tampered.a[2] += 1;
    const broken = await send(new TextEncoder().encode(JSON.stringify(tampered)));
    expect(broken.status).toBe(422);
    expect((await broken.json()).code).toBe('bad-chain');
    const bomb = await send(deflateSync(Buffer.alloc(MAX_INFLATED_BYTES + 1024)), 'deflate');
    expect(bomb.status).toBe(413);
    expect((await bomb.json()).code).toBe('too-large');
    expect(venue.store.log.lastVenueSeq()).toBe(0);
  });
});
