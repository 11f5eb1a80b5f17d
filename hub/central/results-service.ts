/**
 * Publishing results and issuing certificates. A session's results are published only
 * when every attempt is reconciled (complete, or its discrepancy cleared), the queue is
 * empty, every appealed item is decided and no open answer awaits marking. Certificates go
 * to passing, non-annulled results only: a unique number, the candidate's individual code,
 * valid 2 years. Anyone can verify one by IIN plus code; a wrong pair learns nothing.
 * A certificate counts as revoked once its attempt is annulled by a staff decision (on its
 * violations, or in the discrepancy queue) after issue: the annulment is the revocation's
 * record, so the journal and the public check derive it rather than store a second copy.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HubContext } from '../context';
import type { HubDb } from '../db/client';
import { appendAudit } from '../db';
import {
  certificatesOf, certificatesOfIin, findCertificate, findResultsPublishedAt, lockResultsPublication, insertCertificate, markResultsPublished, resolutionsOf, upsertResults,
  violationDecisionsOf, type CertificateRow, type ResultRow,
} from '../db/central';
import { ApiError } from '../errors';
import { renderCertificatePdf } from '../pdf/certificate';
import type { Completeness, CompletenessCause } from './attempts';
import type { Discrepancy } from './discrepancies';
import { registryCsvText, registryXlsx } from './registry-export';
import { loadSessionEvidence, subjectOf } from './session-evidence';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random text in Crockford base32 (no I, L, O, U), easy to read off paper. */
function randomCode(length: number): string {
  return Array.from(randomBytes(length), (byte) => CROCKFORD[byte % 32]).join('');
}

/** Two years after `ms`, on the same calendar day. */
export function twoYearsAfter(ms: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + 2);
  return date.getTime();
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export type JournalEntry = CertificateRow & { isRevoked: boolean; isExpired: boolean };

/** One reason a session's results cannot be published yet: a code, its figures, and `text` in English. */
export type PublicationBlocker =
  | ({ code: 'open-discrepancy'; text: string } & Pick<Discrepancy, 'discrepancyId' | 'kind' | 'params'>)
  | { code: 'attempt-not-complete'; text: string; attemptId: string; completeness: Completeness; cause: CompletenessCause | null }
  | { code: 'pending-marking'; text: string; attemptId: string }
  | { code: 'appeal-undecided'; text: string; itemId: string };

export class ResultsService {
  constructor(private readonly ctx: HubContext) {}

  /** Why a session's results cannot be published yet (empty when they can), each as a code with its figures and in English. */
  async blockers(sessionId: string): Promise<PublicationBlocker[]> {
    const evidence = await loadSessionEvidence(this.ctx, sessionId);
    const reasons: PublicationBlocker[] = [];
    const cleared = new Set(evidence.discrepancies.filter((d) => d.resolution).map((d) => subjectOf(d.discrepancyId)));
    for (const d of evidence.discrepancies) {
      if (!d.resolution) reasons.push({ code: 'open-discrepancy', text: `open discrepancy: ${d.explanation}`, discrepancyId: d.discrepancyId, kind: d.kind, params: d.params });
    }
    for (const attempt of evidence.attempts) {
      if (attempt.completeness !== 'complete' && !cleared.has(attempt.attemptId)) {
        reasons.push({ code: 'attempt-not-complete', text: `attempt ${attempt.attemptId} is ${attempt.completeness}: ${attempt.completenessNote}`, attemptId: attempt.attemptId, completeness: attempt.completeness, cause: attempt.completenessCause });
      }
      if (attempt.score.hasPendingMarking) reasons.push({ code: 'pending-marking', text: `attempt ${attempt.attemptId} has open answers awaiting marking`, attemptId: attempt.attemptId });
    }
    const decided = new Set(evidence.itemDecisions.map((d) => d.itemId));
    const appealed = new Set(evidence.attempts.flatMap((a) => a.state.appeals.flatMap((appeal) => appeal.itemIds)));
    for (const itemId of appealed) if (!decided.has(itemId)) reasons.push({ code: 'appeal-undecided', text: `the appeals on item ${itemId} are not decided`, itemId });
    return reasons;
  }

