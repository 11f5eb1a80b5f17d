/**
 * The venue's one error shape. Routes and services throw `ApiError` (or a sync
 * `SyncRefusal`, which carries its own reason and status); the single `onError` turns
 * every error into `{ code, message, requestId, details? }` and never leaks a stack.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isSyncRefusal } from '../sync/refusals';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly status: ContentfulStatusCode;
  readonly details: unknown;

  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function errorResponse(error: Error, c: Context): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? undefined;
  if (isSyncRefusal(error)) {
    const details = Object.keys(error.detail).length > 0 ? error.detail : undefined;
    return c.json({ code: error.reason, message: error.message, requestId, details }, error.status as ContentfulStatusCode);
  }
  if (error instanceof ApiError) {
    return c.json({ code: error.code, message: error.message, requestId, details: error.details }, error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code = status === 413 ? 'too-large' : status >= 500 ? 'internal' : 'bad-request';
    return c.json({ code, message: error.message || code, requestId }, status);
  }
  console.error(`[${requestId ?? '-'}]`, error);
  return c.json({ code: 'internal', message: 'The venue server failed to handle this request.', requestId }, 500);
}
