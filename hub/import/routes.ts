/**
 * Venue transport files: `GET /hub/transport-key` publishes the key venues encrypt their
 * files to (fetched at venue set-up); `POST /import/venue-file` takes a file (the raw
 * bytes as the body) from a signed-in admin and imports it with the uplink's checks.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import type { HubServices } from '../app';
import { ApiError } from '../errors';
import { STAFF_COOKIE } from '../routes/staff';
import { TransportImportService } from './transport-import';
import { HubTransportKey } from './transport-key';

/** A whole venue day with evidence thumbnails fits well within this. */
export const MAX_TRANSPORT_FILE_BYTES = 1024 * 1024 * 1024;

export function importRoutes(services: Pick<HubServices, 'ctx' | 'staff'>, transportKey = new HubTransportKey()) {
  const importer = new TransportImportService(services.ctx, transportKey);
  return new Hono()
    .get('/hub/transport-key', (c) => c.json(transportKey.published()))
    .post(
      '/import/venue-file',
      bodyLimit({
        maxSize: MAX_TRANSPORT_FILE_BYTES,
        onError: () => {
          throw new ApiError(413, 'too-large', `a transport file may be at most ${MAX_TRANSPORT_FILE_BYTES} bytes`);
        },
      }),
      async (c) => {
        const account = await services.staff.accountOf(getCookie(c, STAFF_COOKIE));
        if (!account) throw new ApiError(401, 'not-signed-in', 'sign in first');
        if (account.role !== 'admin') throw new ApiError(403, 'forbidden', 'importing a venue file needs the admin role');
        const file = new Uint8Array(await c.req.arrayBuffer());
        return c.json(await importer.importFile(file, account.username));
      },
    );
}
