/**
 * One downlink pass: pull the hub's downward log for this venue (sessions, sealed
 * packages, key releases) page by page from the stored cursor. Each page and the new
 * cursor are applied in one transaction, so a pass cut off anywhere resumes exactly.
 */
import type { VenueStore } from '../db/store';
import type { HubClient } from './hub-client';

export async function runDownlinkPass(store: VenueStore, hub: HubClient, now: () => number, maxPages = 1000): Promise<number> {
  let cursor = store.downlink.get().cursor;
  for (let page = 0; page < maxPages; page++) {
    const received = await hub.downlink(cursor);
    store.downlink.applyPage(received.entries, Math.max(cursor, received.cursor), now());
    cursor = Math.max(cursor, received.cursor);
    if (!received.hasMore || received.entries.length === 0) break;
  }
  return cursor;
}
