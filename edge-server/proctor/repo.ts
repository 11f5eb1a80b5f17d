/**
 * Reads and writes for proctor sign-ins and device contact (tables in
 * db/schema/proctor.ts), and the read-only lookups the proctor side needs from the rest
 * of the venue database: sessions, the venue log of an attempt or of a room's
 * non-attempt proctor events, candidate PCs and released keys.
 */
import type { Statement } from 'better-sqlite3';
import type { EventBody } from '../../sync/events';
import type { Session } from '../../sync/roster';
import type { VenueDatabase } from '../db/client';
import { attemptRowsReader, LOG_ROW_COLUMNS, loginFailures, sessionsReader, venueIdentityReader, type LoginFailures, type RawLogRow } from '../db/venue-reads';

export type { LoginFailureRow } from '../db/venue-reads';

export interface ProctorSessionRow {
  tokenHash: string;
  username: string;
  deviceId: string;
  createdAt: number;
  revokedAt: number | null;
}

/** One venue log row with its body parsed. */
export interface LogEntry {
  venueSeq: number;
  deviceId: string;
  receivedAt: number;
  body: EventBody;
}

const parseRow = (row: RawLogRow): LogEntry => ({ venueSeq: row.venueSeq, deviceId: row.deviceId, receivedAt: row.receivedAt, body: JSON.parse(row.body) as EventBody });

export class ProctorRepository {
  readonly #insertSession: Statement<ProctorSessionRow>;
  readonly #sessionByToken: Statement<[string], ProctorSessionRow>;
  readonly #revoke: Statement<[number, string]>;
  readonly #devicesOf: Statement<[], { deviceId: string; username: string }>;
  /** Failed sign-ins per rate-limit key. */
  readonly loginFailures: LoginFailures;
  readonly #touch: Statement<[string, number]>;
  readonly #contact: Statement<[string], { lastSeenAt: number }>;
  readonly #sessions: () => Session[];
  readonly #attemptRows: (attemptId: string) => RawLogRow[];
  readonly #attemptRowsAfter: Statement<[string, number], RawLogRow>;
  /**
   * Parsed attempt logs, grown by reading only rows past the last one held. Safe because
   * the venue log is append-only (a row is never updated or deleted), and used only
   * outside transactions, so it never holds a row that a rollback could take back.
   */
  readonly #attemptCache = new Map<string, LogEntry[]>();
  readonly #roomRows: Statement<[], RawLogRow>;
  readonly #lastVenueSeq: Statement<[], { venueSeq: number | null }>;
  readonly #roomClosures: Statement<[], RawLogRow>;
  readonly #candidateDevice: Statement<[string], { deviceId: string }>;
  readonly #venueIdentity: () => { venueId: string; createdAt: number } | undefined;
  readonly #releaseByCode: Statement<[string, string, number]>;

