/**
 * Alarm rows (see schema/alarms.ts): written in a transaction of their own, so that
 * a refused batch, whose own transaction rolled back, still leaves its trace.
 */
import { desc, eq } from 'drizzle-orm';
import type { HubDb } from './client';
import { alarms } from './schema';

/** What raised an alarm. */
export type AlarmKind = 'conflict' | 'forged-batch' | 'replayed-batch' | 'head-mismatch' | 'bad-chain' | 'forged-query';

export interface AlarmRow {
  alarmId: number;
  venueId: string | null;
  kind: string;
  detail: Record<string, unknown>;
  raisedAt: number;
}

/** Writes one alarm. */
export async function raiseAlarm(db: HubDb, alarm: { venueId: string | null; kind: AlarmKind; detail: Record<string, unknown> }, now: number): Promise<void> {
  await db.insert(alarms).values({ venueId: alarm.venueId, kind: alarm.kind, detail: alarm.detail, raisedAt: now });
}

/** Alarms, newest first; of one venue when given. */
export async function listAlarms(db: HubDb, venueId?: string, limit = 200): Promise<AlarmRow[]> {
  const query = db.select().from(alarms);
  return (venueId ? query.where(eq(alarms.venueId, venueId)) : query).orderBy(desc(alarms.alarmId)).limit(limit);
}
