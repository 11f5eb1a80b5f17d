/**
 * The venue's copy of the hub's X25519 transport key, `hub-transport-key.json` in the
 * data folder. Set-up fetches it while the hub is reachable, so that the venue can still
 * seal a transport file for the hub after days without internet.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseTransportPublicKey, transportKeyId } from '../export/transport-file';

export const HUB_TRANSPORT_KEY_FILE = 'hub-transport-key.json';

const StoredTransportKey = z.object({ publicKey: z.string().min(40).max(200), keyId: z.string().regex(/^[0-9a-f]{64}$/), hubUrl: z.string(), fetchedAt: z.number() });
export type StoredTransportKey = z.infer<typeof StoredTransportKey>;

/** Asks the hub for its transport key and checks that the key matches its id. */
export async function fetchHubTransportKey(hubUrl: string, now = Date.now()): Promise<StoredTransportKey> {
  const response = await fetch(`${hubUrl.replace(/\/+$/, '')}/api/hub/transport-key`, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`the hub answered ${response.status} for its transport key`);
  const body = z.object({ publicKey: z.string(), keyId: z.string() }).parse(await response.json());
  parseTransportPublicKey(body.publicKey);
  if (transportKeyId(body.publicKey) !== body.keyId) throw new Error('the hub transport key does not match its id');
  return { publicKey: body.publicKey, keyId: body.keyId, hubUrl, fetchedAt: now };
}

export function saveHubTransportKey(dataDir: string, key: StoredTransportKey): void {
  writeFileSync(join(dataDir, HUB_TRANSPORT_KEY_FILE), `${JSON.stringify(key, null, 2)}\n`);
}

export function loadHubTransportKey(dataDir: string): StoredTransportKey | undefined {
  const path = join(dataDir, HUB_TRANSPORT_KEY_FILE);
  if (!existsSync(path)) return undefined;
  return StoredTransportKey.parse(JSON.parse(readFileSync(path, 'utf8')));
}
