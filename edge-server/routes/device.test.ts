import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainEvent } from '../../sync/chain';
import type { ChainedEvent, EventBody } from '../../sync/events';
import { merkleRoot } from '../../sync/merkle';
import { bytesToHex, hexToBytes } from '../../sync/canonical';
import { candidateChain } from '../../sync/testkit';
import { DATABASE_FILE } from '../db/store';
import { openTestVenue, postJson, removeDir, type TestVenue } from '../test-support';

const DEVICE = 'pc-astana-a07';
const push = (events: ChainedEvent[], deviceId = DEVICE, epoch = 1) => ({ deviceId, epoch, events });

let venue: TestVenue;
beforeEach(() => {
  venue = openTestVenue();
});
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

function logCount(v = venue): number {
  return v.store.log.lastVenueSeq();
}

describe('POST /api/device/events', () => {
  it('stores a chain with consecutive venue seqs and answers with the receipt', async () => {
    const chain = candidateChain({ answers: 9 });
    const first = await postJson(venue.app, '/api/device/events', push(chain.slice(0, 4)));
    expect(first.status).toBe(200);
    expect((await first.json()).receipt).toEqual({ deviceId: DEVICE, epoch: 1, ackedSeq: 4, ackedHash: chain[3]!.hash });
    const other = candidateChain({ answers: 2, deviceId: 'pc-astana-a08', seed: 7 });
    expect((await postJson(venue.app, '/api/device/events', push(other, 'pc-astana-a08'))).status).toBe(200);
    const second = await postJson(venue.app, '/api/device/events', push(chain.slice(4)));
    expect((await second.json()).receipt.ackedSeq).toBe(10);
    const rows = venue.store.log.readAfter(0, 100);
    expect(rows.map((r) => r.venueSeq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(rows.slice(7).map((r) => `${r.deviceId}:${r.seq}`)).toEqual([5, 6, 7, 8, 9, 10].map((s) => `${DEVICE}:${s}`));
    const { prevHash: _p, hash: _h, ...body } = chain[0]!;
    expect(JSON.parse(rows[0]!.body)).toEqual(body);
    const cursor = await venue.app.request(`/api/device/cursor?deviceId=${DEVICE}&epoch=1`);
    expect(await cursor.json()).toEqual({ deviceId: DEVICE, epoch: 1, ackedSeq: 10, ackedHash: chain[9]!.hash });
  });

  it('treats an identical resend as a no-op, also when it overlaps new events', async () => {
    const chain = candidateChain({ answers: 5 });
    await postJson(venue.app, '/api/device/events', push(chain.slice(0, 3)));
    const again = await postJson(venue.app, '/api/device/events', push(chain.slice(0, 3)));
    expect(again.status).toBe(200);
    expect((await again.json()).receipt.ackedSeq).toBe(3);
    expect(logCount()).toBe(3);
    const overlapping = await postJson(venue.app, '/api/device/events', push(chain.slice(1)));
    expect((await overlapping.json()).receipt.ackedSeq).toBe(6);
    expect(logCount()).toBe(6);
  });

  it('refuses a different hash at a held seq with 409 conflict, raises an alarm and changes nothing', async () => {
    const chain = candidateChain({ answers: 4 });
    await postJson(venue.app, '/api/device/events', push(chain));
    const before = venue.ingest.head();
    const forged = candidateChain({ answers: 4, seed: 99 });
    const response = await postJson(venue.app, '/api/device/events', push(forged.slice(0, 2)));
    expect(response.status).toBe(409);
    const body = await response.json();
    expect(body.code).toBe('conflict');
    expect(body.requestId).toEqual(expect.any(String));
    expect(logCount()).toBe(5);
    expect(venue.ingest.head()).toEqual(before);
    expect(venue.ingest.cursor(DEVICE, 1).ackedHash).toBe(chain[4]!.hash);
    // The device retrying the same refused push raises no second alarm.
    expect((await postJson(venue.app, '/api/device/events', push(forged.slice(0, 2)))).status).toBe(409);
    const alarms = venue.store.log.alarms();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ reason: 'conflict', deviceId: DEVICE, epoch: 1, heldHash: chain[alarms[0]!.seq - 1]!.hash });
    expect(alarms[0]!.offeredHash).not.toBe(alarms[0]!.heldHash);
    expect((await (await venue.app.request('/api/health')).json()).log.alarms).toBe(1);
  });

  it('refuses a batch that starts beyond the held seq with 409 gap naming the held seq', async () => {
    const chain = candidateChain({ answers: 6 });
    await postJson(venue.app, '/api/device/events', push(chain.slice(0, 2)));
    const response = await postJson(venue.app, '/api/device/events', push(chain.slice(4)));
    expect(response.status).toBe(409);
    const body = await response.json();
    expect(body.code).toBe('gap');
    expect(body.details.ackedSeq).toBe(2);
    expect(logCount()).toBe(2);
  });

  it('refuses malformed pushes with 400 and a broken chain with 422, storing nothing', async () => {
    const chain = candidateChain({ answers: 3 });
    const notJson = await venue.app.request('/api/device/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"deviceId":' });
    expect(notJson.status).toBe(400);
    const noEvents = await postJson(venue.app, '/api/device/events', { deviceId: DEVICE, epoch: 1, events: [] });
    expect(noEvents.status).toBe(400);
    expect((await noEvents.json()).code).toBe('malformed');
    const badPayload = { ...chain[0]!, data: { sessionId: 'x' } };
    expect((await postJson(venue.app, '/api/device/events', push([badPayload as ChainedEvent]))).status).toBe(400);
    const noAttempt = chainEvent(GENESIS_HASH, { deviceId: DEVICE, epoch: 1, seq: 1, at: 1, type: 'item.viewed', data: { itemId: 'blk-001' } } as EventBody);
    const noAttemptResponse = await postJson(venue.app, '/api/device/events', push([noAttempt]));
    expect(noAttemptResponse.status).toBe(400);
    expect((await noAttemptResponse.json()).code).toBe('malformed');
    const otherDevice = await postJson(venue.app, '/api/device/events', push(chain, 'pc-astana-a99'));
    expect(otherDevice.status).toBe(400);
    const tampered = chain.map((event, index) => (index === 1 ? { ...event, at: event.at + 1 } : event));
    const broken = await postJson(venue.app, '/api/device/events', push(tampered as ChainedEvent[]));
    expect(broken.status).toBe(422);
    expect((await broken.json()).code).toBe('bad-chain');
    expect(logCount()).toBe(0);
    expect(venue.ingest.head().size).toBe(0);
    const badCursor = await venue.app.request('/api/device/cursor?deviceId=pc%20one&epoch=-1');
    expect(badCursor.status).toBe(400);
    expect((await badCursor.json()).code).toBe('malformed');
    const unknown = await venue.app.request('/api/device/cursor?deviceId=pc-new&epoch=3');
    expect(await unknown.json()).toEqual({ deviceId: 'pc-new', epoch: 3, ackedSeq: 0, ackedHash: GENESIS_HASH });
  });

  it('refuses pushes into the venue\'s own chain and events only the venue writes', async () => {
    venue.store.config.create({ venueId: 'astana-01', publicKey: 'test', hubUrl: null }, 1);
    const own = candidateChain({ answers: 2, deviceId: 'venue-astana-01' });
    const intoVenueChain = await postJson(venue.app, '/api/device/events', push(own, 'venue-astana-01'));
    expect(intoVenueChain.status).toBe(401);
    expect((await intoVenueChain.json()).code).toBe('unknown-device');
    const timer = chainEvent(GENESIS_HASH, { deviceId: DEVICE, epoch: 1, seq: 1, at: 1, attemptId: 'att-0001', type: 'timer.started', data: { durationMs: 60_000 } } as EventBody);
    const forgedTimer = await postJson(venue.app, '/api/device/events', push([timer]));
    expect(forgedTimer.status).toBe(400);
    expect((await forgedTimer.json()).message).toContain('venue only');
    expect(logCount()).toBe(0);
    // The venue's own services still write its chain directly.
    expect(venue.ingest.push(push(own, 'venue-astana-01')).ackedSeq).toBe(3);
  });

  it('refuses a body over the limit with 413 too-large', async () => {
    const small = openTestVenue({ maxBodyBytes: 4096 });
    try {
      const response = await postJson(small.app, '/api/device/events', push(candidateChain({ answers: 40 })));
      expect(response.status).toBe(413);
      expect((await response.json()).code).toBe('too-large');
      expect(logCount(small)).toBe(0);
      expect((await postJson(small.app, '/api/device/events', push(candidateChain({ answers: 2 })))).status).toBe(200);
    } finally {
      small.close();
      removeDir(small.dataDir);
    }
  });

  it('acknowledges concurrent pushes from many devices, group-committed, each event stored once', async () => {
    const chains = Array.from({ length: 30 }, (_, n) => candidateChain({ answers: 5, deviceId: `pc-astana-c${n}`, attemptId: `att-c${n}`, seed: n + 1 }));
    let commits = 0;
    venue.ingest.onLogMoved(() => commits++);
    // Every device pushes its first half twice at once (a retry racing the original), then the rest.
    const pushes = chains.map(async (chain) => {
      const [first, again] = await Promise.all([chain.slice(0, 3), chain.slice(0, 3)].map((part) => postJson(venue.app, '/api/device/events', push(part, chain[0]!.deviceId))));
      const rest = await postJson(venue.app, '/api/device/events', push(chain.slice(3), chain[0]!.deviceId));
      return Promise.all([first!, again!, rest].map(async (response) => ({ status: response.status, receipt: (await response.json()).receipt })));
    });
    const answered = await Promise.all(pushes);
    answered.forEach(([first, again, rest], n) => {
      expect([first!.status, again!.status, rest!.status]).toEqual([200, 200, 200]);
      expect(first!.receipt).toEqual(again!.receipt);
      expect(rest!.receipt).toMatchObject({ deviceId: `pc-astana-c${n}`, ackedSeq: 6, ackedHash: chains[n]![5]!.hash });
    });
    const rows = venue.store.log.readAfter(0, 1000);
    expect(rows.map((r) => r.venueSeq)).toEqual(Array.from({ length: 180 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => `${r.deviceId}:${r.seq}`)).size).toBe(180);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(60);
  });

  it('answers a receipt only for committed events: a failed commit gives no receipt and holds nothing', async () => {
    const chain = candidateChain({ answers: 5 });
    await postJson(venue.app, '/api/device/events', push(chain.slice(0, 2)));
    // A second connection, like any other process, sees only what has committed.
    const outside = new Database(join(venue.dataDir, DATABASE_FILE));
    try {
      expect((outside.prepare('SELECT count(*) AS n FROM venue_log').get() as { n: number }).n).toBe(2);
      outside.exec(`CREATE TRIGGER refuse_seq_5 BEFORE INSERT ON venue_log WHEN NEW.seq = 5 BEGIN SELECT RAISE(ABORT, 'disk refused'); END`);
      const failed = await postJson(venue.app, '/api/device/events', push(chain.slice(2)));
      expect(failed.status).toBe(500);
      expect(await failed.json()).not.toHaveProperty('receipt');
      expect((outside.prepare('SELECT count(*) AS n FROM venue_log').get() as { n: number }).n).toBe(2);
      expect(venue.ingest.cursor(DEVICE, 1).ackedSeq).toBe(2);
      expect(venue.ingest.head().size).toBe(2);
      outside.exec('DROP TRIGGER refuse_seq_5');
      const retried = await postJson(venue.app, '/api/device/events', push(chain.slice(2)));
      expect((await retried.json()).receipt.ackedSeq).toBe(6);
      expect((outside.prepare('SELECT count(*) AS n FROM venue_log').get() as { n: number }).n).toBe(6);
    } finally {
      outside.close();
    }
  });

  it('keeps every event, head and Merkle root across a restart, and the root equals a recomputation', async () => {
    const a = candidateChain({ answers: 20 });
    const b = candidateChain({ answers: 12, deviceId: 'pc-astana-a08', seed: 3 });
    for (let i = 0; i < 21; i += 5) {
      await postJson(venue.app, '/api/device/events', push(a.slice(i, i + 5)));
      if (i < 13) await postJson(venue.app, '/api/device/events', push(b.slice(i, i + 5), 'pc-astana-a08'));
    }
    const head = venue.ingest.head();
    expect(head.size).toBe(34);
    const hashes = venue.store.log.readAfter(0, 100).map((row) => row.hash);
    // Recomputed from scratch by sync's own tree code, leaf = the event hash bytes (as the hub does).
    expect(head.root).toBe(bytesToHex(merkleRoot(hashes.map(hexToBytes))));
    venue = venue.reopen();
    expect(venue.ingest.head()).toEqual(head);
    expect(venue.ingest.cursor('pc-astana-a08', 1)).toMatchObject({ ackedSeq: 13, ackedHash: b[12]!.hash });
    const resend = await postJson(venue.app, '/api/device/events', push(a.slice(18)));
    expect((await resend.json()).receipt.ackedSeq).toBe(21);
    expect(venue.ingest.head()).toEqual(head);
  });
});
