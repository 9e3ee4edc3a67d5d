import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { ConnectError } from '../errors/connect-error.js';
import { redactText } from '../logging/redaction.js';

/** Connect's error body, `ErrorMessage` in its REST entities. */
export interface ErrorBody {
  error_code: number;
  message: string;
}

/**
 * A failure decided by the REST layer itself, with the status to answer (Connect's
 * `ConnectRestException`): 403 for disabled topic tracking, 404 for a task id that is not a number,
 * 409 when a request cannot be forwarded, 500 on a timeout...
 */
export class RestError extends Error {
  readonly statusCode: number;

  constructor(statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestError';
    this.statusCode = statusCode;
  }
}

/** The texts JAX-RS (Jersey) answers with for its own HTTP-level errors. */
export const HTTP_NOT_FOUND = 'HTTP 404 Not Found';
export const HTTP_METHOD_NOT_ALLOWED = 'HTTP 405 Method Not Allowed';
export const HTTP_UNSUPPORTED_MEDIA_TYPE = 'HTTP 415 Unsupported Media Type';

export const notFoundRoute = () => new RestError(404, HTTP_NOT_FOUND);
export const badRequest = (message: string) => new RestError(400, message);

interface FastifyLikeError {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
}

function isFastifyError(error: unknown): error is Error & FastifyLikeError {
  return error instanceof Error && typeof (error as FastifyLikeError).statusCode === 'number';
}

export interface MappedError {
  status: number;
  body: ErrorBody;
}

/**
 * One mapping from anything a route can throw to Connect's `{"error_code", "message"}`: REST and
 * Connect errors carry their status, Fastify's own (bad JSON, too large, wrong media type) theirs,
 * a config or data error (a converter's, a transform's) is the request's mistake, 400, and anything
 * else is a 500 with the error's message, never its stack.
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof RestError) return body(error.statusCode, error.message);
  if (error instanceof ConnectError) return body(error.httpStatus, error.message);
  if (error instanceof ConfigException || error instanceof DataError) return body(400, error.message);
  if (isFastifyError(error)) {
    const status = error.statusCode as number;
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return body(415, HTTP_UNSUPPORTED_MEDIA_TYPE);
    if (status >= 400 && status < 600) return body(status, error.message);
  }
  const message = error instanceof Error && error.message !== '' ? error.message : String(error);
  return body(500, message === '' || message === '[object Object]' ? 'Internal server error' : message);
}

/** Error messages can quote what a driver or a connector saw; no known secret leaves in one. */
function body(status: number, message: string): MappedError {
  return { status, body: { error_code: status, message: redactText(message) } };
}
