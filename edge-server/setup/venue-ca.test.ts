import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../test-support';
import { ensureVenueCertificates, namesHost } from './venue-ca';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'exam-venue-ca-'));
  dirs.push(dir);
  return dir;
};
const cert = (path: string) => new X509Certificate(readFileSync(path));

describe('venue CA and LAN certificate', () => {
  it('issues a server certificate that chains to the venue CA and names the LAN host', async () => {
    const dir = dataDir();
    const outcome = await ensureVenueCertificates(dir, 'astana-01', '192.168.10.5');
    expect(outcome.isCaCreated).toBe(true);
    const ca = cert(outcome.paths.caCert);
    const server = cert(outcome.paths.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.subjectAltName).toContain('IP Address:192.168.10.5');
    expect(server.checkIP('192.168.10.5')).toBe('192.168.10.5');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9.9 * 365 * 24 * 3600_000);
    expect(statSync(outcome.paths.caKey).mode & 0o777).toBe(0o600);
    expect(statSync(outcome.paths.key).mode & 0o777).toBe(0o600);
    // A certificate from another CA does not verify against this one.
    const stranger = await ensureVenueCertificates(dataDir(), 'other', '192.168.10.5');
    expect(cert(stranger.paths.cert).verify(ca.publicKey)).toBe(false);
  });

  it('keeps the CA and certificate on a re-run, and reissues only for a new LAN host', async () => {
    const dir = dataDir();
    const first = await ensureVenueCertificates(dir, 'astana-02', 'venue-astana.lan');
    const firstPem = readFileSync(first.paths.cert, 'utf8');
    const again = await ensureVenueCertificates(dir, 'astana-02', 'venue-astana.lan');
    expect(again).toMatchObject({ isCaCreated: false, isServerCertIssued: false, caFingerprint256: first.caFingerprint256 });
    expect(readFileSync(again.paths.cert, 'utf8')).toBe(firstPem);
    expect(namesHost(cert(again.paths.cert), 'venue-astana.lan')).toBe(true);

    const moved = await ensureVenueCertificates(dir, 'astana-02', '10.0.0.7');
    expect(moved).toMatchObject({ isCaCreated: false, isServerCertIssued: true, caFingerprint256: first.caFingerprint256 });
    const server = cert(moved.paths.cert);
    expect(namesHost(server, '10.0.0.7')).toBe(true);
    expect(namesHost(server, 'venue-astana.lan')).toBe(false);
    expect(server.verify(cert(moved.paths.caCert).publicKey)).toBe(true);
  });

  it('renews a certificate close to expiry', async () => {
    const dir = dataDir();
    const issuedAt = Date.now() - 800 * 24 * 3600_000;
    await ensureVenueCertificates(dir, 'astana-03', 'venue.lan', issuedAt);
    const renewed = await ensureVenueCertificates(dir, 'astana-03', 'venue.lan');
    expect(renewed.isServerCertIssued).toBe(true);
    expect(Date.parse(renewed.serverValidTo)).toBeGreaterThan(Date.now() + 800 * 24 * 3600_000);
  });
});
