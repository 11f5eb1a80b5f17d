/**
 * The per-attempt summary (schema/central-attempt-summaries.ts): advanced by the uplink
 * ingest with ONE upsert per batch, inside the batch's transaction, and read by the
 * reconciliation dashboard. `recomputeAttemptSummaries` derives the same rows from the raw
 * events (checks, backfill).
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { HubDb } from '../client';
import type { VenueEventRow } from '../ingest';
import { attemptSummaries } from '../schema';

/** Event types that close an attempt. */
export const CLOSING_EVENT_TYPES = ['attempt.closed', 'attempt.finished'] as const;

export interface AttemptSummaryRow {
  venueId: string;
  attemptId: string;
  sessionId: string | null;
  candidateId: string | null;
  deviceSeqs: Record<string, number>;
  eventCount: number;
  firstAt: number;
  lastAt: number;
  closedAt: number | null;
  isClosed: boolean;
  lateCount: number;
  isConflict: boolean;
}

function startedData(row: VenueEventRow): { sessionId: string | null; candidateId: string | null } {
  const data = (JSON.parse(row.bodyJson) as { data?: { sessionId?: unknown; candidateId?: unknown } }).data ?? {};
  return { sessionId: typeof data.sessionId === 'string' ? data.sessionId : null, candidateId: typeof data.candidateId === 'string' ? data.candidateId : null };
}

const closing = sql.raw(`(${CLOSING_EVENT_TYPES.map((type) => `'${type}'`).join(', ')})`);
const CLOSING_TYPES: ReadonlySet<string> = new Set(CLOSING_EVENT_TYPES);

/** One attempt's share of a batch, folded in the hub so the statement handles a row per attempt, not per event. */
interface BatchShare {
  count: number;
  firstAt: number;
  lastAt: number;
  closedAt: number | null;
  /** Every event time, for the late count against a close already held. */
  ats: number[];
  /** Highest seq per `deviceId#epoch`. */
  deviceSeqs: Record<string, number>;
}

function sharesOf(events: readonly VenueEventRow[]): Map<string, BatchShare> {
  const shares = new Map<string, BatchShare>();
  for (const row of events) {
    const attemptId = row.attemptId!;
    let share = shares.get(attemptId);
    if (!share) {
      share = { count: 0, firstAt: row.at, lastAt: row.at, closedAt: null, ats: [], deviceSeqs: {} };
      shares.set(attemptId, share);
    }
    share.count++;
    if (row.at < share.firstAt) share.firstAt = row.at;
    if (row.at > share.lastAt) share.lastAt = row.at;
    if (CLOSING_TYPES.has(row.type) && (share.closedAt === null || row.at < share.closedAt)) share.closedAt = row.at;
    share.ats.push(row.at);
    const deviceKey = `${row.deviceId}#${row.epoch}`;
    if (!(row.seq <= (share.deviceSeqs[deviceKey] ?? 0))) share.deviceSeqs[deviceKey] = row.seq;
  }
  return shares;
}

/**
 * Folds a batch's newly stored events into their attempts' summaries with ONE statement: the
 * batch arrives folded to a row per attempt (counts, times, device seqs) plus its
 * attempt.started claims, and the statement merges each with the attempt's prior row and
 * upserts the result. Run it after the events are inserted, in the same transaction (late
 * events are recounted from venue_events when an attempt's close time first becomes known).
 * Comparisons of ids (the least claim) stay in the database, under its collation, as in
 * the recomputation from raw events.
 */
