/** Where set-up writes the venue CA and LAN certificate, and where the server finds them with VENUE_HTTPS=1. */
import { join } from 'node:path';

export interface VenueTlsPaths {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

export function venueTlsPaths(dataDir: string): VenueTlsPaths {
  const dir = join(dataDir, 'tls');
  return { dir, caCert: join(dir, 'venue-ca.crt'), caKey: join(dir, 'venue-ca.key'), cert: join(dir, 'venue-server.crt'), key: join(dir, 'venue-server.key') };
}
