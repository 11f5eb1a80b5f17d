/** Signed-in staff sessions. Only a SHA-256 of the cookie value is stored. */
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

export const staffSessions = pgTable('staff_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  username: text('username').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
});
