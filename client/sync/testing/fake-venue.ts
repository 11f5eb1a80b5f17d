/**
 * A venue at the network's edge for the device's outbox and writer tests: holds the
 * device chain `pc-07` of epoch EPOCH gapless, answers with receipts and refuses like the
 * real route (413, gap, conflict, bad-chain). The venue's real route has its own tests
 * (edge-server/routes/device.test.ts).
 */
import { verifyChain } from '../../../sync/chain';
import type { ChainedEvent } from '../../../sync/events';

export const EPOCH = 1_700_000_000_000;

/**
 * The venue at the network's edge: holds each device chain gapless, answers with
 * receipts, and refuses like the real route (413, gap, conflict, bad-chain).
 */
export class FakeVenue {
  held: ChainedEvent[] = [];
  isReachable = true;
  /** Requests still to fail as if the network were down, before `isReachable` is looked at. */
  dropNext = 0;
  maxEventsPerPush = Infinity;
  failWith500 = 0;
  pushSizes: number[] = [];
  paths: string[] = [];

  private receipt() {
    const last = this.held.at(-1);
    return { deviceId: 'pc-07', epoch: EPOCH, ackedSeq: this.held.length, ackedHash: last?.hash ?? '0'.repeat(64) };
  }

  private json(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://venue.test');
    this.paths.push(url.pathname);
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      throw new TypeError('fetch failed');
    }
    if (!this.isReachable) throw new TypeError('fetch failed');
    if (this.failWith500 > 0) {
      this.failWith500 -= 1;
      return this.json(500, { code: 'internal', message: 'boom' });
    }
    if (url.pathname === '/api/device/cursor') return this.json(200, { receipt: this.receipt() });
    const { events } = JSON.parse(String(init?.body)) as { events: ChainedEvent[] };
    this.pushSizes.push(events.length);
    if (events.length > this.maxEventsPerPush) return this.json(413, { code: 'too-large', reason: 'too-large', message: 'batch too large' });
    if (events[0]!.seq > this.held.length + 1) return this.json(409, { code: 'gap', reason: 'gap', message: 'gap', ackedSeq: this.held.length });
    for (const event of events) {
      const mine = this.held[event.seq - 1];
      if (mine) {
        if (mine.hash !== event.hash) return this.json(409, { code: 'conflict', reason: 'conflict', message: 'different hash' });
        continue;
      }
      const last = this.held.at(-1);
      if (verifyChain([event], { seq: this.held.length, hash: last?.hash ?? '0'.repeat(64) })) {
        return this.json(422, { code: 'bad-chain', reason: 'bad-chain', message: 'bad chain' });
      }
      this.held.push(event);
    }
    return this.json(200, { receipt: this.receipt() });
  };
}

