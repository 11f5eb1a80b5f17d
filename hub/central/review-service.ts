/**
 * Reviewers' verbs over the evidence: the session's attempts and discrepancy queue, how a
 * discrepancy is cleared, an attempt's timeline with its violations, and the decision to
 * accept or annul an attempt on its violations. Each decision and its audit entry are
 * written in one transaction.
 */
import type { EventBody } from '../../sync/events';
import type { HubContext } from '../context';
import { appendAudit } from '../db';
import {
  findResultsPublishedAt, insertResolution, listCentralSessions, listKeyReleases, listPublishedSessions, resultsPublicationsInAudit, upsertViolationDecision, violationDecisionsOf,
} from '../db/central';
import { ApiError } from '../errors';
import type { AttemptRecord } from './attempts';
import { credibilityOf } from './credibility';
import { loadSessionEvidence } from './session-evidence';
import type { SessionOverview, SessionState } from '../../sync/views/central';

/** What a list shows of an attempt. */
export function attemptSummary(attempt: AttemptRecord) {
  return {
    attemptId: attempt.attemptId,
    candidateId: attempt.candidateId,
    status: attempt.state.status,
    completeness: attempt.completeness,
    completenessNote: attempt.completenessNote,
    completenessCause: attempt.completenessCause,
    devices: attempt.devices,
    eventCount: attempt.state.eventCount,
    lateEventCount: attempt.state.lateEventCount,
    violationCount: attempt.state.violations.length,
    total: attempt.score.total,
    totalMax: attempt.score.totalMax,
    isPassed: attempt.score.isPassed,
    isAnnulled: attempt.score.isAnnulled,
    venueTotal: attempt.venueTotal,
  };
}

export type { SessionOverview, SessionState };

/** A session's overview, its state the furthest step it has reached. */
export function overviewOf(entry: Omit<SessionOverview, 'state'> & Record<string, unknown>): SessionOverview {
  const state: SessionState = entry.resultsPublishedAt !== null ? 'results-published' : entry.keyReleasedAt !== null ? 'key-released' : entry.publishedAt !== null ? 'published' : 'scheduled';
  const { sessionId, venueId, examId, examVersion, startsAt, candidates, publishedAt, keyReleasedAt, resultsPublishedAt } = entry;
  return { sessionId, venueId, examId, examVersion, startsAt, candidates, state, publishedAt, keyReleasedAt, resultsPublishedAt };
}

/** One line of an attempt's timeline. */
function timelineEntry(event: EventBody & { hash: string }) {
  const data = event.data as Record<string, unknown>;
  const { evidence, photo, ...rest } = data;
  return { at: event.at, deviceId: event.deviceId, seq: event.seq, type: event.type, hash: event.hash, data: rest, evidence: (evidence ?? photo ?? null) as string | null };
}

export class ReviewService {
  constructor(private readonly ctx: HubContext) {}

  /**
   * Every session of the hub, earliest first: those scheduled here (published or not) and
   * those published outside the central schedule, each with where it stands.
   */
  async sessions(): Promise<SessionOverview[]> {
    const db = this.ctx.database.db;
    const scheduled = await listCentralSessions(db);
    const published = await listPublishedSessions(db);
    const keyReleases = await listKeyReleases(db);
    const auditedResults = await resultsPublicationsInAudit(db);
    const byId = new Map<string, SessionOverview>();
    for (const { session, publishedAt } of published) {
      byId.set(session.sessionId, overviewOf({ ...session, candidates: session.candidates.length, publishedAt, keyReleasedAt: keyReleases.get(session.sessionId) ?? null, resultsPublishedAt: auditedResults.get(session.sessionId) ?? null }));
    }
    for (const row of scheduled) {
      const isSealed = keyReleases.has(row.sessionId);
      byId.set(row.sessionId, overviewOf({
        ...row, candidates: row.candidates.length, publishedAt: isSealed ? (row.publishedAt ?? byId.get(row.sessionId)?.publishedAt ?? null) : null,
        keyReleasedAt: keyReleases.get(row.sessionId) ?? null, resultsPublishedAt: row.resultsPublishedAt ?? auditedResults.get(row.sessionId) ?? null,
      }));
    }
    return [...byId.values()].sort((a, b) => a.startsAt - b.startsAt || (a.sessionId < b.sessionId ? -1 : 1));
  }

