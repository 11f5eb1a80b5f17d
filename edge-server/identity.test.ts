import { createPublicKey, verify } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PRIVATE_KEY_FILE, loadVenueIdentity } from './identity';
import { openTestVenue, removeDir, type TestVenue } from './test-support';

let venue: TestVenue;
afterEach(() => {
  venue.close();
  removeDir(venue.dataDir);
});

describe('loadVenueIdentity', () => {
  it('creates an Ed25519 key pair once, the private key 0600, and signs verifiably', () => {
    venue = openTestVenue();
    const identity = loadVenueIdentity(venue.dataDir, venue.store, { venueId: 'astana-01', hubUrl: 'http://127.0.0.1:1' });
    expect(statSync(join(venue.dataDir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(venue.store.config.get()).toMatchObject({ venueId: 'astana-01', publicKey: identity.publicKey, hubUrl: 'http://127.0.0.1:1', isEnrolled: false });
    const publicKey = createPublicKey({ key: Buffer.from(identity.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('ed25519');
    const signature = identity.sign('head/1\nastana-01\n3');
    expect(verify(null, Buffer.from('head/1\nastana-01\n3'), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verify(null, Buffer.from('head/1\nastana-01\n4'), publicKey, Buffer.from(signature, 'base64'))).toBe(false);

    venue = venue.reopen();
    const again = loadVenueIdentity(venue.dataDir, venue.store, { venueId: 'astana-01', hubUrl: null });
    expect(again.publicKey).toBe(identity.publicKey);
    expect(venue.store.config.get()?.hubUrl).toBe('http://127.0.0.1:1');
  });

  it('refuses a data folder of another venue, or one whose key has gone', () => {
    venue = openTestVenue();
    loadVenueIdentity(venue.dataDir, venue.store, { venueId: 'astana-01', hubUrl: null });
    expect(() => loadVenueIdentity(venue.dataDir, venue.store, { venueId: 'almaty-02', hubUrl: null })).toThrow(/belongs to venue "astana-01"/);
    rmSync(join(venue.dataDir, PRIVATE_KEY_FILE));
    expect(() => loadVenueIdentity(venue.dataDir, venue.store, { venueId: 'astana-01', hubUrl: null })).toThrow(/private key/);
  });
});
