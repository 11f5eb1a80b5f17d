/**
 * The PouchDB baseline for the sync benchmark: the same chained events, one document
 * each, replicated from one PouchDB database to another served by express-pouchdb over
 * loopback HTTP (`PouchDB.replicate`, the way a CouchDB-style offline-first app would
 * move them). Both databases use PouchDB's default Node store (LevelDB) in temporary
 * folders, which are removed afterwards. Only the replication is timed.
 */
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { ChainedEvent } from '../../sync/events';

const require = createRequire(import.meta.url);

// The packages ship no types; these are the few members the baseline uses.
interface PouchDatabase {
  bulkDocs(docs: object[]): Promise<unknown[]>;
  info(): Promise<{ doc_count: number }>;
  close(): Promise<void>;
}
interface ReplicationResult { ok: boolean; docs_written: number; doc_write_failures: number }
interface PouchConstructor {
  new (name: string, options?: object): PouchDatabase;
  defaults(options: object): PouchConstructor;
  replicate(source: PouchDatabase | string, target: PouchDatabase | string, options?: object): Promise<ReplicationResult>;
}
type RequestHandler = (request: unknown, response: unknown, next: () => void) => void;
interface ExpressApp { use(path: string, handler: RequestHandler): void; listen(port: number, host: string, callback: () => void): Server }

export interface PouchBaselineResult {
  docs: number;
  replicateMs: number;
  docsPerSec: number;
  /** User + system CPU of this process (both databases and the HTTP server) during the replication. */
  cpuMs: number;
  /** Replication options used (PouchDB's defaults are 100 docs per batch, 10 batches in flight). */
  batchSize: number;
}

/** Replicates `events` as documents between two PouchDB databases over loopback HTTP. */
export async function runPouchBaseline(events: readonly ChainedEvent[], batchSize = 500): Promise<PouchBaselineResult> {
  const root = mkdtempSync(join(tmpdir(), 'exam-pouch-'));
  mkdirSync(join(root, 'server'));
  const PouchDB = require('pouchdb-node') as PouchConstructor;
  const ServerPouch = PouchDB.defaults({ prefix: join(root, 'server') + '/' });
  const express = require('express') as () => ExpressApp;
  const expressPouch = require('express-pouchdb') as (pouch: PouchConstructor, options: object) => RequestHandler;
  const app = express();
  app.use('/db', expressPouch(ServerPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true, logPath: join(root, 'log.txt') }));
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const source = new PouchDB(join(root, 'source'));
  try {
    // Untimed: the device side already holds the events.
    for (let from = 0; from < events.length; from += 5000) {
      await source.bulkDocs(events.slice(from, from + 5000).map((event) => ({
        _id: `${event.deviceId}:${event.epoch}:${String(event.seq).padStart(8, '0')}`,
        ...event,
      })));
    }
    const target = `http://127.0.0.1:${port}/db/events`;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await PouchDB.replicate(source, target, { batch_size: batchSize, batches_limit: 10 });
    const replicateMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (!result.ok || result.docs_written !== events.length || result.doc_write_failures > 0) {
      throw new Error(`PouchDB replication incomplete: ${JSON.stringify({ ok: result.ok, written: result.docs_written, failures: result.doc_write_failures })}`);
    }
    const remote = new PouchDB(target);
    const { doc_count: held } = await remote.info();
    await remote.close();
    if (held !== events.length) throw new Error(`PouchDB target holds ${held} of ${events.length} documents`);
    return { docs: events.length, replicateMs: Math.round(replicateMs), docsPerSec: Math.round(events.length / (replicateMs / 1000)), cpuMs: Math.round((cpu.user + cpu.system) / 1000), batchSize };
  } finally {
    await source.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  }
}
