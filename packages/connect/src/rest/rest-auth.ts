import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The credentials a REST server checks every request against (loaded at worker start). */
export interface RestCredentials {
  /** user → password, from the file Apache's PropertyFileLoginModule names. */
  basicUsers: ReadonlyMap<string, string> | undefined;
  /** The one token `Authorization: Bearer <token>` must carry. */
  bearerToken: string | undefined;
}

/** Hashing first gives equal-length inputs, so the comparison time says nothing about the secret. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function basicCredentials(encoded: string): { user: string; password: string } | undefined {
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Whether an `Authorization` header proves one of the configured identities. */
export function isAuthenticated(header: string | undefined, credentials: RestCredentials): boolean {
  if (!header) return false;
  const space = header.indexOf(' ');
  if (space <= 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'basic' && credentials.basicUsers) {
    const given = basicCredentials(value);
    if (!given) return false;
    // Unknown users are compared too, so timing does not tell which user names exist.
    const expected = credentials.basicUsers.get(given.user);
    return sameSecret(given.password, expected ?? '\u0000') && expected !== undefined;
  }
  if (scheme === 'bearer' && credentials.bearerToken) return sameSecret(value, credentials.bearerToken);
  return false;
}

/** The challenge(s) a 401 names, one per scheme the worker accepts. */
function challenges(credentials: RestCredentials): string[] {
  return [
    ...(credentials.basicUsers ? ['Basic realm="Kafka Connect", charset="UTF-8"'] : []),
    ...(credentials.bearerToken ? ['Bearer realm="Kafka Connect"'] : []),
  ];
}

/**
 * An onRequest hook: every route, forwarded requests between workers included (the forwarding
 * worker passes the caller's Authorization header on, as Apache's does), needs credentials. Apache's
 * filter answers 401 in plain text without a challenge; here it is Connect's JSON error body plus
 * `WWW-Authenticate`, so clients know which schemes to use.
 */
export function authenticationHook(credentials: RestCredentials) {
  const challenge = challenges(credentials);
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    if (isAuthenticated(request.headers.authorization, credentials)) return;
    request.log.debug({ method: request.method, url: request.url }, 'request failed authentication');
    return reply
      .code(401)
      .header('www-authenticate', challenge)
      .type('application/json')
      .send({ error_code: 401, message: 'User cannot access the resource: missing or wrong credentials.' });
  };
}
