import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { bytesToHex, hexToBytes } from '../../sync/canonical';
import { chainEvent } from '../../sync/chain';
import { merkleRoot } from '../../sync/merkle';
import { ApiErrorBody, UplinkReceipt, headSigningText } from '../../sync/messages';
import { candidateChain } from '../../sync/testkit';
import { createHubApp } from '../app';
import { countVenueEvents, listAlarms, readDeviceHeads, readVenueHead, venueLogHashes } from '../db';
import { testDatabaseTargets } from '../testing/databases';
import { enrolTestVenue, useTestHub } from '../testing/hub';
import { TestVenue } from '../testing/venue';

describe.each(testDatabaseTargets())('uplink on $name', (target) => {
  const hub = useTestHub(target);

  /** An enrolled venue whose log holds two interleaved candidate chains. */
  async function enrolledVenue(venueId: string): Promise<TestVenue> {
    const venue = new TestVenue(venueId);
    await enrolTestVenue(hub, venue);
    const a = candidateChain({ deviceId: `${venueId}-pc1`, answers: 6, seed: 1 });
    const b = candidateChain({ deviceId: `${venueId}-pc2`, answers: 6, seed: 2, attemptId: 'att-0002' });
    venue.append(a.flatMap((event, index) => [event, b[index]!]));
    return venue;
  }

  async function send(batch: ReturnType<TestVenue['batch']>) {
    const response = await hub.app.request('/api/uplink/batch', TestVenue.post(batch));
    return { status: response.status, body: (await response.json()) as unknown };
  }

  async function state(venueId: string) {
    const head = await readVenueHead(hub.database.db, venueId);
    return { count: await countVenueEvents(hub.database.db, venueId), acked: head?.ackedVenueSeq, root: head?.root };
  }

  it('accepts a good batch in two parts, and its root equals the venue signed head', async () => {
    const venue = await enrolledVenue('v-good');
    const first = await send(venue.batch(1, 5));
    expect(first.status).toBe(200);
    expect(UplinkReceipt.parse(first.body)).toMatchObject({ venueId: 'v-good', ackedVenueSeq: 5, isHeadMatched: false });
    const second = await send(venue.batch(6, venue.log.length - 5));
    const receipt = UplinkReceipt.parse(second.body);
    expect(receipt.ackedVenueSeq).toBe(14);
    expect(receipt.isHeadMatched).toBe(true);
    expect(receipt.root).toBe(venue.head().root);
    expect(await venueLogHashes(hub.database.db, 'v-good')).toEqual(venue.log.map((event) => event.hash));
    const independentRoot = bytesToHex(merkleRoot((await venueLogHashes(hub.database.db, 'v-good')).map(hexToBytes)));
    expect(receipt.root).toBe(independentRoot);

    const cursor = await hub.app.request('/api/uplink/cursor', { headers: venue.queryHeaders() });
    expect(await cursor.json()).toEqual({ ackedVenueSeq: 14, root: receipt.root, isHeadMatched: true });
  });

  it('takes device epochs that are store creation times in ms (past 32 bits)', async () => {
    const venue = new TestVenue('v-epoch');
    await enrolTestVenue(hub, venue);
    const epoch = 1_795_607_024_719;
    venue.append(candidateChain({ deviceId: 'v-epoch-pc1', epoch, answers: 4, seed: 7 }));
    const sent = await send(venue.batch(1, venue.log.length));
    expect(sent.status).toBe(200);
    expect(UplinkReceipt.parse(sent.body).ackedVenueSeq).toBe(venue.log.length);
    const heads = await readDeviceHeads(hub.database.db, ['v-epoch-pc1']);
    expect(heads.map((head) => head.epoch)).toEqual([epoch]);
  });

  it('treats an identical resend (new nonce) as a no-op', async () => {
    const venue = await enrolledVenue('v-resend');
    await send(venue.batch(1, 8));
    const before = await state('v-resend');
    const again = await send(venue.batch(1, 8));
    expect(again.status).toBe(200);
    expect(UplinkReceipt.parse(again.body).ackedVenueSeq).toBe(8);
    expect(await state('v-resend')).toEqual(before);
    // An overlapping resend that also carries new events appends only the new ones.
    const overlap = await send(venue.batch(5, 10));
    expect(UplinkReceipt.parse(overlap.body).ackedVenueSeq).toBe(14);
    expect(await countVenueEvents(hub.database.db, 'v-resend')).toBe(14);
  });

  it('refuses a conflicting event with 409 conflict, raises an alarm and changes nothing', async () => {
    const venue = await enrolledVenue('v-conflict');
    await send(venue.batch(1, 6));
    const before = await state('v-conflict');
    const original = venue.log[3]!;
    const { prevHash: _p, hash: _h, ...body } = original;
    const altered = chainEvent(original.prevHash, { ...body, at: body.at + 1 } as typeof body);
    const events = venue.log.slice(0, 8).map((event, index) => (index === 3 ? altered : event));
    // Re-chain the altered device's later events so the batch itself is a valid chain.
    const rechained = events.map((event) => event);
    let hash = altered.hash;
    for (let index = 4; index < rechained.length; index++) {
      const event = rechained[index]!;
      if (event.deviceId !== altered.deviceId) continue;
      const { prevHash: _pp, hash: _hh, ...rest } = event;
      rechained[index] = chainEvent(hash, rest as typeof body);
      hash = rechained[index]!.hash;
    }
    const refused = await send(venue.batch(1, 8, { events: rechained }));
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body).code).toBe('conflict');
    expect(await state('v-conflict')).toEqual(before);
    const alarms = await listAlarms(hub.database.db, 'v-conflict');
    expect(alarms.map((alarm) => alarm.kind)).toContain('conflict');
  });

  it('refuses a batch that starts beyond the cursor with 409 gap and the cursor', async () => {
    const venue = await enrolledVenue('v-gap');
    await send(venue.batch(1, 4));
    const refused = await send(venue.batch(7, 3));
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({ code: 'gap', details: { ackedSeq: 4 } });
    expect((await state('v-gap')).count).toBe(4);
  });

  it('refuses a device chain that skips a seq with 409 gap, even when the venue seqs are gapless', async () => {
    const venue = await enrolledVenue('v-device-gap');
    // pc1's seq 1 is missing from the venue's log: its chain here starts at seq 2.
    const refused = await send(venue.batch(1, 5, { events: venue.log.slice(1, 6) }));
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({ code: 'gap', details: { deviceId: 'v-device-gap-pc1', ackedSeq: 0 } });
    expect((await state('v-device-gap')).count).toBe(0);
  });

  it('refuses one venue forwarding device events another venue already delivered', async () => {
    const first = await enrolledVenue('v-first');
    expect((await send(first.batch(1, 6))).status).toBe(200);
    const second = await enrolledVenue('v-second');
    const refused = await send(second.batch(1, 4, { events: first.log.slice(0, 4) }));
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body).code).toBe('conflict');
    expect((await state('v-second')).count).toBe(0);
  });

  it('stays consistent under concurrent uplinks of one venue', async () => {
    const venue = await enrolledVenue('v-race');
    const results = await Promise.all([send(venue.batch(1, 7)), send(venue.batch(1, 7)), send(venue.batch(8, 7)), send(venue.batch(1, 14))]);
    for (const result of results) expect([200, 409]).toContain(result.status);
    const cursor = (await state('v-race')).acked ?? 0;
    // Whatever order they landed in, what is held is a gapless prefix of the venue's log.
    expect(await venueLogHashes(hub.database.db, 'v-race')).toEqual(venue.log.slice(0, cursor).map((event) => event.hash));
    const head = await readVenueHead(hub.database.db, 'v-race');
    expect(head?.root).toBe(bytesToHex(merkleRoot(venue.log.slice(0, cursor).map((event) => hexToBytes(event.hash)))));
    const finish = await send(venue.batch(1, 14));
    expect(UplinkReceipt.parse(finish.body)).toMatchObject({ ackedVenueSeq: 14, isHeadMatched: true });
  });

  it('keeps the events but raises head-mismatch when the venue signs a root the hub does not hold', async () => {
    const venue = await enrolledVenue('v-head');
    const other = new TestVenue('v-head');
    other.append(venue.log.slice(0, 6).reverse());
    const wrongRoot = other.head();
    const { signature: _signature, ...unsigned } = wrongRoot;
    const head = { ...wrongRoot, signature: venue.sign(headSigningText(unsigned)) };
    const result = await send(venue.batch(1, 6, { head }));
    expect(result.status).toBe(200);
    expect(UplinkReceipt.parse(result.body)).toMatchObject({ ackedVenueSeq: 6, isHeadMatched: false });
    expect((await listAlarms(hub.database.db, 'v-head')).map((alarm) => alarm.kind)).toEqual(['head-mismatch']);
    const corrected = await send(venue.batch(7, 2));
    expect(UplinkReceipt.parse(corrected.body)).toMatchObject({ ackedVenueSeq: 8, isHeadMatched: false });
    expect(UplinkReceipt.parse((await send(venue.batch(9, 6))).body).isHeadMatched).toBe(true);
  });

  it('holds a gapless prefix of the venue log whatever batches arrive (dropped, repeated, reordered)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ from: fc.integer({ min: 1, max: 14 }), count: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 8 }), async (sends) => {
        const venueId = `v-prop-${run++}`;
        const venue = await enrolledVenue(venueId);
        // The model: a batch is taken iff it starts at or before the cursor + 1, and then the cursor reaches its end.
        let model = 0;
        for (const { from, count } of sends) {
          const size = Math.min(count, venue.log.length - from + 1);
          const result = await send(venue.batch(from, size));
          if (from <= model + 1) {
            model = Math.max(model, from + size - 1);
            expect(UplinkReceipt.parse(result.body).ackedVenueSeq).toBe(model);
          } else {
            expect(ApiErrorBody.parse(result.body)).toMatchObject({ code: 'gap', details: { ackedSeq: model } });
          }
        }
        const { acked = 0, root } = await state(venueId);
        expect(acked).toBe(model);
        expect(await venueLogHashes(hub.database.db, venueId)).toEqual(venue.log.slice(0, acked).map((event) => event.hash));
        expect(root).toBe(bytesToHex(merkleRoot(venue.log.slice(0, acked).map((event) => hexToBytes(event.hash)))));
        // The venue can always finish from the hub's cursor.
        const finish = await send(venue.batch(acked + 1 > 14 ? 1 : acked + 1, acked + 1 > 14 ? 14 : 14 - acked));
        expect(UplinkReceipt.parse(finish.body)).toMatchObject({ ackedVenueSeq: 14, isHeadMatched: true });
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('refuses a forged signature with 401 and changes nothing but an alarm', async () => {
    const venue = await enrolledVenue('v-forged');
    await send(venue.batch(1, 4));
    const before = await state('v-forged');
    const batch = venue.batch(5, 4);
    const impostor = new TestVenue('v-forged');
    impostor.append(venue.log);
    const forged = { ...batch, envelope: { ...batch.envelope, signature: impostor.batch(5, 4).envelope.signature } };
    const refused = await send(forged);
    expect(refused.status).toBe(401);
    expect(ApiErrorBody.parse(refused.body).code).toBe('bad-signature');
    // A genuine envelope around a swapped body is forged too.
    const swapped = await send({ envelope: batch.envelope, body: venue.batch(5, 3).body });
    expect(swapped.status).toBe(401);
    expect(await state('v-forged')).toEqual(before);
    expect((await listAlarms(hub.database.db, 'v-forged')).filter((alarm) => alarm.kind === 'forged-batch')).toHaveLength(2);
  });

  it('refuses a replayed batch (same nonce) with 409 stale-nonce and changes nothing', async () => {
    const venue = await enrolledVenue('v-replay');
    const batch = venue.batch(1, 4);
    expect((await send(batch)).status).toBe(200);
    const before = await state('v-replay');
    const replayed = await send(batch);
    expect(replayed.status).toBe(409);
    expect(ApiErrorBody.parse(replayed.body).code).toBe('stale-nonce');
    expect(await state('v-replay')).toEqual(before);
    expect((await listAlarms(hub.database.db, 'v-replay')).map((alarm) => alarm.kind)).toContain('replayed-batch');
  });

  it('refuses malformed input with 400 and a reason', async () => {
    const venue = await enrolledVenue('v-malformed');
    const garbage = venue.envelop(deflateSync(Buffer.from('{"f":"venue-batch/1"}')), 1, 1, venue.head());
    const notJson = await send(garbage);
    expect(notJson.status).toBe(400);
    expect(ApiErrorBody.parse(notJson.body).code).toBe('malformed');
    const notDeflate = await send(venue.envelop(Buffer.from('plain text'), 1, 1, venue.head()));
    expect(ApiErrorBody.parse(notDeflate.body)).toMatchObject({ code: 'malformed' });
    const noEnvelope = await hub.app.request('/api/uplink/batch', { method: 'POST', body: 'x' });
    expect(noEnvelope.status).toBe(400);
    expect(ApiErrorBody.parse(await noEnvelope.json()).message).toMatch(/x-uplink-envelope/);
    expect((await state('v-malformed')).count).toBe(0);
  });

  it('answers 413 too-large over the body limit, and 401 for an unknown venue', async () => {
    const small = createHubApp({ database: hub.database, config: { uplinkBodyLimitBytes: 64 } });
    const venue = await enrolledVenue('v-large');
    const response = await small.request('/api/uplink/batch', TestVenue.post(venue.batch(1, 14)));
    expect(response.status).toBe(413);
    expect(ApiErrorBody.parse(await response.json()).code).toBe('too-large');
    const stranger = new TestVenue('v-nobody');
    stranger.append(venue.log);
    const unknown = await send(stranger.batch(1, 2));
    expect(unknown.status).toBe(401);
    expect(ApiErrorBody.parse(unknown.body).code).toBe('unknown-venue');
  });
});
