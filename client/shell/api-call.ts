/**
 * One JSON call to a same-origin API, shared by the areas: every failure becomes an
 * error carrying the server's `code` (or `offline` when the server cannot be reached),
 * so each page can show a clear message in the user's language.
 */
export class ApiCallError extends Error {
  override readonly name: string = 'ApiCallError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

type ErrorFactory<E extends ApiCallError> = new (code: string, status: number, message: string, details?: Record<string, unknown>) => E;

/** A `call(path, init)` under `prefix` that throws `ErrorType` on any failure. */
export function apiCaller<E extends ApiCallError>(prefix: string, ErrorType: ErrorFactory<E>) {
  return async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${prefix}${path}`, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    } catch {
      throw new ErrorType('offline', 0, 'the venue server cannot be reached');
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const details = typeof body.details === 'object' && body.details !== null ? (body.details as Record<string, unknown>) : {};
      throw new ErrorType(typeof body.code === 'string' ? body.code : 'server-error', response.status, typeof body.message === 'string' ? body.message : `HTTP ${response.status}`, details);
    }
    return body as T;
  };
}
