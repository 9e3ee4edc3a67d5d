import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * JSON Web Tokens signed with HMAC-SHA256 (RFC 7519 / 7515, the `HS256` algorithm only), with
 * node:crypto: user-service signs at login, the gateway verifies. Any other `alg` (including
 * `none`) is refused, the signature is compared in constant time, and `exp` is required.
 */
export interface JwtClaims {
  sub: string;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

const HEADER = base64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
const MIN_SECRET_BYTES = 32;

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function checkSecret(secret: string): Buffer {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new JwtError(`The JWT secret must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  return bytes;
}

function signature(input: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signJwt(
  claims: { sub: string; [claim: string]: unknown },
  secret: string,
  ttlSeconds: number,
  nowMs = Date.now(),
): string {
  const iat = Math.floor(nowMs / 1000);
  const payload = base64url(Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds })));
  const input = `${HEADER}.${payload}`;
  return `${input}.${base64url(signature(input, checkSecret(secret)))}`;
}

export function verifyJwt(token: string, secret: string, nowMs = Date.now()): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed token');
  const [header, payload, sig] = parts as [string, string, string];
  let headerJson: { alg?: unknown; typ?: unknown };
  let claims: Partial<JwtClaims>;
  try {
    headerJson = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed token');
  }
  if (headerJson?.alg !== 'HS256') throw new JwtError('unsupported algorithm');
  const expected = signature(`${header}.${payload}`, checkSecret(secret));
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JwtError('bad signature');
  }
  if (claims === null || typeof claims !== 'object') throw new JwtError('malformed token');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new JwtError('no subject');
  if (typeof claims.exp !== 'number') throw new JwtError('no expiry');
  const now = nowMs / 1000;
  if (now >= claims.exp) throw new JwtError('expired');
  if (typeof claims.nbf === 'number' && now < claims.nbf) throw new JwtError('not yet valid');
  return claims as JwtClaims;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/** JWT_SECRET, required where tokens are signed or checked. */
export function jwtSecretFrom(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.JWT_SECRET;
  if (!secret) throw new JwtError('JWT_SECRET is not set (npm start generates one under .data/services/)');
  checkSecret(secret);
  return secret;
}

/**
 * verifyJwt for one secret, remembering the tokens whose signature and claims checked out: a
 * client sends the same token with every request, and the HMAC, base64url and JSON work was
 * about a tenth of the gateway's CPU per request. The time checks (`exp`, `nbf`) run on every
 * call, so a remembered token expires exactly as before; a token that failed is never remembered.
 */
export class JwtVerifier {
  readonly #secret: string;
  readonly #verified = new Map<string, JwtClaims>();
  readonly #maxTokens: number;

  constructor(secret: string, maxTokens = 10_000) {
    this.#secret = secret;
    this.#maxTokens = maxTokens;
  }

  verify(token: string, nowMs = Date.now()): JwtClaims {
    const known = this.#verified.get(token);
    if (known === undefined) {
      const claims = verifyJwt(token, this.#secret, nowMs);
      if (this.#verified.size >= this.#maxTokens) this.#verified.clear();
      this.#verified.set(token, claims);
      return claims;
    }
    const now = nowMs / 1000;
    if (now >= known.exp) {
      this.#verified.delete(token);
      throw new JwtError('expired');
    }
    if (typeof known.nbf === 'number' && now < known.nbf) throw new JwtError('not yet valid');
    return known;
  }
}