export async function upsertAttemptSummaries(db: HubDb, venueId: string, rows: readonly VenueEventRow[]): Promise<void> {
  const events = rows.filter((row) => row.attemptId !== null);
  if (events.length === 0) return;
  const shares = [...sharesOf(events)];
  const claims = events.filter((row) => row.type === 'attempt.started').map((row) => ({ attemptId: row.attemptId!, ...startedData(row) }));
  const column = <T>(values: T[]) => sql.param(values);
  await db.execute(sql`
    with batch as (
      select * from unnest(
        ${column(shares.map(([attemptId]) => attemptId))}::text[], ${column(shares.map(([, s]) => s.count))}::int[],
        ${column(shares.map(([, s]) => s.firstAt))}::bigint[], ${column(shares.map(([, s]) => s.lastAt))}::bigint[],
        ${column(shares.map(([, s]) => s.closedAt))}::bigint[], ${column(shares.map(([, s]) => `{${s.ats.join(',')}}`))}::text[],
        ${column(shares.map(([, s]) => JSON.stringify(s.deviceSeqs)))}::text[]
      ) as u(attempt_id, n, first_at, last_at, closed_at, ats, device_seqs)
    ),
    claims as (
      select attempt_id, min(session_id) as session_id, min(candidate_id) as candidate_id, count(distinct candidate_id)::int as claimants
      from unnest(${column(claims.map((c) => c.attemptId))}::text[], ${column(claims.map((c) => c.sessionId))}::text[], ${column(claims.map((c) => c.candidateId))}::text[])
        as u(attempt_id, session_id, candidate_id)
      group by attempt_id
    ),
    merged as (
      select b.attempt_id,
        least(p.session_id, c.session_id) as session_id,
        least(p.candidate_id, c.candidate_id) as candidate_id,
        -- The batch's seqs win: a batch only stores events that extend their device chains past
        -- what the hub held, so each of its seqs is above any the prior row has for that device.
        coalesce(p.device_seqs, '{}'::jsonb) || b.device_seqs::jsonb as device_seqs,
        coalesce(p.event_count, 0) + b.n as event_count,
        least(p.first_at, b.first_at) as first_at,
        greatest(p.last_at, b.last_at) as last_at,
        least(p.closed_at, b.closed_at) as closed_at,
        case
          when least(p.closed_at, b.closed_at) is null then 0
          when least(p.closed_at, b.closed_at) is not distinct from p.closed_at
            then p.late_count + (select count(*)::int from unnest(b.ats::bigint[]) t(at) where t.at > p.closed_at)
          else (select count(*)::int from venue_events v where v.venue_id = ${venueId} and v.attempt_id = b.attempt_id and v.at > least(p.closed_at, b.closed_at))
        end as late_count,
        coalesce(p.is_conflict, false) or coalesce(c.claimants, 0) > 1 or coalesce(p.candidate_id <> c.candidate_id, false) as is_conflict
      from batch b
      left join attempt_summaries p on p.venue_id = ${venueId} and p.attempt_id = b.attempt_id
      left join claims c on c.attempt_id = b.attempt_id
    )
    insert into attempt_summaries (venue_id, attempt_id, session_id, candidate_id, device_seqs, event_count, first_at, last_at, closed_at, is_closed, late_count, is_conflict)
    select ${venueId}, attempt_id, session_id, candidate_id, device_seqs, event_count, first_at, last_at, closed_at, closed_at is not null, late_count, is_conflict from merged
    on conflict (venue_id, attempt_id) do update set
      session_id = excluded.session_id, candidate_id = excluded.candidate_id, device_seqs = excluded.device_seqs, event_count = excluded.event_count,
      first_at = excluded.first_at, last_at = excluded.last_at, closed_at = excluded.closed_at, is_closed = excluded.is_closed,
      late_count = excluded.late_count, is_conflict = excluded.is_conflict`);
}

export interface SessionOverviewRow {
  sessionId: string | null;
  attempts: number;
  closed: number;
  withLateEvents: number;
  conflicts: number;
  events: number;
  lastAt: number;
}

/**
 * The reconciliation dashboard's main query: per session of a venue, how many attempts,
 * closed, with late events, in conflict, and their events, from the summary rows alone.
 */
export async function sessionOverviewOf(db: HubDb, venueId: string): Promise<SessionOverviewRow[]> {
  const rows = await db
    .select({
      sessionId: attemptSummaries.sessionId,
      attempts: sql<number>`count(*)::int`,
      closed: sql<number>`(count(*) filter (where ${attemptSummaries.isClosed}))::int`,
      withLateEvents: sql<number>`(count(*) filter (where ${attemptSummaries.lateCount} > 0))::int`,
      conflicts: sql<number>`(count(*) filter (where ${attemptSummaries.isConflict}))::int`,
      events: sql<number>`sum(${attemptSummaries.eventCount})::bigint`,
      lastAt: sql<number>`max(${attemptSummaries.lastAt})`,
    })
    .from(attemptSummaries)
    .where(eq(attemptSummaries.venueId, venueId))
    .groupBy(attemptSummaries.sessionId)
    .orderBy(asc(attemptSummaries.sessionId));
  return rows.map((row) => ({ ...row, events: Number(row.events), lastAt: Number(row.lastAt) }));
}

