/**
 * The append-only audit log of staff and enrolment actions. Each row's hash covers the
 * previous row's hash, so removing or editing a row breaks the chain from there on.
 */
import { bigint, bigserial, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

export const auditLog = pgTable('audit_log', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  at: bigint('at', { mode: 'number' }).notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject'),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});
