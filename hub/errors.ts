/**
 * The hub's one API error type and its one error handler: every failure, whatever threw
 * it, reaches the client as `{ code, message, requestId }` (ApiErrorBody) with a status
 * that says whether a retry could help. Sync refusals keep their named reason as `code`.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import type { ApiErrorBody } from '../sync/messages';
import { isSyncRefusal } from '../sync/refusals';

/** An error the API answers with its own status and code (kebab-case). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** zValidator hook: a failed parse becomes a 400 `malformed` naming the first bad field. */
export function rejectInvalid(result: { success: boolean; error?: unknown; target: string }): void {
  if (result.success) return;
  const issues = result.error instanceof ZodError ? result.error.issues : [];
  const first = issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  throw new ApiError(400, 'malformed', `invalid ${result.target}: ${where}${first?.message ?? 'does not parse'}`, issues.map((issue) => ({ path: issue.path, message: issue.message })));
}

/** The app's `onError`: maps every error to the one error body. */
export function errorResponse(error: Error, c: Context): Response {
  const requestId = c.get('requestId' as never) as string | undefined;
  const send = (status: ContentfulStatusCode, code: string, message: string, details?: unknown) => {
    const body: ApiErrorBody = { code, message, requestId, ...(details === undefined ? {} : { details }) };
    return c.json(body, status);
  };
  if (error instanceof ApiError) return send(error.status, error.code, error.message, error.details);
  if (isSyncRefusal(error)) return send(error.status as ContentfulStatusCode, error.reason, error.message, Object.keys(error.detail).length > 0 ? error.detail : undefined);
  if (error instanceof ZodError) return send(400, 'malformed', error.issues[0]?.message ?? 'invalid input');
  if (error instanceof HTTPException) return send(error.status as ContentfulStatusCode, error.status === 413 ? 'too-large' : 'http-error', error.message);
  console.error(`[hub] ${requestId ?? '-'} ${c.req.method} ${c.req.path}:`, error);
  return send(500, 'internal', 'the hub could not complete this request');
}