  /** A session's attempts and its discrepancy queue (open entries first). */
  async session(sessionId: string) {
    const evidence = await loadSessionEvidence(this.ctx, sessionId);
    const attempts = evidence.attempts.map(attemptSummary);
    const counts = { complete: 0, incomplete: 0, conflict: 0 };
    for (const attempt of attempts) counts[attempt.completeness]++;
    const discrepancies = [...evidence.discrepancies].sort((a, b) => Number(a.resolution !== null) - Number(b.resolution !== null));
    const resultsPublishedAt = await findResultsPublishedAt(this.ctx.database.db, sessionId);
    return { sessionId, venueId: evidence.session.venueId, examId: evidence.session.examId, counts, attempts, discrepancies, openDiscrepancies: discrepancies.filter((d) => !d.resolution).length, resultsPublishedAt };
  }

  /** Clears a discrepancy with one of its actions and a reason. */
  async resolve(actor: string, sessionId: string, discrepancyId: string, action: string, reason: string): Promise<void> {
    const evidence = await loadSessionEvidence(this.ctx, sessionId);
    const discrepancy = evidence.discrepancies.find((d) => d.discrepancyId === discrepancyId);
    if (!discrepancy) throw new ApiError(404, 'unknown-discrepancy', `no discrepancy ${discrepancyId} in session ${sessionId}`);
    if (!discrepancy.actions.includes(action)) throw new ApiError(422, 'bad-action', `${action} does not clear this discrepancy; choose one of: ${discrepancy.actions.join(', ')}`);
    const now = this.ctx.now();
    await this.ctx.database.db.transaction(async (tx) => {
      if (!(await insertResolution(tx, { discrepancyId, sessionId, action, reason, resolvedBy: actor, resolvedAt: now }))) {
        throw new ApiError(409, 'already-resolved', `discrepancy ${discrepancyId} is already cleared`);
      }
      await appendAudit(tx, { at: now, actor, action: 'discrepancy.resolved', subject: discrepancyId, detail: { sessionId, action, reason } });
    });
  }

  /** An attempt's timeline, violations with evidence, proctor decisions and acts, and credibility. */
  async attempt(sessionId: string, attemptId: string) {
    const evidence = await loadSessionEvidence(this.ctx, sessionId);
    const attempt = evidence.attempts.find((a) => a.attemptId === attemptId);
    if (!attempt) throw new ApiError(404, 'unknown-attempt', `no attempt ${attemptId} in session ${sessionId}`);
    const own = evidence.events.filter((s) => s.event.attemptId === attemptId).map((s) => s.event);
    const [decision] = await violationDecisionsOf(this.ctx.database.db, [attemptId]);
    return {
      ...attemptSummary(attempt),
      timeline: own.sort((a, b) => a.at - b.at || a.seq - b.seq).map(timelineEntry),
      violations: attempt.state.violations,
      removal: attempt.state.removal,
      credibility: credibilityOf(attempt.state, evidence.examPackage.proctoring.weights),
      decision: decision ?? null,
    };
  }

  /** Accepts or annuls an attempt on its violations, with a reason. */
  async decideViolations(actor: string, sessionId: string, attemptId: string, decision: 'accept' | 'annul', reason: string): Promise<{ credibility: number }> {
    const evidence = await loadSessionEvidence(this.ctx, sessionId);
    const attempt = evidence.attempts.find((a) => a.attemptId === attemptId);
    if (!attempt) throw new ApiError(404, 'unknown-attempt', `no attempt ${attemptId} in session ${sessionId}`);
    const credibility = credibilityOf(attempt.state, evidence.examPackage.proctoring.weights).score;
    const now = this.ctx.now();
    await this.ctx.database.db.transaction(async (tx) => {
      await upsertViolationDecision(tx, { attemptId, decision, credibility, reason, decidedBy: actor, decidedAt: now });
      await appendAudit(tx, { at: now, actor, action: `attempt.${decision === 'annul' ? 'annulled' : 'accepted'}`, subject: attemptId, detail: { sessionId, credibility, reason } });
    });
    return { credibility };
  }
}
