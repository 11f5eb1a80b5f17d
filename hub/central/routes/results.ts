/** Appeals decisions, publication, certificates, the registry export, statistics and the audit log. */
import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { Id } from '../../../sync/events';
import type { HubContext } from '../../context';
import { appendAudit, readAuditLog } from '../../db';
import { rejectInvalid } from '../../errors';
import type { CentralEnv, Permission } from '../access';
import type { AppealsService } from '../appeals-service';
import { verifyAuditRows } from '../audit';
import type { InsightService } from '../insight-service';
import type { ResultsService } from '../results-service';

const ExamQuery = z.object({ examId: Id, examVersion: z.coerce.number().int().positive() });
const Decision = z.object({
  examId: Id, examVersion: z.number().int().positive(), itemId: Id, outcome: z.enum(['void', 'correct-key', 'reject']),
  correctOptionIds: z.array(Id).max(20).optional(), reason: z.string().trim().min(10, 'a decision needs a reason of at least 10 characters').max(4000),
});

export const publicBaseOf = (url: string): string => process.env.HUB_PUBLIC_URL ?? new URL(url).origin;

export function resultsRoutes(ctx: HubContext, services: { appeals: AppealsService; results: ResultsService; insight: InsightService }, allow: (p: Permission) => MiddlewareHandler<CentralEnv>) {
  const { appeals, results, insight } = services;
  return new Hono<CentralEnv>()
    .get('/appeals', allow('appeals.read'), async (c) => c.json({ exams: await appeals.exams() }))
    .get('/appeals/items', allow('appeals.read'), zValidator('query', ExamQuery, rejectInvalid), async (c) => {
      const { examId, examVersion } = c.req.valid('query');
      return c.json({ items: await appeals.byItem(examId, examVersion) });
    })
    .post('/appeals/decisions', allow('appeals.decide'), zValidator('json', Decision, rejectInvalid), async (c) => c.json(await appeals.decide(c.get('staff').username, c.req.valid('json'))))
    .get('/results/:sessionId/blockers', allow('evidence.read'), async (c) => c.json({ blockers: await results.blockers(c.req.param('sessionId')) }))
    .post('/results/:sessionId/publish', allow('results.publish'), async (c) => c.json(await results.publish(c.get('staff').username, c.req.param('sessionId'))))
    .get('/certificates', allow('certificates.read'), zValidator('query', z.object({ sessionId: Id.optional() }), rejectInvalid), async (c) => c.json({ certificates: await results.journal(c.req.valid('query').sessionId) }))
    .get('/certificates/:number/pdf', allow('certificates.read'), async (c) => {
      const pdf = await results.pdf(c.req.param('number'), publicBaseOf(c.req.url));
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${c.req.param('number')}.pdf"` });
    })
    .get('/registry.csv', allow('certificates.read'), zValidator('query', z.object({ sessionId: Id.optional() }), rejectInvalid), async (c) => {
      const csv = await results.registryCsv(c.get('staff').username, c.req.valid('query').sessionId);
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="registry.csv"' });
    })
    .get('/registry.xlsx', allow('certificates.read'), zValidator('query', z.object({ sessionId: Id.optional() }), rejectInvalid), async (c) => {
      const xlsx = await results.registryXlsx(c.get('staff').username, c.req.valid('query').sessionId);
      return c.body(xlsx, 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': 'attachment; filename="registry.xlsx"',
      });
    })
    .get('/statistics/items', allow('statistics.read'), zValidator('query', ExamQuery, rejectInvalid), async (c) => {
      const { examId, examVersion } = c.req.valid('query');
      return c.json({ items: await insight.items(examId, examVersion) });
    })
    .get('/statistics/venues', allow('statistics.read'), zValidator('query', ExamQuery, rejectInvalid), async (c) => {
      const { examId, examVersion } = c.req.valid('query');
      return c.json({ venues: await insight.venues(examId, examVersion) });
    })
    .get('/audit', allow('audit.read'), async (c) => c.json({ entries: await readAuditLog(ctx.database.db) }))
    .post('/audit/verify', allow('audit.read'), async (c) => {
      const verification = verifyAuditRows(await readAuditLog(ctx.database.db));
      await ctx.database.db.transaction((tx) => appendAudit(tx, { at: ctx.now(), actor: c.get('staff').username, action: 'audit.verified', subject: null, detail: { ...verification } }));
      return c.json(verification);
    });
}
