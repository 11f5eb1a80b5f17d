import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../sync/canonical';
import type { ChainedEvent } from '../../sync/events';
import type { DevicePush, DeviceReceipt } from '../../sync/messages';
import { MerkleAccumulator, merkleRoot } from '../../sync/merkle';
import { SyncRefusal } from '../../sync/refusals';
import { candidateChain } from '../../sync/testkit';
import { DATABASE_FILE } from '../db/store';
import { openTestVenue, removeDir, type TestVenue } from '../test-support';
import type { LogMoved } from './device-ingest';

const push = (events: ChainedEvent[]): DevicePush => ({ deviceId: events[0]!.deviceId, epoch: events[0]!.epoch, events });
const chainOf = (n: number, answers = 3) => candidateChain({ answers, deviceId: `pc-astana-b${String(n).padStart(2, '0')}`, attemptId: `att-b${n}`, seed: n + 1 });

let venue: TestVenue;
let commits: LogMoved[];
beforeEach(() => {
  venue = openTestVenue();
  commits = [];
  venue.ingest.onLogMoved((moved) => commits.push(moved));
});
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

/** Every push's settled outcome: the receipt, or the refusal's reason (a plain error's message). */
async function settle(submitted: Promise<DeviceReceipt>[]): Promise<Array<DeviceReceipt | string>> {
  const results = await Promise.allSettled(submitted);
  return results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason instanceof SyncRefusal ? r.reason.reason : (r.reason as Error).message));
}