  /** Publishes a session's results and issues certificates to those who passed. */
  async publish(actor: string, sessionId: string): Promise<{ results: number; certificates: number }> {
    await this.#refuseIfPublished(this.ctx.database.db, sessionId);
    const reasons = await this.blockers(sessionId);
    if (reasons.length > 0) throw new ApiError(409, 'not-ready', `the results of ${sessionId} cannot be published yet (${reasons.length} reason(s))`, reasons);
    const evidence = await loadSessionEvidence(this.ctx, sessionId);
    const now = this.ctx.now();
    const roster = new Map(evidence.session.candidates.map((c) => [c.candidateId, c]));
    const results: ResultRow[] = evidence.attempts.map((a) => ({ attemptId: a.attemptId, sessionId, candidateId: a.candidateId ?? '', total: a.score.total, isPassed: a.score.isPassed, score: a.score, computedAt: now }));
    const certificates: CertificateRow[] = [];
    for (const attempt of evidence.attempts) {
      const candidate = attempt.candidateId ? roster.get(attempt.candidateId) : undefined;
      if (!attempt.score.isPassed || attempt.score.isAnnulled || !candidate) continue;
      certificates.push({
        certificateNumber: `KZ-${new Date(now).getUTCFullYear()}-${randomCode(8)}`,
        attemptId: attempt.attemptId, sessionId, examId: evidence.session.examId, iin: candidate.iin,
        fullName: [candidate.lastName, candidate.firstName, candidate.middleName].filter(Boolean).join(' '),
        individualCode: randomCode(10), total: attempt.score.total, totalMax: attempt.score.totalMax, issuedAt: now, validUntil: twoYearsAfter(now),
      });
    }
    await this.ctx.database.db.transaction(async (tx) => {
      // One publication at a time per session; checked again under the lock, so of two
      // simultaneous publications the second sees the first and is refused.
      await lockResultsPublication(tx, sessionId);
      await this.#refuseIfPublished(tx, sessionId);
      await markResultsPublished(tx, sessionId, now);
      await upsertResults(tx, results);
      for (const certificate of certificates) await insertCertificate(tx, certificate);
      await appendAudit(tx, { at: now, actor, action: 'results.published', subject: sessionId, detail: { results: results.length, certificates: certificates.length } });
    });
    return { results: results.length, certificates: certificates.length };
  }

  /** Results are published once: a second publication is refused, naming when the first was. */
  async #refuseIfPublished(db: HubDb, sessionId: string): Promise<void> {
    const publishedAt = await findResultsPublishedAt(db, sessionId);
    if (publishedAt !== null) {
      throw new ApiError(409, 'already-published', `the results of ${sessionId} were already published at ${new Date(publishedAt).toISOString()}; they are published once`, { resultsPublishedAt: publishedAt });
    }
  }

  /** The public verification address printed in the QR code. */
  verifyUrl(certificate: Pick<CertificateRow, 'iin' | 'individualCode'>, baseUrl: string): string {
    return `${baseUrl}/verify?iin=${encodeURIComponent(certificate.iin)}&code=${encodeURIComponent(certificate.individualCode)}`;
  }

  /** A certificate as PDF, by number. */
  async pdf(certificateNumber: string, baseUrl: string): Promise<Buffer> {
    const certificate = await findCertificate(this.ctx.database.db, certificateNumber);
    if (!certificate) throw new ApiError(404, 'unknown-certificate', `no certificate ${certificateNumber}`);
    const evidence = await loadSessionEvidence(this.ctx, certificate.sessionId);
    return renderCertificatePdf({ ...certificate, examTitleKk: evidence.examPackage.title.kk, verifyUrl: this.verifyUrl(certificate, baseUrl) });
  }

  /** Public check by IIN plus individual code; undefined unless both match a certificate. */
  async verify(iin: string, code: string): Promise<JournalEntry | undefined> {
    const normalised = code.trim().toUpperCase();
    const match = (await certificatesOfIin(this.ctx.database.db, iin.trim())).find((c) => sameText(c.individualCode, normalised));
    return match ? (await this.#withStatus([match]))[0] : undefined;
  }

  /** Certificates with whether each is revoked (its attempt annulled since) or expired. */
  async #withStatus(rows: readonly CertificateRow[]): Promise<JournalEntry[]> {
    const db = this.ctx.database.db;
    const revoked = new Set<string>();
    if (rows.length > 0) {
      for (const decision of await violationDecisionsOf(db, rows.map((row) => row.attemptId))) if (decision.decision === 'annul') revoked.add(decision.attemptId);
      for (const sessionId of new Set(rows.map((row) => row.sessionId))) {
        for (const resolution of await resolutionsOf(db, sessionId)) if (resolution.action === 'annul') revoked.add(subjectOf(resolution.discrepancyId));
      }
    }
    const now = this.ctx.now();
    return rows.map((row) => ({ ...row, isRevoked: revoked.has(row.attemptId), isExpired: row.validUntil < now }));
  }

  /** The certificate journal as CSV for the national registry. */
  async registryCsv(actor: string, sessionId?: string): Promise<string> {
    return registryCsvText(await this.#registryExport(actor, sessionId, 'csv'));
  }

  /** The certificate journal as an XLSX workbook, same rows and columns as the CSV. */
  async registryXlsx(actor: string, sessionId?: string): Promise<Uint8Array<ArrayBuffer>> {
    return registryXlsx(await this.#registryExport(actor, sessionId, 'xlsx'));
  }

  /** The rows of a registry export, with its audit-log entry. */
  async #registryExport(actor: string, sessionId: string | undefined, format: 'csv' | 'xlsx'): Promise<CertificateRow[]> {
    const rows = await certificatesOf(this.ctx.database.db, sessionId);
    await this.ctx.database.db.transaction((tx) => appendAudit(tx, { at: this.ctx.now(), actor, action: 'registry.exported', subject: sessionId ?? null, detail: { rows: rows.length, format } }));
    return rows;
  }

  /** Issued certificates (the journal), each with whether it is revoked or expired. */
  async journal(sessionId?: string): Promise<JournalEntry[]> {
    return this.#withStatus(await certificatesOf(this.ctx.database.db, sessionId));
  }
}
