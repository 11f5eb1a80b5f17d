/**
 * Publishing sessions to venues and serving the downward log. A session is published
 * with its package sealed under a fresh session key, the key wrapped under a release
 * code, and the answer key stored for scoring; all in one transaction with the log
 * entries, so a venue never sees a session without its package. The key itself is
 * released into the log at the session's start time (or at once, when asked).
 */
import type { DownlinkPage } from '../../sync/messages';
import type { AnswerKey, ExamPackage } from '../../sync/package';
import type { Session } from '../../sync/roster';
import { generateSessionKey, makeReleaseCode, sealPackage, wrapKeyWithReleaseCode } from '../../sync/seal';
import type { HubContext } from '../context';
import {
  appendAudit, appendDownlink, dueKeyReleases, markKeyReleased, readDownlink, upsertAnswerKey, upsertPackage, upsertSession,
} from '../db';

export interface PublishOptions {
  /** The release code a proctor types if the hub is unreachable at start time; made up when omitted. */
  releaseCode?: string;
  /** Release the session key at once (demo), instead of at the session's start time. */
  isKeyReleasedNow?: boolean;
  actor?: string;
}

export class PublishingService {
  constructor(private readonly ctx: HubContext) {}

  /** Publishes a session with its package and answer key to the session's venue; returns the release code. */
  async publish(session: Session, examPackage: ExamPackage, answerKey: AnswerKey, options: PublishOptions = {}): Promise<{ releaseCode: string }> {
    const releaseCode = options.releaseCode ?? makeReleaseCode();
    const sessionKey = generateSessionKey();
    const sealed = await sealPackage(JSON.stringify(examPackage), sessionKey);
    const sealedAnswerKey = await sealPackage(JSON.stringify(answerKey), sessionKey);
    const keyWrappedByReleaseCode = await wrapKeyWithReleaseCode(sessionKey, releaseCode);
    const now = this.ctx.now();
    const identity = { sessionId: session.sessionId, examId: examPackage.examId, examVersion: examPackage.version };
    await this.ctx.database.db.transaction(async (tx) => {
      await upsertSession(tx, session, now);
      await upsertPackage(tx, { ...identity, ...sealed, sessionKey, keyWrappedByReleaseCode });
      await upsertAnswerKey(tx, answerKey);
      await appendDownlink(tx, session.venueId, [
        { kind: 'session', session },
        { kind: 'package', sealed: { ...identity, ...sealed }, keyWrappedByReleaseCode },
        { kind: 'answer-key', sealed: { ...identity, ...sealedAnswerKey } },
      ], now);
      await appendAudit(tx, { at: now, actor: options.actor ?? 'system', action: 'session.published', subject: session.sessionId, detail: { venueId: session.venueId, examId: examPackage.examId } });
    });
    if (options.isKeyReleasedNow) await this.releaseKeys(Number.MAX_SAFE_INTEGER, session.sessionId);
    return { releaseCode };
  }

  /** Appends a key release for every session whose start time has come (or just the one named). */
  async releaseKeys(asOf = this.ctx.now(), onlySessionId?: string): Promise<number> {
    const db = this.ctx.database.db;
    const due = (await dueKeyReleases(db, asOf)).filter((row) => !onlySessionId || row.sessionId === onlySessionId);
    let released = 0;
    for (const row of due) {
      const now = this.ctx.now();
      await db.transaction(async (tx) => {
        if (!(await markKeyReleased(tx, row.sessionId, now))) return;
        await appendDownlink(tx, row.venueId, [{ kind: 'key-release', sessionId: row.sessionId, key: row.sessionKey }], now);
        released++;
      });
    }
    return released;
  }

  /** A page of a venue's downward log after `cursor`, releasing due keys first. */
  async page(venueId: string, cursor: number): Promise<DownlinkPage> {
    await this.releaseKeys();
    const { entries, hasMore } = await readDownlink(this.ctx.database.db, venueId, cursor, this.ctx.config.downlinkPageSize);
    return { entries, cursor: entries.at(-1)?.seq ?? cursor, hasMore };
  }
}
