import { describe, expect, it } from 'vitest';
import type { ChainedEvent } from '../../../sync/events';
import { candidateChain, chainBodies } from '../../../sync/testkit';
import { testDatabaseTargets } from '../../testing/databases';
import { enrolTestVenue, useTestHub } from '../../testing/hub';
import { TestVenue } from '../../testing/venue';
import { attemptSummariesOf, rebuildAttemptSummaries, recomputeAttemptSummaries, sessionOverviewOf } from './attempt-summaries';

const after = (chain: readonly ChainedEvent[]) => ({ seq: chain.at(-1)!.seq, hash: chain.at(-1)!.hash });

describe.each(testDatabaseTargets())('attempt summaries on $name', (target) => {
  const hub = useTestHub(target);

  async function send(venue: TestVenue, from: number, count: number): Promise<void> {
    const response = await hub.app.request('/api/uplink/batch', TestVenue.post(venue.batch(from, count)));
    expect(response.status, await response.clone().text()).toBe(200);
  }

  it('equals a recomputation from the raw events after several batches and a resend', async () => {
    const venueId = 'v-sum';
    const venue = new TestVenue(venueId);
    await enrolTestVenue(hub, venue);

    const pc1 = candidateChain({ deviceId: 'pc1', attemptId: 'att-1', answers: 5, seed: 1 });
    const pc2 = candidateChain({ deviceId: 'pc2', attemptId: 'att-2', answers: 3, seed: 2 });
    const closeAt = pc1[2]!.at + 1;
    const close1 = chainBodies([{ type: 'attempt.closed', at: closeAt, attemptId: 'att-1', data: { reason: 'finished' } }], { deviceId: `venue-${venueId}`, epoch: 1 });
    const late1 = chainBodies([{ type: 'answer.set', at: closeAt + 600_000, attemptId: 'att-1', data: { itemId: 'blk-001', value: { optionIds: ['blk-001-a'] } } }], { deviceId: 'pc1', epoch: 1 }, after(pc1));
    const rival = chainBodies(
      [{ type: 'attempt.started', at: pc2[0]!.at, attemptId: 'att-2', data: { sessionId: 'ses-astana-2026-11-25', candidateId: 'cand-0002', seatId: 'A-08', language: 'ru' } }],
      { deviceId: 'pc3', epoch: 1 },
    );
    const close2 = chainBodies([{ type: 'attempt.finished', at: pc2.at(-1)!.at + 1, attemptId: 'att-2', data: { reason: 'candidate' } }], { deviceId: 'pc2', epoch: 1 }, after(pc2));

    venue.append([...pc1.slice(0, 3), ...pc2.slice(0, 2)]); // batch 1: 5 events
    venue.append([...pc1.slice(3), ...pc2.slice(2), ...close1]); // batch 2: 3 + 2 + 1 (late pc1 events stored before the close)
    venue.append([...late1, ...rival, ...close2]); // batch 3: 3
    await send(venue, 1, 5);
    await send(venue, 6, 6);
    await send(venue, 12, 3);

    const summaries = await attemptSummariesOf(hub.database.db, venueId);
    expect(summaries).toEqual(await recomputeAttemptSummaries(hub.database.db, venueId));
    const [att1, att2] = summaries;
    expect(att1).toMatchObject({
      attemptId: 'att-1', sessionId: 'ses-astana-2026-11-25', candidateId: 'cand-0001', eventCount: 8, isClosed: true, closedAt: closeAt,
      lateCount: 4, isConflict: false, deviceSeqs: { 'pc1#1': 7, [`venue-${venueId}#1`]: 1 }, firstAt: pc1[0]!.at, lastAt: closeAt + 600_000,
    });
    expect(att2).toMatchObject({ attemptId: 'att-2', eventCount: 6, isClosed: true, lateCount: 0, isConflict: true, deviceSeqs: { 'pc2#1': 5, 'pc3#1': 1 } });

    // A resend of what the hub already holds changes nothing.
    await send(venue, 6, 6);
    expect(await attemptSummariesOf(hub.database.db, venueId)).toEqual(summaries);
    expect(await attemptSummariesOf(hub.database.db, venueId, 'ses-astana-2026-11-25')).toHaveLength(2);
    expect(await attemptSummariesOf(hub.database.db, venueId, 'other-session')).toEqual([]);
    expect(await sessionOverviewOf(hub.database.db, venueId)).toEqual([
      { sessionId: 'ses-astana-2026-11-25', attempts: 2, closed: 2, withLateEvents: 1, conflicts: 1, events: 14, lastAt: closeAt + 600_000 },
    ]);
    // A rebuild from the raw events (the backfill) writes the same rows.
    await rebuildAttemptSummaries(hub.database.db, venueId);
    expect(await attemptSummariesOf(hub.database.db, venueId)).toEqual(summaries);
  }, 60_000);
});