/** One session's (or a whole venue's) attempt summaries, by attempt id: the dashboard's drill-down. */
export async function attemptSummariesOf(db: HubDb, venueId: string, sessionId?: string): Promise<AttemptSummaryRow[]> {
  const where: SQL | undefined = sessionId === undefined ? eq(attemptSummaries.venueId, venueId) : and(eq(attemptSummaries.venueId, venueId), eq(attemptSummaries.sessionId, sessionId));
  return db.select().from(attemptSummaries).where(where).orderBy(asc(attemptSummaries.attemptId));
}

/** A venue's summaries computed from its raw events, one row per attempt (aggregates every event). */
const summariesFromEvents = (venueId: string) => sql`
    with closes as (
      select attempt_id, min(at) as closed_at from venue_events where venue_id = ${venueId} and attempt_id is not null and type in ${closing} group by attempt_id
    ),
    devices as (
      select attempt_id, jsonb_object_agg(device_id || '#' || epoch, last_seq) as device_seqs from (
        select attempt_id, device_id, epoch, max(seq) as last_seq from venue_events where venue_id = ${venueId} and attempt_id is not null group by attempt_id, device_id, epoch
      ) d group by attempt_id
    ),
    claims as (
      select attempt_id, min(body->'data'->>'sessionId') as session_id, min(body->'data'->>'candidateId') as candidate_id,
        count(distinct body->'data'->>'candidateId')::int as claimants
      from venue_events where venue_id = ${venueId} and type = 'attempt.started' and attempt_id is not null group by attempt_id
    )
    select e.attempt_id, c.session_id, c.candidate_id, d.device_seqs, count(*)::int as event_count, min(e.at) as first_at, max(e.at) as last_at,
      x.closed_at, (count(*) filter (where e.at > x.closed_at))::int as late_count, coalesce(c.claimants, 0) > 1 as is_conflict
    from venue_events e
    join devices d on d.attempt_id = e.attempt_id
    left join closes x on x.attempt_id = e.attempt_id
    left join claims c on c.attempt_id = e.attempt_id
    where e.venue_id = ${venueId} and e.attempt_id is not null
    group by e.attempt_id, c.session_id, c.candidate_id, c.claimants, d.device_seqs, x.closed_at`;

/** The same summaries derived from a venue's raw events (slow: it aggregates every event). */
export async function recomputeAttemptSummaries(db: HubDb, venueId: string): Promise<AttemptSummaryRow[]> {
  const result = await db.execute(sql`select * from (${summariesFromEvents(venueId)}) s order by s.attempt_id`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
  const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return rows.map((r) => ({
    venueId, attemptId: String(r.attempt_id), sessionId: (r.session_id as string | null) ?? null, candidateId: (r.candidate_id as string | null) ?? null,
    deviceSeqs: (typeof r.device_seqs === 'string' ? JSON.parse(r.device_seqs) : r.device_seqs) as Record<string, number>,
    eventCount: Number(r.event_count), firstAt: Number(r.first_at), lastAt: Number(r.last_at), closedAt: num(r.closed_at), isClosed: r.closed_at !== null && r.closed_at !== undefined,
    lateCount: Number(r.late_count), isConflict: Boolean(r.is_conflict),
  }));
}

/** Rewrites a venue's summaries from its raw events (backfill of events stored before the summary existed). */
export async function rebuildAttemptSummaries(db: HubDb, venueId: string): Promise<void> {
  await db.execute(sql`
    insert into attempt_summaries (venue_id, attempt_id, session_id, candidate_id, device_seqs, event_count, first_at, last_at, closed_at, is_closed, late_count, is_conflict)
    select ${venueId}, attempt_id, session_id, candidate_id, device_seqs, event_count, first_at, last_at, closed_at, closed_at is not null, late_count, is_conflict
    from (${summariesFromEvents(venueId)}) s
    on conflict (venue_id, attempt_id) do update set
      session_id = excluded.session_id, candidate_id = excluded.candidate_id, device_seqs = excluded.device_seqs, event_count = excluded.event_count,
      first_at = excluded.first_at, last_at = excluded.last_at, closed_at = excluded.closed_at, is_closed = excluded.is_closed,
      late_count = excluded.late_count, is_conflict = excluded.is_conflict`);
}
