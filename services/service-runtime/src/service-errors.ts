import { isDatabaseUnavailable } from '@msa-sync/sql';

/**
 * Every error a service answers with, by code: HTTP status and a default message. The body is
 * always `{"status", "error", "message", "requestId", "details"?}`; README's error table lists
 * the same codes (a test keeps them in step).
 */
export const ERROR_CATALOGUE = Object.freeze({
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  UNAUTHORIZED: { status: 401, message: 'A valid bearer token is required' },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is wrong' },
  FORBIDDEN: { status: 403, message: 'The token does not allow this request' },
  NOT_FOUND: { status: 404, message: 'No such resource' },
  USER_NOT_FOUND: { status: 404, message: 'No such user' },
  PRODUCT_NOT_FOUND: { status: 404, message: 'No such product in the catalog' },
  PRICE_CHANGED: { status: 409, message: "The unit price is not the catalog's current price" },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry later',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request',
  },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many attempts; retry later' },
  INTERNAL_ERROR: { status: 500, message: 'Internal error' },
  UPSTREAM_FAILED: { status: 502, message: 'The service instance did not answer' },
  UPSTREAM_TOO_LARGE: { status: 502, message: "The service instance's answer is too large" },
  NO_INSTANCE: { status: 503, message: 'No instance of the service is registered and alive' },
  KAFKA_UNAVAILABLE: { status: 503, message: 'Kafka did not acknowledge the record; nothing was accepted' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is not reachable' },
  PRICES_UNAVAILABLE: { status: 503, message: 'Catalog prices are not known yet; retry shortly' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'The service instance did not answer in time' },
} as const);

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorBody {
  status: number;
  error: ErrorCode;
  message: string;
  requestId: string;
  details?: unknown;
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Sent as `Retry-After` (seconds) with the error. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { details?: unknown; cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'ServiceError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options?.details;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export function errorBody(
  code: ErrorCode,
  requestId: string,
  message?: string,
  details?: unknown,
): ErrorBody {
  return {
    status: ERROR_CATALOGUE[code].status,
    error: code,
    message: message ?? ERROR_CATALOGUE[code].message,
    requestId,
    ...(details === undefined ? {} : { details }),
  };
}

/** Fastify's own errors (body parsing, limits) in the catalogue's terms. */
const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** Any thrown value as a catalogue entry; unknown errors are INTERNAL_ERROR without their text. */
export function classifyError(error: unknown): { code: ErrorCode; message?: string; details?: unknown } {
  if (error instanceof ServiceError)
    return { code: error.code, message: error.message, details: error.details };
  const e = error as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  if (e?.validation) return { code: 'VALIDATION_FAILED', message: e.message, details: e.validation };
  const mapped = e?.code ? FRAMEWORK_CODES[e.code] : undefined;
  if (mapped) return { code: mapped, message: e.message };
  if (e?.statusCode === 400 && typeof e.message === 'string') {
    return /json/i.test(e.message)
      ? { code: 'INVALID_JSON', message: e.message }
      : { code: 'VALIDATION_FAILED', message: e.message };
  }
  if (isDatabaseUnavailable(error)) return { code: 'DATABASE_UNAVAILABLE' };
  if (e?.statusCode === 413) return { code: 'PAYLOAD_TOO_LARGE' };
  if (e?.statusCode === 415) return { code: 'UNSUPPORTED_MEDIA_TYPE' };
  return { code: 'INTERNAL_ERROR' };
}
