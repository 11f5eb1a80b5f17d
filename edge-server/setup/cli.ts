/**
 * `npm run venue:setup -- --hub URL --token TOKEN --venue-id ID [--lan-host HOST] [--seats seats.csv]
 *  [--name NAME] [--data DIR]`: sets up a venue server (see venue-setup.ts). Run it again at
 * any time: it changes only what differs.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runVenueSetup, SetupError } from './venue-setup';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hub: { type: 'string' }, token: { type: 'string' }, 'venue-id': { type: 'string' }, 'lan-host': { type: 'string' },
      seats: { type: 'string' }, name: { type: 'string' }, data: { type: 'string' },
    },
    strict: true,
  });
  const hubUrl = values.hub ?? process.env.HUB_URL;
  const venueId = values['venue-id'] ?? process.env.VENUE_ID;
  if (!hubUrl || !venueId) throw new Error('Give at least --hub URL and --venue-id ID (and --token TOKEN the first time).');
  const dataDir = resolve(values.data ?? process.env.VENUE_DATA_DIR ?? 'data/venue-demo');
  const lanHost = values['lan-host'] ?? hostname();
  const outcome = await runVenueSetup({
    dataDir, hubUrl, venueId, lanHost, token: values.token ?? process.env.VENUE_ENROL_TOKEN, venueName: values.name,
    seatsCsv: values.seats ? readFileSync(resolve(values.seats), 'utf8') : undefined,
    log: (line) => console.log(line),
  });
  console.log(`\nVenue ${outcome.venueId} is set up in ${dataDir}.`);
  console.log(`  Install on every classroom PC: ${outcome.tls.paths.caCert}`);
  console.log(`  Start the server with HTTPS:   VENUE_HTTPS=1 HOST=0.0.0.0 VENUE_ID=${outcome.venueId} VENUE_DATA_DIR=${dataDir} HUB_URL=${hubUrl} npx tsx edge-server/main.ts`);
  console.log(`  Classroom PCs then open:       https://${lanHost}:4100/`);
}

main().catch((error: unknown) => {
  console.error(error instanceof SetupError || error instanceof Error ? `set-up failed: ${error.message}` : String(error));
  process.exit(1);
});
