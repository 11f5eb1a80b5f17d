/**
 * What the venue pulls from the hub: sessions, sealed packages and key releases, applied
 * page by page with the pull cursor in the same transaction, so a crash between pages
 * neither skips an entry nor applies one twice.
 */
import { eq } from 'drizzle-orm';
import type { DownlinkEntry } from '../../sync/messages';
import type { VenueDatabase } from './client';
import { downlinkState, releasedKeys, sealedAnswerKeys, sealedPackages, sessions } from './schema';

const ROW = 1;

export interface DownlinkProgress {
  cursor: number;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export class DownlinkRepository {
  readonly #db: VenueDatabase;

  constructor(db: VenueDatabase) {
    this.#db = db;
    db.orm.insert(downlinkState).values({ id: ROW }).onConflictDoNothing().run();
  }

  get(): DownlinkProgress {
    const row = this.#db.orm.select().from(downlinkState).where(eq(downlinkState.id, ROW)).get();
    return row ?? { cursor: 0, lastSuccessAt: null, lastError: null, lastErrorAt: null };
  }

  /** Applies one page and moves the cursor, in one transaction. */
  applyPage(entries: readonly DownlinkEntry[], cursor: number, now: number): void {
    const { orm } = this.#db;
    this.#db.transaction(() => {
      for (const entry of entries) {
        if (entry.kind === 'session') {
          const { session } = entry;
          const values = { examId: session.examId, examVersion: session.examVersion, startsAt: session.startsAt, session, downlinkSeq: entry.seq, receivedAt: now };
          orm.insert(sessions).values({ sessionId: session.sessionId, ...values }).onConflictDoUpdate({ target: sessions.sessionId, set: values }).run();
        } else if (entry.kind === 'package') {
          const { sealed } = entry;
          const values = {
            examId: sealed.examId, examVersion: sealed.examVersion, iv: sealed.iv, ciphertext: sealed.ciphertext, sha256: sealed.sha256,
            keyWrappedByReleaseCode: entry.keyWrappedByReleaseCode, downlinkSeq: entry.seq, receivedAt: now,
          };
          orm.insert(sealedPackages).values({ sessionId: sealed.sessionId, ...values }).onConflictDoUpdate({ target: sealedPackages.sessionId, set: values }).run();
        } else if (entry.kind === 'answer-key') {
          const { sealed } = entry;
          const values = { examId: sealed.examId, examVersion: sealed.examVersion, iv: sealed.iv, ciphertext: sealed.ciphertext, sha256: sealed.sha256, downlinkSeq: entry.seq, receivedAt: now };
          orm.insert(sealedAnswerKeys).values({ sessionId: sealed.sessionId, ...values }).onConflictDoUpdate({ target: sealedAnswerKeys.sessionId, set: values }).run();
        } else {
          const values = { key: entry.key, source: 'hub' as const, downlinkSeq: entry.seq, releasedAt: now };
          // The first release stands: a venue that opened the session by release code while the
          // hub was unreachable has already started timers from that moment.
          orm.insert(releasedKeys).values({ sessionId: entry.sessionId, ...values }).onConflictDoNothing({ target: releasedKeys.sessionId }).run();
        }
      }
      orm.update(downlinkState).set({ cursor, lastSuccessAt: now, lastError: null }).where(eq(downlinkState.id, ROW)).run();
    });
  }

  recordFailure(message: string, now: number): void {
    this.#db.orm.update(downlinkState).set({ lastError: message.slice(0, 500), lastErrorAt: now }).where(eq(downlinkState.id, ROW)).run();
  }

  sessionIds(): string[] {
    return this.#db.orm.select({ sessionId: sessions.sessionId }).from(sessions).all().map((row) => row.sessionId);
  }

  sealedPackage(sessionId: string) {
    return this.#db.orm.select().from(sealedPackages).where(eq(sealedPackages.sessionId, sessionId)).get();
  }

  sealedAnswerKey(sessionId: string) {
    return this.#db.orm.select().from(sealedAnswerKeys).where(eq(sealedAnswerKeys.sessionId, sessionId)).get();
  }

  releasedKey(sessionId: string) {
    return this.#db.orm.select().from(releasedKeys).where(eq(releasedKeys.sessionId, sessionId)).get();
  }
}
