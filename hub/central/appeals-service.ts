/**
 * The appeals commission's verbs. Appeals (technical, filed during the test; content, after
 * it) arrive as events; the commission sees them grouped by item, with the item in both
 * languages and its key, and decides each item once. Upholding voids the item or corrects
 * its key, and EVERY attempt of that exam version, in every session, is re-scored by the
 * shared scoring; the decision keeps a report of whose result changed. Decision, results
 * and audit entry are written in one transaction.
 */
import { itemsOf, type ItemKey } from '../../sync/package';
import type { HubContext } from '../context';
import { appendAudit } from '../db';
import { insertItemDecision, listPublishedSessions, upsertResults, type ItemDecisionRow, type ResultRow } from '../db/central';
import { ApiError } from '../errors';
import { rescore } from './attempts';
import { loadSessionEvidence, overridesOf, type SessionEvidence } from './session-evidence';

export type AppealOutcome = 'void' | 'correct-key' | 'reject';

export interface AppealDecisionRequest {
  examId: string;
  examVersion: number;
  itemId: string;
  outcome: AppealOutcome;
  correctOptionIds?: string[];
  reason: string;
}

export class AppealsService {
  constructor(private readonly ctx: HubContext) {}

  async #evidenceOf(examId: string, examVersion: number): Promise<SessionEvidence[]> {
    const sessions = (await listPublishedSessions(this.ctx.database.db)).filter(({ session }) => session.examId === examId && session.examVersion === examVersion);
    const out: SessionEvidence[] = [];
    for (const { session } of sessions) out.push(await loadSessionEvidence(this.ctx, session.sessionId));
    return out;
  }

  /** Exam versions of published sessions, with how many appeals each has. */
  async exams() {
    const sessions = await listPublishedSessions(this.ctx.database.db);
    const versions = new Map<string, { examId: string; examVersion: number; sessions: string[] }>();
    for (const { session } of sessions) {
      const key = `${session.examId}@${session.examVersion}`;
      const entry = versions.get(key) ?? { examId: session.examId, examVersion: session.examVersion, sessions: [] };
      entry.sessions.push(session.sessionId);
      versions.set(key, entry);
    }
    return [...versions.values()];
  }

  /** The appeals on an exam version, grouped by item, with the item in both languages, its key and any decision. */
  async byItem(examId: string, examVersion: number) {
    const evidence = await this.#evidenceOf(examId, examVersion);
    const first = evidence[0];
    if (!first) throw new ApiError(404, 'unknown-exam', `no published session of ${examId} version ${examVersion}`);
    const items = new Map(itemsOf(first.examPackage).map((item) => [item.itemId, item]));
    const groups = new Map<string, Array<{ sessionId: string; attemptId: string; candidateId: string | null; kind: string; ground: string; text: string | null; at: number }>>();
    for (const session of evidence) {
      for (const attempt of session.attempts) {
        for (const appeal of attempt.state.appeals) {
          for (const itemId of appeal.itemIds) {
            const list = groups.get(itemId) ?? [];
            list.push({ sessionId: session.session.sessionId, attemptId: attempt.attemptId, candidateId: attempt.candidateId, kind: appeal.kind, ground: appeal.ground, text: appeal.text ?? null, at: appeal.at });
            groups.set(itemId, list);
          }
        }
      }
    }
    const decisions = new Map(first.itemDecisions.map((d) => [d.itemId, d]));
    return [...groups.entries()].map(([itemId, appeals]) => {
      const item = items.get(itemId);
      return {
        itemId,
        blockId: item?.blockId ?? null,
        item: item ?? null,
        key: first.answerKey.items[itemId] ?? null,
        technical: appeals.filter((a) => a.kind === 'technical'),
        content: appeals.filter((a) => a.kind === 'content'),
        decision: decisions.get(itemId) ?? null,
      };
    });
  }

  /** Decides an item's appeals; an upheld appeal re-scores every attempt of the exam version. */
  async decide(actor: string, request: AppealDecisionRequest) {
    const evidence = await this.#evidenceOf(request.examId, request.examVersion);
    const first = evidence[0];
    if (!first) throw new ApiError(404, 'unknown-exam', `no published session of ${request.examId} version ${request.examVersion}`);
    const item = itemsOf(first.examPackage).find((candidate) => candidate.itemId === request.itemId);
    if (!item) throw new ApiError(404, 'unknown-item', `${request.examId} version ${request.examVersion} has no item ${request.itemId}`);
    if (first.itemDecisions.some((d) => d.itemId === request.itemId)) throw new ApiError(409, 'already-decided', `item ${request.itemId} is already decided; the decision is final`);
    let correctedKey: ItemKey | null = null;
    if (request.outcome === 'correct-key') {
      const optionIds = item.type === 'open' ? [] : item.options.map((o) => o.optionId);
      const chosen = request.correctOptionIds ?? [];
      if (chosen.length === 0 || chosen.some((id) => !optionIds.includes(id))) throw new ApiError(422, 'bad-key', `the corrected key must name options of item ${request.itemId} (${optionIds.join(', ')})`);
      if (item.type === 'single' && chosen.length !== 1) throw new ApiError(422, 'bad-key', 'a single-answer item has exactly one correct option');
      correctedKey = { correctOptionIds: chosen };
    }
    const now = this.ctx.now();
    const outcome = request.outcome === 'void' ? 'voided' : request.outcome === 'correct-key' ? 'key-corrected' : 'rejected';
    const decision: ItemDecisionRow = { examId: request.examId, examVersion: request.examVersion, itemId: request.itemId, outcome, correctedKey, reason: request.reason, report: {}, decidedBy: actor, decidedAt: now };
    const overrides = overridesOf([...first.itemDecisions, decision]);
    const changed: Array<Record<string, unknown>> = [];
    const results: ResultRow[] = [];
    for (const session of evidence) {
      for (const attempt of session.attempts) {
        const after = rescore(attempt, session.examPackage, session.answerKey, overrides);
        const before = attempt.score;
        if (after.total !== before.total || after.isPassed !== before.isPassed) {
          changed.push({ sessionId: session.session.sessionId, attemptId: attempt.attemptId, candidateId: attempt.candidateId, before: { total: before.total, isPassed: before.isPassed }, after: { total: after.total, isPassed: after.isPassed } });
        }
        results.push({ attemptId: attempt.attemptId, sessionId: session.session.sessionId, candidateId: attempt.candidateId ?? '', total: after.total, isPassed: after.isPassed, score: after, computedAt: now });
      }
    }
    const isUpheld = outcome !== 'rejected';
    const report = { rescored: isUpheld ? results.length : 0, changed: isUpheld ? changed : [] };
    await this.ctx.database.db.transaction(async (tx) => {
      if (!(await insertItemDecision(tx, { ...decision, report }))) throw new ApiError(409, 'already-decided', `item ${request.itemId} is already decided; the decision is final`);
      if (isUpheld) await upsertResults(tx, results);
      await appendAudit(tx, { at: now, actor, action: `appeal.${outcome}`, subject: `${request.examId}@${request.examVersion}/${request.itemId}`, detail: { reason: request.reason, correctedKey, rescored: report.rescored, changed: report.changed.length } });
    });
    return { outcome, report };
  }
}
