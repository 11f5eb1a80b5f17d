/**
 * Reads and writes of the venue log, the device heads and the sync alarms, as prepared
 * statements: ingest is the venue's hot path, and a batch runs them inside one
 * transaction that the caller opens.
 */
import type { Statement } from 'better-sqlite3';
import type { VenueDatabase } from './client';

export interface DeviceHead {
  ackedSeq: number;
  ackedHash: string;
}

/** One venue log row as stored (body is the JSON text of the hashed event body). */
export interface VenueLogRow {
  venueSeq: number;
  deviceId: string;
  epoch: number;
  seq: number;
  type: string;
  attemptId: string | null;
  at: number;
  receivedAt: number;
  hash: string;
  prevHash: string;
  body: string;
}

export interface SyncAlarm {
  reason: string;
  deviceId: string;
  epoch: number;
  seq: number;
  heldHash: string | null;
  offeredHash: string | null;
  raisedAt: number;
}

export class DeviceLogRepository {
  readonly #head: Statement<[string, number], DeviceHead>;
  readonly #heldHash: Statement<[string, number, number], { hash: string }>;
  readonly #lastVenueSeq: Statement<[], { venueSeq: number | null }>;
  readonly #append: Statement<[number, string, number, number, string, string | null, number, number, string, string, string]>;
  readonly #setHead: Statement<[string, number, number, string, number]>;
  readonly #alarm: Statement<SyncAlarm>;
  readonly #readAfter: Statement<[number, number], VenueLogRow>;
  readonly #alarms: Statement<[], SyncAlarm>;
  readonly #alarmCount: Statement<[], { count: number }>;

  constructor(db: VenueDatabase) {
    const { sqlite } = db;
    this.#head = sqlite.prepare('SELECT acked_seq AS ackedSeq, acked_hash AS ackedHash FROM device_heads WHERE device_id = ? AND epoch = ?');
    this.#heldHash = sqlite.prepare('SELECT hash FROM venue_log WHERE device_id = ? AND epoch = ? AND seq = ?');
    this.#lastVenueSeq = sqlite.prepare('SELECT max(venue_seq) AS venueSeq FROM venue_log');
    this.#append = sqlite.prepare(
      `INSERT INTO venue_log (venue_seq, device_id, epoch, seq, type, attempt_id, at, received_at, hash, prev_hash, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#setHead = sqlite.prepare(
      `INSERT INTO device_heads (device_id, epoch, acked_seq, acked_hash, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (device_id, epoch) DO UPDATE SET acked_seq = excluded.acked_seq, acked_hash = excluded.acked_hash, updated_at = excluded.updated_at`,
    );
    this.#alarm = sqlite.prepare(
      `INSERT INTO sync_alarms (reason, device_id, epoch, seq, held_hash, offered_hash, raised_at)
       SELECT @reason, @deviceId, @epoch, @seq, @heldHash, @offeredHash, @raisedAt
       WHERE NOT EXISTS (SELECT 1 FROM sync_alarms WHERE reason = @reason AND device_id = @deviceId AND epoch = @epoch AND seq = @seq
                         AND offered_hash IS @offeredHash)`,
    );
    this.#readAfter = sqlite.prepare(
      `SELECT venue_seq AS venueSeq, device_id AS deviceId, epoch, seq, type, attempt_id AS attemptId, at,
              received_at AS receivedAt, hash, prev_hash AS prevHash, body
       FROM venue_log WHERE venue_seq > ? ORDER BY venue_seq LIMIT ?`,
    );
    this.#alarms = sqlite.prepare(
      `SELECT reason, device_id AS deviceId, epoch, seq, held_hash AS heldHash, offered_hash AS offeredHash, raised_at AS raisedAt
       FROM sync_alarms ORDER BY id`,
    );
    this.#alarmCount = sqlite.prepare('SELECT count(*) AS count FROM sync_alarms');
  }

  head(deviceId: string, epoch: number): DeviceHead | undefined {
    return this.#head.get(deviceId, epoch);
  }

  heldHash(deviceId: string, epoch: number, seq: number): string | undefined {
    return this.#heldHash.get(deviceId, epoch, seq)?.hash;
  }

  lastVenueSeq(): number {
    return this.#lastVenueSeq.get()?.venueSeq ?? 0;
  }

  append(row: VenueLogRow): void {
    this.#append.run(row.venueSeq, row.deviceId, row.epoch, row.seq, row.type, row.attemptId, row.at, row.receivedAt, row.hash, row.prevHash, row.body);
  }

  setHead(deviceId: string, epoch: number, head: DeviceHead, now: number): void {
    this.#setHead.run(deviceId, epoch, head.ackedSeq, head.ackedHash, now);
  }

  /** Records an alarm once: a device retrying the same refused push does not add a row per attempt. */
  raiseAlarm(alarm: SyncAlarm): void {
    this.#alarm.run(alarm);
  }

  alarms(): SyncAlarm[] {
    return this.#alarms.all();
  }

  alarmCount(): number {
    return this.#alarmCount.get()?.count ?? 0;
  }

  /** Log rows after `venueSeq`, in order, at most `limit`. */
  readAfter(venueSeq: number, limit: number): VenueLogRow[] {
    return this.#readAfter.all(venueSeq, limit);
  }

  /** Every event hash in venue order after `afterVenueSeq` (from the first by default), for recomputing the Merkle frontier. */
  *hashesInOrder(afterVenueSeq = 0): IterableIterator<string> {
    for (let after = afterVenueSeq; ; ) {
      const rows = this.readAfter(after, 5000);
      if (rows.length === 0) return;
      for (const row of rows) yield row.hash;
      after = rows[rows.length - 1]!.venueSeq;
    }
  }
}
