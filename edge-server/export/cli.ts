/**
 * `npm run venue:export -- --out FILE [--data DIR]`: writes the venue's whole log as an
 * encrypted, signed transport file for the hub (see transport-file.ts). Safe while the
 * venue server runs: it only reads the log.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openVenueStore } from '../db/store';
import { loadVenueIdentity } from '../identity';
import { fetchHubTransportKey, loadHubTransportKey, saveHubTransportKey } from '../setup/hub-transport-key';
import { exportVenueLog } from './venue-export';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, data: { type: 'string' } }, strict: true });
  if (!values.out) throw new Error('Give the file to write: --out FILE');
  const dataDir = resolve(values.data ?? process.env.VENUE_DATA_DIR ?? 'data/venue-demo');
  const store = openVenueStore(dataDir);
  try {
    const config = store.config.get();
    if (!config) throw new Error(`${dataDir} holds no venue; run \`npm run venue:setup\` first`);
    const identity = loadVenueIdentity(dataDir, store, { venueId: config.venueId, hubUrl: null });
    let hubKey = loadHubTransportKey(dataDir);
    if (!hubKey && config.hubUrl) {
      hubKey = await fetchHubTransportKey(config.hubUrl);
      saveHubTransportKey(dataDir, hubKey);
    }
    if (!hubKey) throw new Error('The venue has no copy of the hub transport key; run set-up once while the hub is reachable.');
    const { file, head, chunks } = exportVenueLog({ store, identity, hubPublicKey: hubKey.publicKey });
    const out = resolve(values.out);
    const fd = openSync(`${out}.tmp`, 'w', 0o600);
    try {
      writeSync(fd, file);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(`${out}.tmp`, out);
    const digest = createHash('sha256').update(file).digest('hex');
    console.log(`venue ${identity.venueId}: ${head.size} events in ${chunks} chunks, root ${head.root}`);
    console.log(`wrote ${out} (${file.length} bytes, sha256 ${digest}); take it to the hub's admin to import`);
  } finally {
    store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
