/**
 * Loads everything the hub holds about one published session and derives its attempts
 * and discrepancy queue. Which attempts belong to the session is read from the per-attempt
 * summary table (db/central/attempt-summaries.ts); only those attempts' events are loaded,
 * to fold and score them and verify their chains. The exam comes from the central import when there is one, and
 * otherwise from the session's own sealed package, which the hub can always open.
 */
import { verifyChain } from '../../sync/chain';
import { AnswerKey, ExamPackage } from '../../sync/package';
import type { Session } from '../../sync/roster';
import { openPackage } from '../../sync/seal';
import type { ItemKey } from '../../sync/package';
import type { HubContext } from '../context';
import {
  attemptSummariesOf, chainAlarmsOfVenue, chainEvents, checkInsOfVenue, eventsOfAttempts, findCentralExam, findPublishedAnswerKey,
  findPublishedSession, findSealedPackage, itemDecisionsOf, resolutionsOf, violationDecisionsOf, type ItemDecisionRow, type StoredEvent,
} from '../db/central';
import { ApiError } from '../errors';
import { buildAttempts, chainKeyOf, type AttemptRecord } from './attempts';
import { buildDiscrepancies, type Discrepancy } from './discrepancies';

export interface SessionEvidence {
  session: Session;
  examPackage: ExamPackage;
  answerKey: AnswerKey;
  events: StoredEvent[];
  attempts: AttemptRecord[];
  discrepancies: Discrepancy[];
  itemDecisions: ItemDecisionRow[];
}

/** The exam version a published session uses. */
export async function examOfSession(ctx: HubContext, session: Session): Promise<{ examPackage: ExamPackage; answerKey: AnswerKey }> {
  const db = ctx.database.db;
  const imported = await findCentralExam(db, session.examId, session.examVersion);
  if (imported) return { examPackage: imported.examPackage, answerKey: imported.answerKey };
  const sealed = await findSealedPackage(db, session.sessionId);
  const answerKey = await findPublishedAnswerKey(db, session.examId, session.examVersion);
  if (!sealed || !answerKey) throw new ApiError(409, 'no-exam', `the exam of session ${session.sessionId} is not held at the hub`);
  return { examPackage: ExamPackage.parse(JSON.parse(await openPackage(sealed, sealed.sessionKey))), answerKey: AnswerKey.parse(answerKey) };
}

/** The scoring overrides the appeals commission's decisions make. */
export function overridesOf(decisions: readonly ItemDecisionRow[]): { voidedItemIds: string[]; correctedKeys: Record<string, ItemKey> } {
  const voidedItemIds = decisions.filter((d) => d.outcome === 'voided').map((d) => d.itemId);
  const correctedKeys: Record<string, ItemKey> = {};
  for (const decision of decisions) if (decision.outcome === 'key-corrected' && decision.correctedKey) correctedKeys[decision.itemId] = decision.correctedKey;
  return { voidedItemIds, correctedKeys };
}

/** Verifies each chain from genesis up to the highest seq needed. */
async function verifyChains(ctx: HubContext, events: readonly StoredEvent[]): Promise<Map<string, { verifiedUpTo: number; isBroken: boolean }>> {
  const needed = new Map<string, { deviceId: string; epoch: number; toSeq: number }>();
  for (const { event } of events) {
    const key = chainKeyOf(event.deviceId, event.epoch);
    const current = needed.get(key);
    if (!current || current.toSeq < event.seq) needed.set(key, { deviceId: event.deviceId, epoch: event.epoch, toSeq: event.seq });
  }
  const out = new Map<string, { verifiedUpTo: number; isBroken: boolean }>();
  for (const [key, { deviceId, epoch, toSeq }] of needed) {
    const chain = await chainEvents(ctx.database.db, deviceId, epoch, toSeq);
    const fault = verifyChain(chain);
    out.set(key, fault ? { verifiedUpTo: fault.index === 0 ? 0 : chain[fault.index - 1]!.seq, isBroken: fault.reason === 'bad-chain' } : { verifiedUpTo: chain.at(-1)?.seq ?? 0, isBroken: false });
  }
  return out;
}

/** The subject part of a discrepancy id (`kind/sessionId/subject`). */
export const subjectOf = (discrepancyId: string): string => discrepancyId.split('/').slice(2).join('/');

/** Attempts set aside when a candidate had several and staff chose which one counts (`keep:<attemptId>`). */
function attemptsSetAside(events: readonly StoredEvent[], resolutions: ReadonlyArray<{ discrepancyId: string; action: string }>): string[] {
  const out: string[] = [];
  for (const resolution of resolutions) {
    if (!resolution.discrepancyId.startsWith('duplicate-attempts/') || !resolution.action.startsWith('keep:')) continue;
    const candidateId = subjectOf(resolution.discrepancyId);
    const kept = resolution.action.slice('keep:'.length);
    for (const { event } of events) {
      if (event.type === 'attempt.started' && event.data.candidateId === candidateId && event.attemptId && event.attemptId !== kept) out.push(event.attemptId);
    }
  }
  return out;
}

/** Loads and derives a published session's evidence. */
export async function loadSessionEvidence(ctx: HubContext, sessionId: string): Promise<SessionEvidence> {
  const db = ctx.database.db;
  const published = await findPublishedSession(db, sessionId);
  if (!published) throw new ApiError(404, 'unknown-session', `no published session ${sessionId}`);
  const { session } = published;
  const { examPackage, answerKey } = await examOfSession(ctx, session);
  // The session's attempts come from the summary rows the ingest keeps (one indexed read),
  // not from scanning the venue's raw events for their `attempt.started`.
  const attemptIds = (await attemptSummariesOf(db, session.venueId, sessionId)).map((summary) => summary.attemptId);
  const events = await eventsOfAttempts(db, session.venueId, attemptIds);
  const chains = await verifyChains(ctx, events);
  const alarms = await chainAlarmsOfVenue(db, session.venueId);
  const conflictedDevices = new Set(alarms.map((alarm) => alarm.detail.deviceId).filter((id): id is string => typeof id === 'string'));
  const itemDecisions = await itemDecisionsOf(db, session.examId, session.examVersion);
  const resolutions = await resolutionsOf(db, sessionId);
  const violationDecisions = await violationDecisionsOf(db, attemptIds);
  const lateIgnored = new Set(resolutions.filter((r) => r.action === 'ignore-late-answers').map((r) => subjectOf(r.discrepancyId)));
  const annulled = new Set([
    ...violationDecisions.filter((d) => d.decision === 'annul').map((d) => d.attemptId),
    ...resolutions.filter((r) => r.action === 'annul').map((r) => subjectOf(r.discrepancyId)),
    ...attemptsSetAside(events, resolutions),
  ]);
  const roomOfCandidate = new Map(session.candidates.map((candidate) => [candidate.candidateId, candidate.roomId]));
  const attempts = buildAttempts({ venueId: session.venueId, examPackage, answerKey, events, chains, conflictedDevices, overrides: overridesOf(itemDecisions), lateIgnored, annulled, rooms: { sessionId, roomOfCandidate } });
  const checkIns = await checkInsOfVenue(db, session.venueId);
  const maxExtraMinutes = Math.max(0, ...examPackage.accommodations.map((a) => a.extraMinutes));
  const discrepancies = buildDiscrepancies({
    session, durationMinutes: examPackage.durationMinutes, maxExtraMinutes, attempts, checkIns, events,
    alarms, resolutions: new Map(resolutions.map((r) => [r.discrepancyId, r])), now: ctx.now(),
  });
  return { session, examPackage, answerKey, events, attempts, discrepancies, itemDecisions };
}
