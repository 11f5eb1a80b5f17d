/** The ingest hook the proctor side relies on: it runs inside the push's transaction, all or nothing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainBodies } from '../../sync/testkit';
import { openTestVenue, removeDir, type TestVenue } from '../test-support';

let venue: TestVenue;
beforeEach(() => {
  venue = openTestVenue();
});
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

const incident = (text: string) => ({ type: 'proctor.incident' as const, at: 1_000, data: { incidentId: 'inc-1', roomId: 'room-1', category: 'other' as const, text } });

describe('DeviceIngest.onIngested', () => {
  it('appends the hook\'s own chain segment in the same commit as the device\'s events', () => {
    const own = chainBodies([incident('venue note')], { deviceId: 'venue-x', epoch: 1 });
    venue.ingest.onIngested((appended, context) => {
      if (appended.length > 0 && context.deviceId === 'tab-1') context.appendChain(own);
    });
    venue.ingest.push({ deviceId: 'tab-1', epoch: 1, events: chainBodies([incident('tablet note')], { deviceId: 'tab-1', epoch: 1 }) });
    expect(venue.store.log.lastVenueSeq()).toBe(2);
    expect(venue.ingest.cursor('venue-x', 1).ackedSeq).toBe(1);
    expect(venue.ingest.head().size).toBe(2);
  });

  it('undoes the whole push when the hook throws, or offers a segment that does not continue its chain', () => {
    const broken = chainBodies([incident('a'), incident('b')], { deviceId: 'venue-x', epoch: 1 }).slice(1);
    venue.ingest.onIngested((_appended, context) => {
      if (context.deviceId === 'tab-1') context.appendChain(broken);
      if (context.deviceId === 'tab-2') throw new Error('refused by the hook');
    });
    for (const deviceId of ['tab-1', 'tab-2']) {
      expect(() => venue.ingest.push({ deviceId, epoch: 1, events: chainBodies([incident('x')], { deviceId, epoch: 1 }) })).toThrow();
      expect(venue.ingest.cursor(deviceId, 1).ackedSeq).toBe(0);
    }
    expect(venue.store.log.lastVenueSeq()).toBe(0);
    expect(venue.ingest.head().size).toBe(0);
  });
});
