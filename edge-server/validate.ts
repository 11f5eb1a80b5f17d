/**
 * `zValidator` with the venue's error shape: a bad input becomes a 400 `malformed`
 * with zod's issues as details, and the handler never runs.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from './errors';

export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new ApiError(400, 'malformed', `invalid ${target}: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).slice(0, 3).join('; ')}`, issues);
    }
  });
}
