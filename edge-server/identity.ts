/**
 * The venue's Ed25519 identity. The private key is a PKCS#8 PEM file in the data folder
 * with mode 0600 (never in the database, never logged); the public key, in the SPKI DER
 * base64 form the hub enrols, sits in the venue_config row. Every uplink batch, cursor
 * query and signed head is signed with it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { VenueStore } from './db/store';

export const PRIVATE_KEY_FILE = 'venue-ed25519.pem';

export interface VenueIdentity {
  venueId: string;
  /** SPKI DER, base64. */
  publicKey: string;
  /** Ed25519 signature of the UTF-8 text, base64. */
  sign(text: string): string;
}

function writeSecretFile(path: string, contents: string): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

function spkiBase64(key: KeyObject): string {
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
}

/**
 * Loads the venue's key pair from `dataDir`, creating it (and the config row) on first
 * start. A data folder belongs to one venue: starting it under another id is refused.
 */
export function loadVenueIdentity(dataDir: string, store: VenueStore, settings: { venueId: string; hubUrl: string | null }, now = Date.now()): VenueIdentity {
  const keyPath = join(dataDir, PRIVATE_KEY_FILE);
  let config = store.config.get();
  if (config && !existsSync(keyPath)) {
    throw new Error(`The venue's private key ${keyPath} is missing; the hub knows this venue by that key. Restore it from backup.`);
  }
  if (!existsSync(keyPath)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeSecretFile(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }
  chmodSync(keyPath, 0o600);
  const privateKey = createPrivateKey(readFileSync(keyPath));
  const publicKey = spkiBase64(privateKey);
  if (!config) {
    store.config.create({ venueId: settings.venueId, publicKey, hubUrl: settings.hubUrl }, now);
    config = store.config.get()!;
  }
  if (config.venueId !== settings.venueId) {
    throw new Error(`The data folder belongs to venue "${config.venueId}", not "${settings.venueId}".`);
  }
  if (config.publicKey !== publicKey) throw new Error(`The key in ${keyPath} is not the venue's enrolled key.`);
  if (settings.hubUrl && settings.hubUrl !== config.hubUrl) store.config.setHubUrl(settings.hubUrl);
  return {
    venueId: config.venueId,
    publicKey,
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
  };
}
