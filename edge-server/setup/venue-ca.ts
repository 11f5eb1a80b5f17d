/**
 * The venue's own certificate authority and its HTTPS certificate for the classroom LAN,
 * under `tls/` in the data folder. Service workers and the camera need a secure context;
 * classroom PCs trust the venue CA once (docs/venue-technician.md) and then every server
 * certificate it signs. The CA's key never leaves the data folder (mode 0600). Re-running
 * set-up keeps the CA, and keeps the server certificate while it still names the LAN host
 * and has more than 30 days left.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import { venueTlsPaths, type VenueTlsPaths } from './tls-paths';

const DAY_MS = 24 * 60 * 60_000;
export const CA_VALID_DAYS = 3650;
/** Within what browsers accept for certificates under a locally trusted root. */
export const SERVER_VALID_DAYS = 825;
const RENEW_BEFORE_MS = 30 * DAY_MS;

function writeFileDurably(path: string, contents: string, mode: number): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

/** The subjectAltName entries for the LAN host, plus the venue machine's own loopback names. */
function altNames(lanHost: string) {
  const names = new Set([lanHost, 'localhost', '127.0.0.1']);
  return [...names].map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }));
}

/** Whether the certificate names the host in its subjectAltName (DNS or IP). */
export function namesHost(cert: X509Certificate, host: string): boolean {
  const entries = (cert.subjectAltName ?? '').split(',').map((entry) => entry.trim());
  return entries.includes(isIP(host) ? `IP Address:${host}` : `DNS:${host}`);
}

export interface VenueTlsOutcome {
  paths: VenueTlsPaths;
  isCaCreated: boolean;
  isServerCertIssued: boolean;
  caFingerprint256: string;
  serverValidTo: string;
}

export async function ensureVenueCertificates(dataDir: string, venueId: string, lanHost: string, now = Date.now()): Promise<VenueTlsOutcome> {
  const paths = venueTlsPaths(dataDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  let isCaCreated = false;
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) {
    const ca = await generate([{ name: 'commonName', value: `Exam venue ${venueId} CA` }, { name: 'organizationName', value: 'Exam venue' }], {
      keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now - DAY_MS), notAfterDate: new Date(now + CA_VALID_DAYS * DAY_MS),
      extensions: [{ name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
    });
    writeFileDurably(paths.caKey, ca.private, 0o600);
    writeFileDurably(paths.caCert, ca.cert, 0o644);
    isCaCreated = true;
  }
  chmodSync(paths.caKey, 0o600);
  const caPem = readFileSync(paths.caCert, 'utf8');
  const caCert = new X509Certificate(caPem);
  const current = existsSync(paths.cert) && existsSync(paths.key) ? new X509Certificate(readFileSync(paths.cert)) : undefined;
  const isCurrentGood = current !== undefined && !isCaCreated && current.verify(caCert.publicKey) && namesHost(current, lanHost)
    && Date.parse(current.validTo) - now > RENEW_BEFORE_MS;
  if (!isCurrentGood) {
    const server = await generate([{ name: 'commonName', value: lanHost }, { name: 'organizationName', value: `Exam venue ${venueId}` }], {
      keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now - DAY_MS), notAfterDate: new Date(now + SERVER_VALID_DAYS * DAY_MS),
      ca: { key: readFileSync(paths.caKey, 'utf8'), cert: caPem },
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: altNames(lanHost) },
      ],
    });
    createPrivateKey(server.private); // refuse to write a key Node cannot serve with
    writeFileDurably(paths.key, server.private, 0o600);
    writeFileDurably(paths.cert, server.cert, 0o644);
  }
  chmodSync(paths.key, 0o600);
  const serverCert = new X509Certificate(readFileSync(paths.cert));
  return { paths, isCaCreated, isServerCertIssued: !isCurrentGood, caFingerprint256: caCert.fingerprint256, serverValidTo: serverCert.validTo };
}
