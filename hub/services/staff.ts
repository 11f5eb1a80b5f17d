/**
 * Central staff accounts and sign-in: scrypt password hashes (`scrypt$N$salt$hash`, hex,
 * the same form as proctor PINs), random session tokens stored hashed, and a per
 * username-and-address limit on failed logins.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { LoginLimiter, type LimitRule } from '../../sync/login-limiter';
import { ApiError } from '../errors';
import type { HubContext } from '../context';
import { appendAudit, deleteStaffSession, findStaffAccount, findStaffBySession, insertStaffAccount, insertStaffSession, type StaffAccountRow, type StaffRole } from '../db';

const SCRYPT_N = 16384;
const SCRYPT_KEY_LENGTH = 32;

function scryptHex(secret: string, salt: string, cost: number): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(secret, Buffer.from(salt, 'hex'), SCRYPT_KEY_LENGTH, { N: cost, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key.toString('hex'))));
  });
}

/** Hashes a password or PIN as `scrypt$N$salt$hash`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16).toString('hex');
  return `scrypt$${SCRYPT_N}$${salt}$${await scryptHex(secret, salt, SCRYPT_N)}`;
}

/** Checks a password or PIN against its `scrypt$N$salt$hash`, in constant time. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  const cost = Number(n);
  // A hash names its own cost; an absurd one must not make sign-in spend unbounded memory.
  if (scheme !== 'scrypt' || !salt || !hash || !Number.isSafeInteger(cost) || cost < 1024 || cost > 131072 || (cost & (cost - 1)) !== 0) return false;
  const candidate = Buffer.from(await scryptHex(secret, salt, cost), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

// Verified when a username does not exist, so a miss costs the same time as a wrong password.
const DUMMY_HASH = `scrypt$${SCRYPT_N}$00000000000000000000000000000000$${'0'.repeat(64)}`;

export class StaffService {
  /** Failed sign-ins, in memory (sync/login-limiter.ts, the rule every server shares). */
  readonly #limiter: LoginLimiter;

  constructor(private readonly ctx: HubContext) {
    this.#limiter = new LoginLimiter({ windowMs: ctx.config.loginWindowMs });
  }

  /** Creates an account (demo seeding, admin tools). */
  async createAccount(account: { username: string; password: string; role: StaffRole; displayName?: string }): Promise<boolean> {
    const passwordHash = await hashSecret(account.password);
    return insertStaffAccount(this.ctx.database.db, { username: account.username, role: account.role, displayName: account.displayName ?? '', passwordHash, createdAt: this.ctx.now() });
  }

  /** Signs in: returns a fresh session token for the cookie. 429 after too many failures. */
  async login(username: string, password: string, address: string): Promise<{ token: string; expiresAt: number; account: Omit<StaffAccountRow, 'passwordHash'> }> {
    const now = this.ctx.now();
    // Per username and address, and per username from anywhere (four times as many), so
    // that neither one guesser nor many addresses can try passwords quickly.
    const rules: LimitRule[] = [
      { key: `${username}\u0000${address}`, maxFailures: this.ctx.config.loginAttempts },
      { key: username, maxFailures: 4 * this.ctx.config.loginAttempts },
    ];
    const limit = this.#limiter.check(rules, now);
    if (limit.isLimited) {
      throw new ApiError(429, 'too-many-attempts', 'too many failed sign-ins; wait a few minutes and try again', { retryAfterSeconds: limit.retryAfterSeconds });
    }
    const account = await findStaffAccount(this.ctx.database.db, username);
    const isValid = await verifySecret(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !isValid) {
      this.#limiter.recordFailure(rules, now);
      throw new ApiError(401, 'bad-credentials', 'wrong username or password');
    }
    this.#limiter.recordSuccess(rules[0]!.key);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ctx.config.staffSessionMs;
    await this.ctx.database.db.transaction(async (tx) => {
      await insertStaffSession(tx, { tokenHash: hashToken(token), username, createdAt: now, expiresAt });
      await appendAudit(tx, { at: now, actor: username, action: 'staff.signed-in', subject: null, detail: { address } });
    });
    return { token, expiresAt, account: { username: account.username, role: account.role, displayName: account.displayName, createdAt: account.createdAt } };
  }

  /** The account signed in with a session token, or undefined. */
  async accountOf(token: string | undefined): Promise<StaffAccountRow | undefined> {
    if (!token) return undefined;
    return findStaffBySession(this.ctx.database.db, hashToken(token), this.ctx.now());
  }

  /** Ends a session. */
  async logout(token: string): Promise<void> {
    await deleteStaffSession(this.ctx.database.db, hashToken(token));
  }
}
