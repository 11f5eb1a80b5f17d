/**
 * Device → venue sync. `POST /api/device/events` takes one push of a device chain and
 * answers with the receipt only after it has committed (group-committed with the other
 * pushes of the same moment, see services/device-ingest.ts); `GET /api/device/cursor` is what
 * a device asks after any reconnect (the receiver owns the cursor).
 *
 * A push is either JSON (`DevicePush`) or, to save bandwidth, the compact codec of
 * sync/codec.ts (`encodeDeviceBatch`) as `Content-Type: application/vnd.exam.device-batch`,
 * optionally with `Content-Encoding: deflate` or `gzip` (what a browser's
 * CompressionStream produces). Both end in the same ingest and the same receipt.
 */
import { Hono } from 'hono';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { decodeDeviceBatch } from '../../sync/codec';
import { DeviceCursorQuery, DevicePush } from '../../sync/messages';
import { SyncRefusal } from '../../sync/refusals';
import type { VenueEnv } from '../context';
import { validate } from '../validate';

export const DEVICE_BATCH_TYPE = 'application/vnd.exam.device-batch';
/** Inflated size cap: a compressed body may not expand past this (compression bombs). */
export const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
/** As many events as a JSON push may hold (DevicePush). */
const MAX_EVENTS = 2000;

const inflaters: Record<string, (buffer: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>> = {
  deflate: promisify(inflate),
  gzip: promisify(gunzip),
};

/** The batch bytes of a codec push, decompressed as its Content-Encoding says. */
async function batchBytes(raw: ArrayBuffer, encoding: string | undefined): Promise<Uint8Array> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity') return new Uint8Array(raw);
  const inflater = inflaters[name];
  if (!inflater) throw new SyncRefusal('malformed', `unsupported Content-Encoding ${name}; use deflate or gzip`);
  try {
    return await inflater(Buffer.from(raw), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new SyncRefusal('too-large', `the batch inflates past ${MAX_INFLATED_BYTES} bytes`);
    throw new SyncRefusal('malformed', `the body is not ${name} data`);
  }
}

export const deviceRoutes = new Hono<VenueEnv>()
  .post(
    '/events',
    async (c, next) => {
      if (c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() !== DEVICE_BATCH_TYPE) return next();
      // The codec validates every event against the event schemas and rebuilds the chain it states.
      const events = decodeDeviceBatch(await batchBytes(await c.req.arrayBuffer(), c.req.header('content-encoding')));
      if (events.length > MAX_EVENTS) throw new SyncRefusal('malformed', `a push holds at most ${MAX_EVENTS} events`);
      const { deviceId, epoch } = events[0]!;
      return c.json({ receipt: await c.var.deps.ingest.submitFromDevice({ deviceId, epoch, events }) });
    },
    validate('json', DevicePush),
    async (c) => {
      const receipt = await c.var.deps.ingest.submitFromDevice(c.req.valid('json'));
      return c.json({ receipt });
    },
  )
  .get('/cursor', validate('query', DeviceCursorQuery), (c) => {
    const { deviceId, epoch } = c.req.valid('query');
    return c.json(c.var.deps.ingest.cursor(deviceId, epoch));
  });
