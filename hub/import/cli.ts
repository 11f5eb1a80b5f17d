/**
 * `npm run hub:import -- FILE [--hub URL] [--user NAME]`: imports a venue transport file into
 * a running hub as an admin (the password from HUB_ADMIN_PASSWORD). It goes through the
 * hub's own route, so the hub checks it exactly as `POST /api/import/venue-file` does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { hub: { type: 'string' }, user: { type: 'string' } }, allowPositionals: true, strict: true });
  const file = positionals[0];
  if (!file) throw new Error('Give the transport file: npm run hub:import -- FILE');
  const hub = (values.hub ?? process.env.HUB_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const username = values.user ?? process.env.HUB_ADMIN_USER ?? 'admin';
  const password = process.env.HUB_ADMIN_PASSWORD;
  if (!password) throw new Error('Set HUB_ADMIN_PASSWORD to the admin\'s password (it is never taken on the command line).');
  const login = await fetch(`${hub}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!login.ok) throw new Error(`sign-in refused: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const response = await fetch(`${hub}/api/import/venue-file`, {
    method: 'POST', headers: { cookie, 'content-type': 'application/octet-stream' }, body: new Uint8Array(readFileSync(resolve(file))),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`the hub refused the file: ${String(body.code)}: ${String(body.message)}`);
  console.log(`venue ${String(body.venueId)}: ${String(body.importedEvents)} events imported, ${String(body.alreadyHeldEvents)} already held`);
  console.log(`the hub now holds ${String(body.ackedVenueSeq)} events, root ${String(body.root)}${body.isHeadMatched ? ' (matches the venue\'s signed head)' : ''}`);
}

main().catch((error: unknown) => {
  console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
