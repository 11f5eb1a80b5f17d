/**
 * Proctor sign-ins and device contact at the venue.
 * - `proctor_sessions`: one row per successful proctor sign-in: the SHA-256 of the cookie
 *   token (never the token), the proctor's username and the tablet (device id) that signed
 *   in. The row binds the tablet to the proctor: a `proctor.*` event counts at the venue
 *   only when its device was signed in by a proctor assigned to the attempt's room, so the
 *   binding is kept after sign-out (a tablet's outbox may deliver later).
 * - `proctor_login_failures`: failed sign-ins per (client address, username) in the
 *   current window, so guessing PINs is rate-limited. Counters only; no typed PIN is stored.
 * - `device_contacts`: when the venue last heard from each device (any push), so a
 *   seat whose PC went silent shows as "not heard from". A cache of contact times, not a
 *   fact of the exam: the event log stays the record.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const proctorSessions = sqliteTable(
  'proctor_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username').notNull(),
    deviceId: text('device_id').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (table) => [index('proctor_sessions_device').on(table.deviceId)],
);

export const proctorLoginFailures = sqliteTable('proctor_login_failures', {
  /** `<client address>|<username>`. */
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at').notNull(),
});

export const deviceContacts = sqliteTable('device_contacts', {
  deviceId: text('device_id').primaryKey(),
  lastSeenAt: integer('last_seen_at').notNull(),
});