  constructor(db: VenueDatabase) {
    const { sqlite } = db;
    this.#insertSession = sqlite.prepare(
      `INSERT INTO proctor_sessions (token_hash, username, device_id, created_at, revoked_at)
       VALUES (@tokenHash, @username, @deviceId, @createdAt, @revokedAt)`,
    );
    this.#sessionByToken = sqlite.prepare(
      'SELECT token_hash AS tokenHash, username, device_id AS deviceId, created_at AS createdAt, revoked_at AS revokedAt FROM proctor_sessions WHERE token_hash = ?',
    );
    this.#revoke = sqlite.prepare('UPDATE proctor_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL');
    this.#devicesOf = sqlite.prepare('SELECT DISTINCT device_id AS deviceId, username FROM proctor_sessions');
    this.loginFailures = loginFailures(sqlite, 'proctor_login_failures');
    this.#touch = sqlite.prepare(
      `INSERT INTO device_contacts (device_id, last_seen_at) VALUES (?, ?)
       ON CONFLICT (device_id) DO UPDATE SET last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
    );
    this.#contact = sqlite.prepare('SELECT last_seen_at AS lastSeenAt FROM device_contacts WHERE device_id = ?');
    this.#sessions = sessionsReader(sqlite);
    this.#attemptRows = attemptRowsReader(sqlite);
    this.#attemptRowsAfter = sqlite.prepare(`SELECT ${LOG_ROW_COLUMNS} FROM venue_log WHERE attempt_id = ? AND venue_seq > ? ORDER BY venue_seq`);
    this.#roomRows = sqlite.prepare(
      `SELECT ${LOG_ROW_COLUMNS} FROM venue_log
       WHERE attempt_id IS NULL AND type IN ('proctor.check-in', 'proctor.identity-verified', 'proctor.move-seat', 'proctor.incident', 'proctor.appeal-acknowledged', 'proctor.room-closed')
       ORDER BY venue_seq`,
    );
    this.#roomClosures = sqlite.prepare(`SELECT ${LOG_ROW_COLUMNS} FROM venue_log WHERE attempt_id IS NULL AND type = 'proctor.room-closed' ORDER BY venue_seq`);
    this.#lastVenueSeq = sqlite.prepare('SELECT max(venue_seq) AS venueSeq FROM venue_log');
    this.#candidateDevice = sqlite.prepare('SELECT device_id AS deviceId FROM candidate_sessions WHERE attempt_id = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1');
    this.#venueIdentity = venueIdentityReader(sqlite);
    // The first release stands: a release time that moved would move every attempt's start.
    this.#releaseByCode = sqlite.prepare(
      `INSERT INTO released_keys (session_id, key, source, downlink_seq, released_at) VALUES (?, ?, 'release-code', NULL, ?)
       ON CONFLICT (session_id) DO NOTHING`,
    );
  }

  /** Records a session key unwrapped by a proctor's release code, unless the session is already released. */
  releaseByCode(sessionId: string, keyHex: string, now: number): void {
    this.#releaseByCode.run(sessionId, keyHex, now);
  }

  openSession(row: Omit<ProctorSessionRow, 'revokedAt'>): void {
    this.#insertSession.run({ ...row, revokedAt: null });
  }

  sessionByTokenHash(tokenHash: string): ProctorSessionRow | undefined {
    return this.#sessionByToken.get(tokenHash);
  }

  revokeSession(tokenHash: string, now: number): void {
    this.#revoke.run(now, tokenHash);
  }

  /** Every (tablet device, proctor) pair ever signed in: a binding outlives the sign-in, so late deliveries still count. */
  tabletBindings(): { deviceId: string; username: string }[] {
    return this.#devicesOf.all();
  }

  touchDevice(deviceId: string, at: number): void {
    this.#touch.run(deviceId, at);
  }

  lastContact(deviceId: string): number | undefined {
    return this.#contact.get(deviceId)?.lastSeenAt;
  }

  sessions(): Session[] {
    return this.#sessions();
  }

  attemptLog(attemptId: string): LogEntry[] {
    return this.#attemptRows(attemptId).map(parseRow);
  }

  /** The same as {@link attemptLog}, from the cache; never call it inside a transaction. */
  committedAttemptLog(attemptId: string): LogEntry[] {
    const held = this.#attemptCache.get(attemptId) ?? [];
    const fresh = this.#attemptRowsAfter.all(attemptId, held.at(-1)?.venueSeq ?? 0).map(parseRow);
    const entries = fresh.length > 0 ? [...held, ...fresh] : held;
    this.#attemptCache.set(attemptId, entries);
    return entries;
  }

  /** Every `proctor.room-closed` in venue order (from any device: the caller checks the tablet). */
  roomClosures(): LogEntry[] {
    return this.#roomClosures.all().map(parseRow);
  }

  /** Check-ins, identity checks, seat moves, incidents, appeal acknowledgements and room closures (events without an attempt). */
  roomEvents(): LogEntry[] {
    return this.#roomRows.all().map(parseRow);
  }

  lastVenueSeq(): number {
    return this.#lastVenueSeq.get()?.venueSeq ?? 0;
  }

  /** The PC currently signed in for an attempt, if any. */
  candidateDevice(attemptId: string): string | undefined {
    return this.#candidateDevice.get(attemptId)?.deviceId;
  }

  venueIdentity(): { venueId: string; createdAt: number } | undefined {
    return this.#venueIdentity();
  }
}
