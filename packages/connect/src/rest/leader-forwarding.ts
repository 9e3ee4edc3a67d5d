import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { NotLeaderError } from '../errors/connect-error.js';
import { RestError } from './rest-errors.js';

export interface ForwardingOptions {
  /** This worker's own URL: a leader URL equal to it would forward the request to itself. */
  advertisedUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  logger: Logger;
}

export interface ForwardedResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body (204, 202 without entity). */
  body: unknown;
  location: string | undefined;
}

const CONFLICTING_OPERATION =
  'Cannot complete request because of a conflicting operation (e.g. worker rebalance)';
const NO_KNOWN_LEADER =
  'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.';

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Forwards a request only the leader may serve, as Connect's `HerderRequestHandler` does. The
 * `forward` query parameter bounds it to two hops: a user's request (no `forward`) goes on with
 * `forward=true`; a worker receiving `forward=true` that is not the leader either passes it on once
 * more with `forward=false`; `forward=false` arriving at a non-leader ends in 409. The leader's
 * answer comes back as is: its status and body, errors included.
 */
export async function forwardToLeader(
  request: FastifyRequest,
  error: NotLeaderError,
  options: ForwardingOptions,
): Promise<ForwardedResponse> {
  const original = new URL(request.url, 'http://placeholder');
  const forwardParam = original.searchParams.get('forward');
  if (forwardParam !== null && forwardParam.toLowerCase() !== 'true') {
    options.logger.error(
      `Request '${request.method} ${original.pathname}' failed because it couldn't find the target Connect worker within two hops (between workers).`,
    );
    throw new RestError(409, CONFLICTING_OPERATION);
  }
  if (error.leaderUrl === undefined || error.leaderUrl === '') throw new RestError(409, NO_KNOWN_LEADER);
  if (sameUrl(error.leaderUrl, options.advertisedUrl)) throw new RestError(409, CONFLICTING_OPERATION);

  const target = new URL(`${error.leaderUrl.replace(/\/+$/, '')}${original.pathname}`);
  for (const [key, value] of original.searchParams)
    if (key !== 'forward') target.searchParams.append(key, value);
  target.searchParams.set('forward', String(forwardParam === null));

  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'msa-sync-connect' };
  const authorization = request.headers.authorization;
  if (authorization) headers.authorization = authorization;
  const hasBody = request.body !== undefined && request.body !== null;
  if (hasBody) headers['content-type'] = 'application/json';
  options.logger.debug(
    { method: request.method, url: target.toString() },
    'Forwarding request to the leader',
  );

  let response: Response;
  let text: string;
  try {
    response = await options.fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? JSON.stringify(request.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new RestError(500, `IO Error trying to forward REST request: ${reason}`, { cause });
  }
  return readLeaderAnswer(response, text);
}

function readLeaderAnswer(response: Response, text: string): ForwardedResponse {
  const status = response.status;
  let body: unknown;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (status >= 400) {
    const message =
      typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : text;
    throw new RestError(status, message);
  }
  if (status < 200 || status >= 300) {
    throw new RestError(500, `Unexpected status code when handling forwarded request: ${status}`);
  }
  if (status !== 204 && text.trim() !== '' && body === undefined) {
    throw new RestError(
      500,
      'Error trying to forward REST request: the leader answered with a body that is not JSON',
    );
  }
  return {
    status,
    body: status === 204 ? undefined : body,
    location: response.headers.get('location') ?? undefined,
  };
}
