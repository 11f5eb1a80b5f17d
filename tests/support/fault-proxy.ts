/**
 * A TCP proxy on 127.0.0.1 that stands for the venue's unstable internet link.
 * In `faulty` mode it follows a seeded schedule: on each chunk it forwards it may
 * reset the connection (an RST, mid-request or mid-response), stall it (stop
 * forwarding both ways for a while, then carry on) or pass it. `down` refuses new
 * connections and cuts open ones; `pass` forwards everything and only counts bytes,
 * which is also how the sync benchmark measures bytes on the wire.
 */
import { createServer, Socket, type Server } from 'node:net';

export type FaultMode = 'pass' | 'faulty' | 'down';

export interface FaultProxyOptions {
  targetPort: number;
  targetHost?: string;
  /** Seed of the fault schedule. */
  seed: number;
  /** Port to listen on (0 or absent: any free port). */
  port?: number;
  mode?: FaultMode;
  /** Chance per forwarded chunk that the connection is reset (faulty mode). */
  resetChance?: number;
  /** Chance per forwarded chunk that the connection stalls (faulty mode). */
  stallChance?: number;
  /** Range of a stall, in ms. */
  stallMs?: readonly [number, number];
}

export interface FaultCounters {
  connections: number;
  /** Connections closed by either end without a fault. */
  passed: number;
  /** Connections cut with an RST by the schedule, or because the mode went `down`. */
  reset: number;
  /** Stalls inflicted. */
  stalled: number;
  /** Connections refused while `down`. */
  refused: number;
  /** Bytes forwarded client → target and target → client. */
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  port: number;
  url: string;
  readonly mode: FaultMode;
  readonly counters: Readonly<FaultCounters>;
  setMode(mode: FaultMode): void;
  /** Makes the next forwarded chunk (of any connection) suffer this fault, whatever the schedule says. */
  forceNext(fault: 'reset' | 'stall'): void;
  /** Zeroes the counters (e.g. between benchmark phases). */
  resetCounters(): void;
  close(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cut(socket: Socket, isReset: boolean): void {
  if (socket.destroyed) return;
  if (!isReset) {
    socket.destroy();
    return;
  }
  // An RST, as a dropped link or a middlebox would send, rather than a polite FIN.
  try {
    if (typeof socket.resetAndDestroy === 'function' && socket.readyState !== 'opening') socket.resetAndDestroy();
    else socket.destroy();
  } catch {
    socket.destroy();
  }
}

/** Starts a proxy in front of `targetHost:targetPort`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const targetHost = options.targetHost ?? '127.0.0.1';
  const resetChance = options.resetChance ?? 0.02;
  const stallChance = options.stallChance ?? 0.02;
  const [stallMin, stallMax] = options.stallMs ?? [200, 3000];
  let mode: FaultMode = options.mode ?? 'pass';
  const counters: FaultCounters = { connections: 0, passed: 0, reset: 0, stalled: 0, refused: 0, bytesUp: 0, bytesDown: 0 };
  const open = new Set<{ client: Socket; upstream: Socket; timer?: NodeJS.Timeout }>();
  const forced: Array<'reset' | 'stall'> = [];

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (mode === 'down') {
      counters.refused++;
      cut(client, true);
      return;
    }
    counters.connections++;
    const upstream = new Socket({ allowHalfOpen: true });
    const pair: { client: Socket; upstream: Socket; timer?: NodeJS.Timeout; isFaulted?: boolean } = { client, upstream };
    open.add(pair);
    let isStalled = false;
    // Chunks (or, as null, a half-close) that arrived during a stall, in order.
    const held: { to: Socket; chunk: Buffer | null; isUp: boolean }[] = [];

    const finish = () => {
      if (!open.has(pair)) return;
      open.delete(pair);
      if (pair.timer) clearTimeout(pair.timer);
      if (!pair.isFaulted) counters.passed++;
      cut(client, Boolean(pair.isFaulted));
      cut(upstream, Boolean(pair.isFaulted));
    };
    const fault = () => {
      pair.isFaulted = true;
      counters.reset++;
      finish();
    };
    const deliver = (to: Socket, chunk: Buffer, isUp: boolean) => {
      if (isUp) counters.bytesUp += chunk.length;
      else counters.bytesDown += chunk.length;
      to.write(chunk);
    };
    const forward = (to: Socket, isUp: boolean) => (chunk: Buffer) => {
      if (isStalled) {
        held.push({ to, chunk, isUp });
        return;
      }
      const forcedFault = forced.shift();
      if (mode === 'faulty' || forcedFault) {
        const roll = forcedFault ? Number.NaN : random();
        if (forcedFault === 'reset' || roll < resetChance) {
          // Part of the chunk gets through before the cut: the receiver sees a torn request or response.
          const torn = Math.floor(random() * chunk.length);
          if (torn > 0) deliver(to, chunk.subarray(0, torn), isUp);
          fault();
          return;
        }
        if (forcedFault === 'stall' || roll < resetChance + stallChance) {
          counters.stalled++;
          isStalled = true;
          held.push({ to, chunk, isUp });
          client.pause();
          upstream.pause();
          pair.timer = setTimeout(() => {
            isStalled = false;
            pair.timer = undefined;
            for (const item of held.splice(0)) {
              if (item.to.destroyed) continue;
              if (item.chunk) deliver(item.to, item.chunk, item.isUp);
              else item.to.end();
            }
            if (!client.destroyed) client.resume();
            if (!upstream.destroyed) upstream.resume();
          }, stallMin + Math.floor(random() * (stallMax - stallMin)));
          return;
        }
      }
      deliver(to, chunk, isUp);
    };

    client.on('data', forward(upstream, true));
    upstream.on('data', forward(client, false));
    client.on('error', finish);
    upstream.on('error', finish);
    client.on('close', finish);
    upstream.on('close', finish);
    // Half-closes are passed on so that HTTP framing is not disturbed in pass mode.
    client.on('end', () => (isStalled ? held.push({ to: upstream, chunk: null, isUp: true }) : upstream.end()));
    upstream.on('end', () => (isStalled ? held.push({ to: client, chunk: null, isUp: false }) : client.end()));
    upstream.connect(options.targetPort, targetHost);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get mode() { return mode; },
    get counters() { return counters; },
    setMode(next) {
      mode = next;
      if (next === 'down') {
        for (const pair of [...open]) {
          (pair as { isFaulted?: boolean }).isFaulted = true;
          counters.reset++;
          open.delete(pair);
          if (pair.timer) clearTimeout(pair.timer);
          cut(pair.client, true);
          cut(pair.upstream, true);
        }
      }
    },
    forceNext(fault) {
      forced.push(fault);
    },
    resetCounters() {
      Object.assign(counters, { connections: 0, passed: 0, reset: 0, stalled: 0, refused: 0, bytesUp: 0, bytesDown: 0 });
    },
    async close() {
      for (const pair of [...open]) {
        open.delete(pair);
        if (pair.timer) clearTimeout(pair.timer);
        cut(pair.client, false);
        cut(pair.upstream, false);
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
