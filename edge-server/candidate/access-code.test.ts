import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../hub/demo/secrets';
import { hashAccessCode, verifyAccessCode } from './access-code';

describe('verifyAccessCode', () => {
  it("accepts the hub's hashes of a code, typed with or without its dash and in any case", async () => {
    const hash = hashSecret('K7Q2-M9XD', { cost: 1024 });
    expect(await verifyAccessCode('K7Q2-M9XD', hash)).toBe(true);
    const normalised = await hashAccessCode('K7Q2-M9XD', 1024);
    expect(await verifyAccessCode('k7q2 m9xd', normalised)).toBe(true);
  });

  it('refuses a wrong code, a malformed hash and a hash that names an absurd cost', async () => {
    const hash = await hashAccessCode('K7Q2-M9XD', 1024);
    expect(await verifyAccessCode('K7Q2-M9XE', hash)).toBe(false);
    expect(await verifyAccessCode('K7Q2-M9XD', undefined)).toBe(false);
    expect(await verifyAccessCode('K7Q2-M9XD', 'plain-text')).toBe(false);
    expect(await verifyAccessCode('K7Q2-M9XD', hash.replace('scrypt$1024$', `scrypt$${1 << 20}$`))).toBe(false);
  });
});
