/**
 * The public certificate check (no sign-in): IIN plus individual code. A wrong pair gets
 * the same 404 whether the IIN exists or not, so the check reveals nothing by itself.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import { IinShape } from '../../../sync/roster';
import { ApiError, rejectInvalid } from '../../errors';
import type { ResultsService } from '../results-service';
import { publicBaseOf } from './results';

const Check = z.object({ iin: IinShape, code: z.string().trim().min(4).max(40) });

export function publicRoutes(results: ResultsService) {
  const verified = async (iin: string, code: string) => {
    const certificate = await results.verify(iin, code);
    if (!certificate) throw new ApiError(404, 'not-verified', 'no certificate matches this IIN and individual code');
    return certificate;
  };
  return new Hono()
    .get('/certificates/verify', zValidator('query', Check, rejectInvalid), async (c) => {
      const { iin, code } = c.req.valid('query');
      const certificate = await verified(iin, code);
      return c.json({
        isValid: !certificate.isExpired && !certificate.isRevoked, isExpired: certificate.isExpired, isRevoked: certificate.isRevoked, certificateNumber: certificate.certificateNumber,
        fullName: certificate.fullName, examId: certificate.examId, total: certificate.total, totalMax: certificate.totalMax,
        issuedAt: certificate.issuedAt, validUntil: certificate.validUntil,
      });
    })
    .get('/certificates/pdf', zValidator('query', Check, rejectInvalid), async (c) => {
      const { iin, code } = c.req.valid('query');
      const certificate = await verified(iin, code);
      const pdf = await results.pdf(certificate.certificateNumber, publicBaseOf(c.req.url));
      return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf' });
    });
}
