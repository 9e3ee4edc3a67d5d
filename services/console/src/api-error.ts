/** An answer of the console API that is not a success: `{error_code, message}` with that status. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export const badRequest = (message: string) => new ApiError(400, message);

type QueryValue = string | string[] | undefined;

/**
 * The query of a request, checked against the names a route takes: an unknown name or a repeated
 * one is a 400, so a typo is not silently ignored.
 */
export function checkedQuery(query: unknown, allowed: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, QueryValue>)) {
    if (!allowed.includes(key)) {
      throw badRequest(
        allowed.length === 0
          ? `Unknown query parameter '${key}': this route takes none`
          : `Unknown query parameter '${key}': this route takes ${allowed.join(', ')}`,
      );
    }
    if (Array.isArray(value)) throw badRequest(`Query parameter '${key}' is given more than once`);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** A whole number in [min, max], or the default when absent. */
export function intParam(
  query: Record<string, string>,
  key: string,
  min: number,
  max: number,
  fallback?: number,
): number | undefined {
  const raw = query[key];
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`'${key}' must be a whole number, not '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw badRequest(`'${key}' must be from ${min} to ${max}, not ${n}`);
  return n;
}

export function boolParam(query: Record<string, string>, key: string): boolean {
  const raw = query[key];
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw badRequest(`'${key}' must be true or false, not '${raw}'`);
}

/** Connector and plugin names go into Connect's paths: any text, but not empty or huge. */
export function nameParam(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw badRequest(`${what} must be 1 to 512 characters`);
  }
  return value;
}

export function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${what} must be a JSON object`);
  }
  return body as Record<string, unknown>;
}
