/**
 * Read-only queries over the evidence the hub holds (venue_events, device_heads,
 * venue_heads, alarms), for reconciliation and the venue dashboard. Nothing here writes:
 * the evidence is only ever inserted by the uplink ingest.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { ChainedEvent } from '../../../sync/events';
import type { HubDb } from '../client';
import { alarms, deviceHeads, venueEvents, venueHeads, venues } from '../schema';

/** A stored event with where it sits in the venue's log and when the hub received it. */
export interface StoredEvent {
  event: ChainedEvent;
  venueSeq: number;
  receivedAt: number;
}

const toStored = (row: { body: unknown; prevHash: string; hash: string; venueSeq: number; receivedAt: number }): StoredEvent => ({
  event: { ...(row.body as object), prevHash: row.prevHash, hash: row.hash } as ChainedEvent,
  venueSeq: row.venueSeq,
  receivedAt: row.receivedAt,
});

const eventColumns = { body: venueEvents.body, prevHash: venueEvents.prevHash, hash: venueEvents.hash, venueSeq: venueEvents.venueSeq, receivedAt: venueEvents.receivedAt };

/** Every event of the given attempts, plus the venue's appeal acknowledgements, in venue-log order. */
export async function eventsOfAttempts(db: HubDb, venueId: string, attemptIds: readonly string[]): Promise<StoredEvent[]> {
  if (attemptIds.length === 0) return [];
  const rows = await db
    .select(eventColumns)
    .from(venueEvents)
    .where(and(eq(venueEvents.venueId, venueId), sql`(${inArray(venueEvents.attemptId, [...attemptIds])} or ${venueEvents.type} in ('proctor.appeal-acknowledged', 'proctor.room-closed'))`))
    .orderBy(asc(venueEvents.venueSeq));
  return rows.map(toStored);
}

/** A venue's check-in events (they name a candidate, not an attempt). */
export async function checkInsOfVenue(db: HubDb, venueId: string): Promise<StoredEvent[]> {
  const rows = await db.select(eventColumns).from(venueEvents).where(and(eq(venueEvents.venueId, venueId), eq(venueEvents.type, 'proctor.check-in'))).orderBy(asc(venueEvents.venueSeq));
  return rows.map(toStored);
}

/** A device chain's events from seq 1 up to `toSeq`, in seq order (to verify the chain). */
export async function chainEvents(db: HubDb, deviceId: string, epoch: number, toSeq: number): Promise<ChainedEvent[]> {
  const rows = await db
    .select(eventColumns)
    .from(venueEvents)
    .where(and(eq(venueEvents.deviceId, deviceId), eq(venueEvents.epoch, epoch), lte(venueEvents.seq, toSeq)))
    .orderBy(asc(venueEvents.seq));
  return rows.map((row) => toStored(row).event);
}

/** The hub's cursor per device chain of a venue. */
export async function deviceHeadsOfVenue(db: HubDb, venueId: string): Promise<Array<{ deviceId: string; epoch: number; ackedSeq: number }>> {
  return db.select({ deviceId: deviceHeads.deviceId, epoch: deviceHeads.epoch, ackedSeq: deviceHeads.ackedSeq }).from(deviceHeads).where(eq(deviceHeads.venueId, venueId)).orderBy(asc(deviceHeads.deviceId));
}

/** Alarms of a venue that concern event chains (conflicts, broken chains). */
export async function chainAlarmsOfVenue(db: HubDb, venueId: string) {
  return db.select().from(alarms).where(and(eq(alarms.venueId, venueId), inArray(alarms.kind, ['conflict', 'bad-chain']))).orderBy(asc(alarms.alarmId));
}

/** One row per venue for the dashboard: last heard, head, Merkle match and event counts. */
export async function venueDashboardRows(db: HubDb) {
  return db
    .select({
      venueId: venues.venueId,
      name: venues.name,
      lastSeenAt: venues.lastSeenAt,
      ackedVenueSeq: venueHeads.ackedVenueSeq,
      root: venueHeads.root,
      signedHead: venueHeads.signedHead,
      isHeadMatched: venueHeads.isHeadMatched,
      headUpdatedAt: venueHeads.updatedAt,
    })
    .from(venues)
    .leftJoin(venueHeads, eq(venueHeads.venueId, venues.venueId))
    .orderBy(asc(venues.venueId));
}

/** Events per device chain of a venue (completeness per device). */
export async function eventCountsByDevice(db: HubDb, venueId: string): Promise<Array<{ deviceId: string; epoch: number; count: number; maxSeq: number; lastAt: number }>> {
  return db
    .select({ deviceId: venueEvents.deviceId, epoch: venueEvents.epoch, count: sql<number>`count(*)::int`, maxSeq: sql<number>`max(${venueEvents.seq})::int`, lastAt: sql<number>`max(${venueEvents.at})::bigint` })
    .from(venueEvents)
    .where(eq(venueEvents.venueId, venueId))
    .groupBy(venueEvents.deviceId, venueEvents.epoch)
    .orderBy(asc(venueEvents.deviceId))
    .then((rows) => rows.map((row) => ({ ...row, lastAt: Number(row.lastAt) })));
}
