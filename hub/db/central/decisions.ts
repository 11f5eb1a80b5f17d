/**
 * Staff decisions (schema/central-decisions.ts) and computed results and certificates
 * (schema/central-results.ts). Every writer here is called inside the transaction that
 * also appends the decision's audit-log entry.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ItemKey } from '../../../sync/package';
import type { AttemptScore } from '../../../sync/scoring';
import type { HubDb } from '../client';
import { centralCertificates, centralDiscrepancyResolutions, centralItemDecisions, centralResults, centralViolationDecisions } from '../schema';

export interface ItemDecisionRow {
  examId: string;
  examVersion: number;
  itemId: string;
  outcome: 'voided' | 'key-corrected' | 'rejected';
  correctedKey: ItemKey | null;
  reason: string;
  report: Record<string, unknown>;
  decidedBy: string;
  decidedAt: number;
}

/** Records an appeals decision on one item; false if the item was already decided (decisions are final). */
export async function insertItemDecision(db: HubDb, row: ItemDecisionRow): Promise<boolean> {
  const inserted = await db.insert(centralItemDecisions).values(row).onConflictDoNothing().returning({ itemId: centralItemDecisions.itemId });
  return inserted.length === 1;
}

/** Attaches the re-scoring report to a decision. */
export async function setItemDecisionReport(db: HubDb, key: { examId: string; examVersion: number; itemId: string }, report: Record<string, unknown>): Promise<void> {
  await db.update(centralItemDecisions).set({ report }).where(and(eq(centralItemDecisions.examId, key.examId), eq(centralItemDecisions.examVersion, key.examVersion), eq(centralItemDecisions.itemId, key.itemId)));
}

/** All decisions on an exam version's items. */
export async function itemDecisionsOf(db: HubDb, examId: string, examVersion: number): Promise<ItemDecisionRow[]> {
  return db.select().from(centralItemDecisions).where(and(eq(centralItemDecisions.examId, examId), eq(centralItemDecisions.examVersion, examVersion))).orderBy(asc(centralItemDecisions.decidedAt));
}

export interface ViolationDecisionRow { attemptId: string; decision: 'accept' | 'annul'; credibility: number; reason: string; decidedBy: string; decidedAt: number }

/** Records (or replaces) a reviewer's decision on an attempt's violations. */
export async function upsertViolationDecision(db: HubDb, row: ViolationDecisionRow): Promise<void> {
  await db.insert(centralViolationDecisions).values(row).onConflictDoUpdate({ target: centralViolationDecisions.attemptId, set: row });
}

/** Violation decisions of some attempts. */
export async function violationDecisionsOf(db: HubDb, attemptIds: readonly string[]): Promise<ViolationDecisionRow[]> {
  if (attemptIds.length === 0) return [];
  return db.select().from(centralViolationDecisions).where(inArray(centralViolationDecisions.attemptId, [...attemptIds]));
}

export interface ResolutionRow { discrepancyId: string; sessionId: string; action: string; reason: string; resolvedBy: string; resolvedAt: number }

/** Records how a discrepancy was cleared; false if it already was. */
export async function insertResolution(db: HubDb, row: ResolutionRow): Promise<boolean> {
  const inserted = await db.insert(centralDiscrepancyResolutions).values(row).onConflictDoNothing().returning({ id: centralDiscrepancyResolutions.discrepancyId });
  return inserted.length === 1;
}

/** A session's resolutions. */
export async function resolutionsOf(db: HubDb, sessionId: string): Promise<ResolutionRow[]> {
  return db.select().from(centralDiscrepancyResolutions).where(eq(centralDiscrepancyResolutions.sessionId, sessionId));
}

export interface ResultRow { attemptId: string; sessionId: string; candidateId: string; total: number; isPassed: boolean; score: AttemptScore; computedAt: number }

/** Writes (or rewrites) computed results. */
export async function upsertResults(db: HubDb, rows: readonly ResultRow[]): Promise<void> {
  for (const row of rows) {
    await db.insert(centralResults).values(row).onConflictDoUpdate({ target: centralResults.attemptId, set: row });
  }
}

/** A session's computed results. */
export async function resultsOf(db: HubDb, sessionId: string): Promise<ResultRow[]> {
  return db.select().from(centralResults).where(eq(centralResults.sessionId, sessionId)).orderBy(asc(centralResults.candidateId));
}

export interface CertificateRow {
  certificateNumber: string;
  attemptId: string;
  sessionId: string;
  examId: string;
  iin: string;
  fullName: string;
  individualCode: string;
  total: number;
  totalMax: number;
  issuedAt: number;
  validUntil: number;
}

/** Issues a certificate; false if the attempt already has one. */
export async function insertCertificate(db: HubDb, row: CertificateRow): Promise<boolean> {
  const inserted = await db.insert(centralCertificates).values(row).onConflictDoNothing().returning({ n: centralCertificates.certificateNumber });
  return inserted.length === 1;
}

/** A session's certificates (the journal of issued certificates). */
export async function certificatesOf(db: HubDb, sessionId?: string): Promise<CertificateRow[]> {
  const query = db.select().from(centralCertificates);
  return (sessionId ? query.where(eq(centralCertificates.sessionId, sessionId)) : query).orderBy(asc(centralCertificates.certificateNumber));
}

/** The certificates held for an IIN (public verification compares the code in constant time). */
export async function certificatesOfIin(db: HubDb, iin: string): Promise<CertificateRow[]> {
  return db.select().from(centralCertificates).where(eq(centralCertificates.iin, iin));
}

/** One certificate by number. */
export async function findCertificate(db: HubDb, certificateNumber: string): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(centralCertificates).where(eq(centralCertificates.certificateNumber, certificateNumber));
  return row;
}