describe('DeviceIngest group commit', () => {
  it('commits the pushes submitted in one turn as one group, each with its own receipt and consecutive venue seqs', async () => {
    const chains = Array.from({ length: 12 }, (_, n) => chainOf(n));
    const receipts = await Promise.all(chains.map((chain) => venue.ingest.submitFromDevice(push(chain))));
    expect(receipts.map((r) => r.ackedSeq)).toEqual(chains.map(() => 4));
    expect(receipts.map((r) => r.ackedHash)).toEqual(chains.map((chain) => chain[3]!.hash));
    expect(commits).toHaveLength(1);
    expect(commits[0]!.venueSeq).toBe(48);
    expect([...commits[0]!.attemptIds].sort()).toEqual(chains.map((_, n) => `att-b${n}`).sort());
    const rows = venue.store.log.readAfter(0, 100);
    expect(rows.map((r) => r.venueSeq)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    expect(venue.ingest.head().root).toBe(bytesToHex(merkleRoot(rows.map((r) => hexToBytes(r.hash)))));
    // A restart finds the same head: the frontier checkpoint plus the log's events after it.
    const head = venue.ingest.head();
    venue = venue.reopen();
    expect(venue.ingest.head()).toEqual(head);
  });

  it('checkpoints the Merkle frontier every few thousand events, and a restart continues it from the log', () => {
    const saved = () => venue.store.merkle.load().size;
    const chains = Array.from({ length: 90 }, (_, n) => candidateChain({ answers: 48, deviceId: `pc-c${n}`, attemptId: `att-c${n}`, seed: n + 7 }));
    for (const chain of chains.slice(0, 10)) venue.ingest.push(push(chain));
    expect(saved()).toBe(0); // 490 events: no checkpoint yet
    for (const chain of chains.slice(10)) venue.ingest.push(push(chain));
    const logSize = venue.store.log.lastVenueSeq();
    expect(logSize).toBe(90 * 49);
    expect(saved()).toBeGreaterThanOrEqual(4096);
    expect(saved()).toBeLessThan(logSize);
    const rows = venue.store.log.readAfter(0, logSize);
    const root = bytesToHex(merkleRoot(rows.map((r) => hexToBytes(r.hash))));
    expect(venue.ingest.head()).toEqual({ size: logSize, root });
    venue = venue.reopen();
    expect(venue.ingest.head()).toEqual({ size: logSize, root });
    // A checkpoint ahead of the log (which never happens) is not trusted: the frontier is rebuilt.
    const ahead = new MerkleAccumulator();
    for (let n = 0; n <= logSize; n++) ahead.appendLeafHash(new Uint8Array(32));
    venue.store.db.transaction(() => venue.store.merkle.save(ahead.toState(), ahead.rootHex(), 0));
    venue = venue.reopen();
    expect(venue.ingest.head()).toEqual({ size: logSize, root });
  });

  it('decides each push of a group on its own: refused ones roll back alone, the others commit', async () => {
    const held = chainOf(1, 4);
    venue.ingest.push(push(held.slice(0, 3)));
    const before = venue.ingest.head().size;
    commits.length = 0;
    venue.ingest.onIngested((_appended, context) => {
      if (context.deviceId === 'pc-astana-b05') throw new Error('hook refused');
    });
    const good = chainOf(2);
    const tampered = chainOf(3).map((event, index) => (index === 2 ? { ...event, at: event.at + 1 } : event));
    const hookFails = chainOf(5);
    const laterGood = chainOf(6);
    const outcomes = await settle([
      venue.ingest.submitFromDevice(push(good)),
      venue.ingest.submitFromDevice(push(candidateChain({ answers: 2, deviceId: held[0]!.deviceId, seed: 99 }))), // conflict
      venue.ingest.submitFromDevice(push(held.slice(4))), // gap: starts past the held seq 3
      venue.ingest.submitFromDevice(push(tampered)), // bad chain
      venue.ingest.submitFromDevice(push(hookFails)),
      venue.ingest.submitFromDevice(push(held.slice(3))), // continues the held chain
      venue.ingest.submitFromDevice(push(laterGood)),
    ]);
    expect(outcomes).toEqual([
      { deviceId: good[0]!.deviceId, epoch: 1, ackedSeq: 4, ackedHash: good[3]!.hash },
      'conflict',
      'gap',
      'bad-chain',
      'hook refused',
      { deviceId: held[0]!.deviceId, epoch: 1, ackedSeq: 5, ackedHash: held[4]!.hash },
      { deviceId: laterGood[0]!.deviceId, epoch: 1, ackedSeq: 4, ackedHash: laterGood[3]!.hash },
    ]);
    expect(commits).toHaveLength(1);
    expect(venue.ingest.head().size).toBe(before + 4 + 2 + 4);
    expect(venue.ingest.cursor(hookFails[0]!.deviceId, 1).ackedSeq).toBe(0);
    expect(venue.ingest.cursor(tampered[0]!.deviceId, 1).ackedSeq).toBe(0);
    const stored = venue.store.log.readAfter(0, 100).map((r) => `${r.deviceId}:${r.seq}`);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.filter((key) => key.startsWith(hookFails[0]!.deviceId))).toEqual([]);
    // The refused conflict still leaves its alarm, committed with the group.
    expect(venue.store.log.alarms()).toMatchObject([{ reason: 'conflict', deviceId: held[0]!.deviceId }]);
  });

  it('gives no receipt to any push of a group whose COMMIT fails, and holds none of it', async () => {
    venue.ingest.push(push(chainOf(1).slice(0, 2)));
    const outside = new Database(join(venue.dataDir, DATABASE_FILE));
    try {
      // A deferred foreign key is checked only at COMMIT: the row this trigger adds makes the COMMIT itself fail.
      outside.exec(`CREATE TABLE commit_guard (parent INTEGER REFERENCES no_such_parent(id) DEFERRABLE INITIALLY DEFERRED);
        CREATE TABLE no_such_parent (id INTEGER PRIMARY KEY);
        CREATE TRIGGER fail_commit AFTER INSERT ON venue_log WHEN NEW.device_id = 'pc-astana-b03' BEGIN INSERT INTO commit_guard VALUES (1); END`);
      const outcomes = await settle([
        venue.ingest.submitFromDevice(push(chainOf(1).slice(2))),
        venue.ingest.submitFromDevice(push(chainOf(3))),
        venue.ingest.submitFromDevice(push(chainOf(2).slice(1))), // a gap: refused on its own merits
      ]);
      expect(outcomes).toEqual([expect.stringContaining('FOREIGN KEY'), expect.stringContaining('FOREIGN KEY'), 'gap']);
      expect((outside.prepare('SELECT count(*) AS n FROM venue_log').get() as { n: number }).n).toBe(2);
      expect(venue.ingest.head().size).toBe(2);
      expect(venue.ingest.cursor(chainOf(1)[0]!.deviceId, 1).ackedSeq).toBe(2);
      expect(commits).toHaveLength(1); // only the set-up push
      outside.exec('DROP TRIGGER fail_commit');
      const retried = await settle([venue.ingest.submitFromDevice(push(chainOf(1).slice(2))), venue.ingest.submitFromDevice(push(chainOf(3)))]);
      expect(retried.map((r) => (typeof r === 'string' ? r : r.ackedSeq))).toEqual([4, 4]);
      expect((outside.prepare('SELECT count(*) AS n FROM venue_log').get() as { n: number }).n).toBe(8);
      expect(venue.ingest.head().root).toBe(bytesToHex(merkleRoot(venue.store.log.readAfter(0, 100).map((r) => hexToBytes(r.hash)))));
    } finally {
      outside.close();
    }
  });

  it('splits a long queue into groups of at most 256 pushes, in arrival order', async () => {
    const firsts = Array.from({ length: 300 }, (_, n) => chainOf(n, 0));
    const receipts = await Promise.all(firsts.map((chain) => venue.ingest.submitFromDevice(push(chain))));
    expect(receipts.every((r, n) => r.ackedHash === firsts[n]![0]!.hash)).toBe(true);
    expect(commits.map((c) => c.venueSeq)).toEqual([256, 300]);
    expect(venue.store.log.readAfter(0, 400).map((r) => r.deviceId)).toEqual(firsts.map((chain) => chain[0]!.deviceId));
  });

  it('tells a waiting live view when the log moves, and times out when it does not', async () => {
    expect(await venue.ingest.logMoved(0, 20)).toBe(false);
    const waiting = venue.ingest.logMoved(0, 5_000);
    await venue.ingest.submitFromDevice(push(chainOf(4)));
    expect(await waiting).toBe(true);
    expect(await venue.ingest.logMoved(3, 5_000)).toBe(true); // already past: at once
    expect(commits.map((c) => [c.venueSeq, [...c.deviceIds]])).toEqual([[4, ['pc-astana-b04']]]);
    // A resend that adds nothing moves nothing.
    await venue.ingest.submitFromDevice(push(chainOf(4)));
    expect(commits).toHaveLength(1);
  });
});
