/**
 * The hub's X25519 transport key: venues encrypt their transport files (log exports
 * carried by hand) to its public half, which they fetch at set-up from
 * `GET /api/hub/transport-key`. The private half is a PKCS#8 PEM file with mode 0600 in
 * the hub's data folder (HUB_TRANSPORT_KEY_FILE overrides the path), created on first
 * use. Every hub process that imports files must share this file; losing it makes files
 * already sealed to it unreadable (the venue then exports again to the new key).
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { newTransportKeyPair, spkiBase64, transportKeyId } from '../../edge-server/export/transport-file';

export const TRANSPORT_KEY_FILE = 'transport-x25519.pem';

/** Where the key lives: HUB_TRANSPORT_KEY_FILE, else the hub's data folder. */
export function defaultTransportKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HUB_TRANSPORT_KEY_FILE ?? resolve(env.HUB_DATA_DIR ?? 'data/hub', TRANSPORT_KEY_FILE));
}

export class HubTransportKey {
  #pem: string | undefined;

  constructor(readonly path: string = defaultTransportKeyPath()) {}

  /** The private key (PKCS#8 PEM), created on first use. */
  privateKeyPem(): string {
    if (this.#pem) return this.#pem;
    if (!existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.tmp`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, newTransportKeyPair().privateKeyPem);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    }
    chmodSync(this.path, 0o600);
    this.#pem = readFileSync(this.path, 'utf8');
    return this.#pem;
  }

  /** The public key as venues receive it: SPKI DER base64, and its id (SHA-256 hex). */
  published(): { algorithm: 'X25519'; publicKey: string; keyId: string } {
    const publicKey = spkiBase64(createPrivateKey(this.privateKeyPem()));
    return { algorithm: 'X25519', publicKey, keyId: transportKeyId(publicKey) };
  }
}
