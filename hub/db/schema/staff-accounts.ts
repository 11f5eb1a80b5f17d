/** Central staff accounts: a role and an scrypt hash of the password, never the password. */
import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

export const staffAccounts = pgTable('staff_accounts', {
  username: text('username').primaryKey(),
  role: text('role').$type<'admin' | 'reviewer' | 'appeals' | 'auditor'>().notNull(),
  displayName: text('display_name').notNull().default(''),
  passwordHash: text('password_hash').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});
