/**
 * What central staff watch: the venue dashboard (online, last heard, backlog, events
 * received, whether the venue's signed Merkle head matches the hub's root, completeness per
 * device chain), item statistics per item and language, and a comparison of venues.
 */
import { itemsOf } from '../../sync/package';
import type { HubContext } from '../context';
import { deviceHeadsOfVenue, eventCountsByDevice, listPublishedSessions, venueDashboardRows } from '../db/central';
import { loadSessionEvidence, type SessionEvidence } from './session-evidence';

/** A venue heard from within this long counts as online. */
export const ONLINE_WITHIN_MS = 2 * 60_000;
/** A kk/ru difficulty gap above this (with enough candidates in each) flags the item for a translation check. */
export const LANGUAGE_GAP_FLAG = 0.2;
export const LANGUAGE_GAP_MIN_N = 5;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * How a venue's signed Merkle head compares with what the hub holds: `empty` before any
 * event came (nothing to compare yet), `catching-up` while the venue has signed more than
 * the hub holds, `mismatch` when the same size gives another root.
 */
export type HeadState = 'matched' | 'empty' | 'pending' | 'mismatch';

export function headStateOf(isHeadMatched: boolean, held: number, attested: number): HeadState {
  if (isHeadMatched) return 'matched';
  if (held === 0 && attested === 0) return 'empty';
  return attested === held ? 'mismatch' : 'pending';
}

/** Pearson correlation; null when either side has no variance. */
function correlation(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : round3(sxy / Math.sqrt(sxx * syy));
}

export interface ItemStatistic {
  itemId: string;
  blockId: string;
  language: 'kk' | 'ru' | 'all';
  n: number;
  /** Mean share of the item's points earned (classical p-value; higher is easier). */
  difficulty: number | null;
  /** Corrected point-biserial: item score against the total without this item. */
  pointBiserial: number | null;
  neverChosen: string[];
}

/** Item statistics over scored attempts (annulled ones left out). */
export function itemStatistics(sessions: readonly SessionEvidence[]): Array<{ itemId: string; blockId: string; byLanguage: ItemStatistic[]; isLanguageGapFlagged: boolean }> {
  const first = sessions[0];
  if (!first) return [];
  const attempts = sessions.flatMap((s) => s.attempts).filter((a) => !a.score.isAnnulled && a.state.status !== 'not-started');
  return itemsOf(first.examPackage).map((item) => {
    const byLanguage = (['kk', 'ru', 'all'] as const).map((language): ItemStatistic => {
      const group = attempts.filter((a) => language === 'all' || a.state.language === language);
      const itemScores: number[] = [];
      const rest: number[] = [];
      const chosen = new Set<string>();
      for (const attempt of group) {
        const score = attempt.score.items.find((s) => s.itemId === item.itemId);
        if (!score) continue;
        itemScores.push(score.max === 0 ? 0 : score.points / score.max);
        rest.push(attempt.score.total - score.points);
        const answer = attempt.state.answers[item.itemId]?.value;
        if (answer && 'optionIds' in answer) for (const id of answer.optionIds) chosen.add(id);
      }
      const n = itemScores.length;
      return {
        itemId: item.itemId, blockId: item.blockId, language, n,
        difficulty: n === 0 ? null : round3(itemScores.reduce((a, b) => a + b, 0) / n),
        pointBiserial: correlation(itemScores, rest),
        neverChosen: item.type === 'open' || n === 0 ? [] : item.options.map((o) => o.optionId).filter((id) => !chosen.has(id)),
      };
    });
    const [kk, ru] = byLanguage;
    const isLanguageGapFlagged = kk!.n >= LANGUAGE_GAP_MIN_N && ru!.n >= LANGUAGE_GAP_MIN_N && kk!.difficulty !== null && ru!.difficulty !== null && Math.abs(kk!.difficulty - ru!.difficulty) > LANGUAGE_GAP_FLAG;
    return { itemId: item.itemId, blockId: item.blockId, byLanguage, isLanguageGapFlagged };
  });
}

export class InsightService {
  constructor(private readonly ctx: HubContext) {}

  /** One card per venue. */
  /** Every enrolled venue with its sync state, for the dashboard. */
  async dashboard() {
    const db = this.ctx.database.db;
    const now = this.ctx.now();
    const rows = await venueDashboardRows(db);
    const out = [];
    for (const row of rows) {
      const heads = await deviceHeadsOfVenue(db, row.venueId);
      const counts = await eventCountsByDevice(db, row.venueId);
      const attested = row.signedHead?.size ?? 0;
      const held = row.ackedVenueSeq ?? 0;
      out.push({
        venueId: row.venueId,
        name: row.name,
        isOnline: row.lastSeenAt !== null && now - row.lastSeenAt <= ONLINE_WITHIN_MS,
        lastSeenAt: row.lastSeenAt,
        eventsReceived: counts.reduce((sum, c) => sum + c.count, 0),
        heldVenueSeq: held,
        attestedSize: attested,
        backlog: Math.max(0, attested - held),
        hubRoot: row.root,
        signedRoot: row.signedHead?.root ?? null,
        signedAt: row.signedHead?.at ?? null,
        isHeadMatched: row.isHeadMatched,
        headState: headStateOf(row.isHeadMatched === true, held, attested),
        devices: counts.map((c) => {
          const head = heads.find((h) => h.deviceId === c.deviceId && h.epoch === c.epoch);
          const ackedSeq = head?.ackedSeq ?? 0;
          return { deviceId: c.deviceId, epoch: c.epoch, events: c.count, ackedSeq, maxSeq: c.maxSeq, isGapless: ackedSeq >= c.maxSeq, lastAt: c.lastAt };
        }),
      });
    }
    return out;
  }

  async #sessionsOf(examId: string, examVersion: number): Promise<SessionEvidence[]> {
    const sessions = (await listPublishedSessions(this.ctx.database.db)).filter(({ session }) => session.examId === examId && session.examVersion === examVersion);
    const out: SessionEvidence[] = [];
    for (const { session } of sessions) out.push(await loadSessionEvidence(this.ctx, session.sessionId));
    return out;
  }

  /** Item statistics of an exam version over all its sessions. */
  async items(examId: string, examVersion: number) {
    return itemStatistics(await this.#sessionsOf(examId, examVersion));
  }

  /** Per venue: attempts, mean total, pass rate and mean violations, for an exam version. */
  async venues(examId: string, examVersion: number) {
    const byVenue = new Map<string, { venueId: string; attempts: number; totalSum: number; passed: number; violations: number }>();
    for (const evidence of await this.#sessionsOf(examId, examVersion)) {
      const entry = byVenue.get(evidence.session.venueId) ?? { venueId: evidence.session.venueId, attempts: 0, totalSum: 0, passed: 0, violations: 0 };
      for (const attempt of evidence.attempts) {
        entry.attempts++;
        entry.totalSum += attempt.score.total;
        entry.passed += attempt.score.isPassed ? 1 : 0;
        entry.violations += attempt.state.violations.length;
      }
      byVenue.set(evidence.session.venueId, entry);
    }
    return [...byVenue.values()].map((v) => ({
      venueId: v.venueId, attempts: v.attempts,
      meanTotal: v.attempts ? round3(v.totalSum / v.attempts) : null,
      passRate: v.attempts ? round3(v.passed / v.attempts) : null,
      meanViolations: v.attempts ? round3(v.violations / v.attempts) : null,
    }));
  }
}
