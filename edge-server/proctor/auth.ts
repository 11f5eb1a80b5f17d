/**
 * Proctor sign-in: username + PIN checked against the roster's scrypt hash, a random
 * cookie token stored only as its SHA-256, and a rate limit per client address and
 * username. Which rooms a proctor may see comes from the sessions' rosters, never from
 * the client.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { LoginLimiter } from '../../sync/login-limiter';
import type { Proctor, Session } from '../../sync/roster';
import type { RoomAssignment } from '../../sync/views/proctor';
import { ApiError } from '../errors';
import type { ProctorRepository, ProctorSessionRow } from './repo';

export const PROCTOR_LOGIN_MAX_FAILURES = 5;
export const PROCTOR_LOGIN_WINDOW_MS = 15 * 60_000;

const HASH_SHAPE = /^scrypt\$(\d+)\$((?:[0-9a-f]{2}){8,64})\$((?:[0-9a-f]{2}){16,64})$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** True when `pin` is the PIN `storedHash` (`scrypt$N$salt$hash`) was made from; a malformed hash never matches. */
export function verifyPin(pin: string, storedHash: string): Promise<boolean> {
  const match = HASH_SHAPE.exec(storedHash);
  if (!match) return Promise.resolve(false);
  const cost = Number(match[1]);
  // A hash names its own cost; a forged one must not make the venue spend unbounded memory.
  if (!Number.isSafeInteger(cost) || cost < 1 << 10 || cost > 1 << 17 || (cost & (cost - 1)) !== 0) return Promise.resolve(false);
  const salt = Buffer.from(match[2]!, 'hex');
  const expected = Buffer.from(match[3]!, 'hex');
  return new Promise((resolve) => {
    scrypt(pin, salt, expected.length, { N: cost, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }, (error, key) => resolve(!error && timingSafeEqual(key, expected)));
  });
}


/** The signed-in proctor, as every proctor route sees them. */
export interface ProctorIdentity {
  username: string;
  displayName: string;
  deviceId: string;
  tokenHash: string;
  rooms: RoomAssignment[];
}

function findProctor(sessions: readonly Session[], username: string): Proctor | undefined {
  for (const session of sessions) {
    const proctor = session.proctors.find((p) => p.username === username);
    if (proctor) return proctor;
  }
  return undefined;
}

/** The rooms `username` is assigned to in every session the venue holds. */
export function assignmentsOf(sessions: readonly Session[], username: string): RoomAssignment[] {
  const rooms: RoomAssignment[] = [];
  for (const session of sessions) {
    const proctor = session.proctors.find((p) => p.username === username);
    for (const roomId of proctor?.roomIds ?? []) {
      const room = session.rooms.find((r) => r.roomId === roomId);
      if (room) rooms.push({ sessionId: session.sessionId, roomId, roomName: room.name, startsAt: session.startsAt });
    }
  }
  return rooms;
}

export class ProctorAuth {
  readonly #repo: ProctorRepository;
  readonly #now: () => number;
  /** Failed sign-ins per client address and username, kept in the venue database. */
  readonly #limiter: LoginLimiter;

  constructor(repo: ProctorRepository, now: () => number) {
    this.#repo = repo;
    this.#now = now;
    this.#limiter = new LoginLimiter({ windowMs: PROCTOR_LOGIN_WINDOW_MS, store: repo.loginFailures });
  }

  /** Signs a proctor in on a tablet; an unknown username and a wrong PIN get the same refusal. */
  async signIn(input: { username: string; pin: string; deviceId: string }, clientAddress: string): Promise<{ token: string; identity: ProctorIdentity }> {
    const now = this.#now();
    const username = input.username.trim().toLowerCase();
    const rules = [{ key: `${clientAddress}|${username}`, maxFailures: PROCTOR_LOGIN_MAX_FAILURES }];
    const limit = this.#limiter.check(rules, now);
    if (limit.isLimited) throw new ApiError(429, 'too-many-attempts', 'Too many failed sign-ins. Try again later.', { retryAfterSeconds: limit.retryAfterSeconds });
    const sessions = this.#repo.sessions();
    const proctor = findProctor(sessions, username);
    const isMatch = proctor !== undefined && (await verifyPin(input.pin, proctor.pinHash));
    if (!proctor || !isMatch) {
      this.#limiter.recordFailure(rules, now);
      throw new ApiError(401, 'sign-in-refused', 'The username and PIN do not match.');
    }
    this.#limiter.recordSuccess(rules[0]!.key);
    const token = randomBytes(32).toString('hex');
    const row = { tokenHash: sha256Hex(token), username, deviceId: input.deviceId, createdAt: now };
    this.#repo.openSession(row);
    return { token, identity: this.#identityOf({ ...row, revokedAt: null }, sessions)! };
  }

  /** The proctor a cookie token stands for, or undefined (unknown, revoked, or no longer on any roster). */
  identityFor(token: string | undefined): ProctorIdentity | undefined {
    if (!token || !/^[0-9a-f]{64}$/.test(token)) return undefined;
    const row = this.#repo.sessionByTokenHash(sha256Hex(token));
    if (!row || row.revokedAt !== null) return undefined;
    return this.#identityOf(row, this.#repo.sessions());
  }

  signOut(identity: ProctorIdentity): void {
    this.#repo.revokeSession(identity.tokenHash, this.#now());
  }

  #identityOf(row: ProctorSessionRow, sessions: readonly Session[]): ProctorIdentity | undefined {
    const proctor = findProctor(sessions, row.username);
    if (!proctor) return undefined;
    return { username: row.username, displayName: proctor.displayName, deviceId: row.deviceId, tokenHash: row.tokenHash, rooms: assignmentsOf(sessions, row.username) };
  }
}
