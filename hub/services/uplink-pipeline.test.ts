import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../sync/canonical';
import type { ChainedEvent } from '../../sync/events';
import { merkleRoot } from '../../sync/merkle';
import { ApiErrorBody, UplinkReceipt } from '../../sync/messages';
import { candidateChain } from '../../sync/testkit';
import { countVenueEvents, listAlarms, readVenueHead, venueLogHashes } from '../db';
import { attemptSummariesOf, recomputeAttemptSummaries } from '../db/central';
import { testDatabaseTargets } from '../testing/databases';
import { enrolTestVenue, useTestHub } from '../testing/hub';
import { TestVenue, type SignedBatch } from '../testing/venue';

/**
 * Pipelined uplink batches: a venue sends batch N+1 before batch N's receipt, so the hub
 * holds several batches of one venue at once. They must be stored in venue-seq order, each
 * event once, with receipts that only cover what is committed; a batch whose predecessor
 * never comes is refused as a gap with the hub's cursor.
 */
describe.each(testDatabaseTargets())('pipelined uplink on $name', (target) => {
  const hub = useTestHub(target);

  /** An enrolled venue whose log holds four interleaved candidate chains of 10 events (40 in all). */
  async function enrolledVenue(venueId: string): Promise<TestVenue> {
    const venue = new TestVenue(venueId);
    await enrolTestVenue(hub, venue);
    const chains = [1, 2, 3, 4].map((n) => candidateChain({ deviceId: `${venueId}-pc${n}`, attemptId: `${venueId}-att${n}`, answers: 9, seed: n }));
    for (let index = 0; index < 10; index++) venue.append(chains.map((chain) => chain[index]!));
    return venue;
  }

  async function send(batch: SignedBatch) {
    const response = await hub.app.request('/api/uplink/batch', TestVenue.post(batch));
    return { status: response.status, body: (await response.json()) as unknown };
  }

  const later = <T>(ms: number, work: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => work().then(resolve, reject), ms));

  /** The hub holds exactly the first `size` events of the venue's log, once each, in order, and summaries that agree with them. */
  async function expectHolds(venue: TestVenue, size: number) {
    expect(await countVenueEvents(hub.database.db, venue.venueId)).toBe(size);
    expect(await venueLogHashes(hub.database.db, venue.venueId)).toEqual(venue.log.slice(0, size).map((event) => event.hash));
    const head = await readVenueHead(hub.database.db, venue.venueId);
    expect(head).toMatchObject({ ackedVenueSeq: size, root: bytesToHex(merkleRoot(venue.log.slice(0, size).map((event) => hexToBytes(event.hash)))) });
    expect(await attemptSummariesOf(hub.database.db, venue.venueId)).toEqual(await recomputeAttemptSummaries(hub.database.db, venue.venueId));
  }

  it('stores batches sent without waiting for receipts in order, each event once, each receipt covering its own batch', async () => {
    const venue = await enrolledVenue('v-pipe');
    const results = await Promise.all([send(venue.batch(1, 10)), send(venue.batch(11, 10)), send(venue.batch(21, 10)), send(venue.batch(31, 10))]);
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(results.map((result) => UplinkReceipt.parse(result.body).ackedVenueSeq)).toEqual([10, 20, 30, 40]);
    expect(UplinkReceipt.parse(results[3]!.body).isHeadMatched).toBe(true);
    await expectHolds(venue, 40);
    expect(await listAlarms(hub.database.db, 'v-pipe')).toEqual([]);
  });

  it('waits for a predecessor that arrives just after its successor', async () => {
    const venue = await enrolledVenue('v-late');
    expect((await send(venue.batch(1, 10))).status).toBe(200);
    // 21-30 first, 11-20 a moment later: the hub knows it holds 10, so 21-30 waits for 11-20.
    const [second, first] = await Promise.all([send(venue.batch(21, 10)), later(40, () => send(venue.batch(11, 10)))]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(UplinkReceipt.parse(second.body).ackedVenueSeq).toBe(30);
    await expectHolds(venue, 30);
  });

  it('refuses as a gap, with the hub\'s cursor, a batch whose predecessor never arrives, and stores nothing of it', async () => {
    const venue = await enrolledVenue('v-missing');
    expect((await send(venue.batch(1, 10))).status).toBe(200);
    const refused = await send(venue.batch(21, 10));
    expect(refused.status).toBe(409);
    expect(ApiErrorBody.parse(refused.body)).toMatchObject({ code: 'gap', details: { ackedSeq: 10 } });
    expect(ApiErrorBody.parse(refused.body).message).toContain('the hub holds up to 10');
    await expectHolds(venue, 10);
  });

  it('refuses the batch sent behind a refused one as a gap; both are taken when resent, nothing doubled', async () => {
    const venue = await enrolledVenue('v-broken');
    expect((await send(venue.batch(1, 10))).status).toBe(200);
    // 11-20 with one event altered after hashing: its chain does not verify.
    const tampered: ChainedEvent[] = venue.log.slice(10, 20).map((event, index) => (index === 4 ? { ...event, at: event.at + 1 } : event));
    const [broken, behind] = await Promise.all([send(venue.batch(11, 10, { events: tampered })), send(venue.batch(21, 10))]);
    expect(broken.status).toBe(422);
    expect(ApiErrorBody.parse(broken.body).code).toBe('bad-chain');
    expect(behind.status).toBe(409);
    expect(ApiErrorBody.parse(behind.body)).toMatchObject({ code: 'gap', details: { ackedSeq: 10 } });
    await expectHolds(venue, 10);
    const resent = await Promise.all([send(venue.batch(11, 10)), send(venue.batch(21, 10)), send(venue.batch(31, 10))]);
    expect(resent.map((result) => UplinkReceipt.parse(result.body).ackedVenueSeq)).toEqual([20, 30, 40]);
    await expectHolds(venue, 40);
  });

  it('stores a batch once when a second copy arrives while the first is still being stored, without a conflict alarm', async () => {
    const venue = await enrolledVenue('v-twice');
    const results = await Promise.all([send(venue.batch(1, 10)), send(venue.batch(11, 10)), send(venue.batch(11, 10)), send(venue.batch(21, 20))]);
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(results.map((result) => UplinkReceipt.parse(result.body).ackedVenueSeq)).toEqual([10, expect.any(Number), expect.any(Number), 40]);
    for (const result of results.slice(1, 3)) expect(UplinkReceipt.parse(result.body).ackedVenueSeq).toBeGreaterThanOrEqual(20);
    await expectHolds(venue, 40);
    expect((await listAlarms(hub.database.db, 'v-twice')).map((alarm) => alarm.kind)).not.toContain('conflict');
  });
});
