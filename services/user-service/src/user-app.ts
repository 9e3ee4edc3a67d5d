import { randomUUID } from 'node:crypto';
import {
  bearerToken,
  createHttpService,
  type HealthCheck,
  JwtError,
  REQUEST_ID_HEADER,
  ServiceError,
  type ServiceMetrics,
  signJwt,
  verifyJwt,
} from '@msa-sync/service-runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password-hash.js';
import { type BucketSettings, TokenBuckets } from './rate-limit.js';
import { EmailTakenError, type UserRow, type UserStore } from './user-store.js';
import { checkLogin, checkSignUp } from './user-validation.js';

export interface UserAppOptions {
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  users: UserStore;
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Where order-service is reached for a user's orders (the gateway), or undefined. */
  gatewayUrl: string | undefined;
  health: () => Promise<Record<string, HealthCheck>>;
  access: AccessSettings;
}

export interface AccessSettings {
  /** Emails (lower case) whose tokens carry the `admin` role (ADMIN_EMAILS). */
  adminEmails: ReadonlySet<string>;
  /** Sign-up and login attempts per client address (AUTH_LIMIT_IP_BURST / _PER_MINUTE). */
  perClient: BucketSettings;
  /** Sign-up and login attempts per email (AUTH_LIMIT_EMAIL_BURST / _PER_MINUTE). */
  perEmail: BucketSettings;
}

/**
 * The client's address: the gateway's `x-forwarded-for` (it replaces whatever the client sent),
 * else the peer's. user-service listens on 127.0.0.1 behind the gateway.
 */
function clientAddress(request: FastifyRequest): string {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || request.ip;
}

/** What a user looks like from outside: never the password hash. */
function publicUser(user: UserRow) {
  return { email: user.email, name: user.name, userId: user.userId, createdAt: user.createdAt };
}

/**
 * user-service's routes, as the course has them: `POST /users`, `GET /users`,
 * `GET /users/{userId}` (with the user's orders from order-service), `POST /login`.
 */
export function createUserApp(options: UserAppOptions): FastifyInstance {
  const { users } = options;
  const app = createHttpService({
    service: 'user-service',
    instanceId: options.instanceId,
    logger: options.logger,
    metrics: options.metrics,
    bodyLimit: 16 * 1024,
    health: options.health,
  });
  const logins = options.metrics.counter('user_logins_total', 'Login attempts', ['outcome']);
  const throttled = options.metrics.counter(
    'user_auth_throttled_total',
    'Sign-ups and logins refused with 429',
    ['by'],
  );
  const byClient = new TokenBuckets(options.access.perClient);
  const byEmail = new TokenBuckets(options.access.perEmail);
  /** 429 with Retry-After once the client's or the email's bucket is empty. */
  const limit = (request: FastifyRequest, email: string | undefined) => {
    const client = byClient.take(clientAddress(request));
    const mail = email === undefined || !client.ok ? client : byEmail.take(email.toLowerCase());
    const refused = !client.ok ? client : !mail.ok ? mail : undefined;
    if (refused) {
      throttled.inc({ by: !client.ok ? 'client' : 'email' });
      throw new ServiceError('TOO_MANY_REQUESTS', undefined, {
        retryAfterSeconds: refused.retryAfterSeconds,
      });
    }
  };
  const emailOf = (body: unknown) => {
    const email = (body as { email?: unknown } | null)?.email;
    return typeof email === 'string' ? email : undefined;
  };

  /*
   * Sign-up does not tell whether an email has an account: a taken email gets the same 201, with
   * the same shape and after the same scrypt work, but nothing is created or changed (the userId
   * it shows belongs to no one). The owner of the email logs in with their own password as
   * before; anyone else cannot log in, and learns nothing they could not from a wrong password.
   */
  app.post('/users', async (request, reply) => {
    limit(request, emailOf(request.body));
    const checked = checkSignUp(request.body);
    if (!checked.ok) throw new ServiceError('VALIDATION_FAILED', undefined, { details: checked.problems });
    const { email, name, pwd } = checked.value;
    const user = { userId: randomUUID(), email, name, encryptedPwd: await hashPassword(pwd) };
    const unchanged = () => {
      request.log.info('sign-up for an email that has an account: nothing created');
      return reply.code(201).send(publicUser({ ...user, createdAt: new Date().toISOString() }));
    };
    if (await users.byEmail(email)) return unchanged();
    try {
      await users.insert(user);
    } catch (error) {
      if (error instanceof EmailTakenError) return unchanged();
      throw error;
    }
    const stored = await users.byId(user.userId);
    return reply.code(201).send(publicUser(stored ?? { ...user, createdAt: null }));
  });

  // Every user's email: admins only (the gateway checks the same; this holds without it too).
  app.get('/users', async (request) => {
    const token = bearerToken(request.headers.authorization);
    let roles: unknown;
    try {
      roles = token ? verifyJwt(token, options.jwtSecret).roles : undefined;
    } catch (error) {
      if (error instanceof JwtError)
        throw new ServiceError('UNAUTHORIZED', `Invalid token: ${error.message}`);
      throw error;
    }
    if (!token) throw new ServiceError('UNAUTHORIZED');
    if (!(Array.isArray(roles) && roles.includes('admin')))
      throw new ServiceError('FORBIDDEN', 'Listing users needs the admin role');
    return (await users.all()).map(publicUser);
  });

  app.get<{ Params: { userId: string } }>('/users/:userId', async (request) => {
    const user = await users.byId(request.params.userId);
    if (!user) throw new ServiceError('USER_NOT_FOUND', `No user with id ${request.params.userId}`);
    return { ...publicUser(user), ...(await ordersOf(user.userId, request, options)) };
  });

  app.post('/login', async (request, reply) => {
    limit(request, emailOf(request.body));
    const checked = checkLogin(request.body);
    if (!checked.ok) throw new ServiceError('VALIDATION_FAILED', undefined, { details: checked.problems });
    const user = await users.byEmail(checked.value.email);
    const valid = user
      ? await verifyPassword(checked.value.password, user.encryptedPwd)
      : await verifyAgainstDecoy(checked.value.password);
    if (!user || !valid) {
      logins.inc({ outcome: 'rejected' });
      throw new ServiceError('INVALID_CREDENTIALS');
    }
    logins.inc({ outcome: 'ok' });
    // Roles are decided at each login from ADMIN_EMAILS, so a change there applies from the next token.
    const roles = options.access.adminEmails.has(user.email.toLowerCase()) ? ['admin'] : [];
    const token = signJwt(
      { sub: user.userId, email: user.email, roles },
      options.jwtSecret,
      options.jwtTtlSeconds,
    );
    // The course answers with `token` and `userId` headers; the body carries the same.
    reply.header('token', token).header('userId', user.userId);
    return { token, tokenType: 'Bearer', expiresIn: options.jwtTtlSeconds, userId: user.userId };
  });

  return app;
}

/**
 * The user's orders from order-service through the gateway, with the caller's token and request
 * id. When order-service cannot answer, the user is still returned, with an empty list and the
 * reason (as the course's circuit-breaker fallback does).
 */
async function ordersOf(
  userId: string,
  request: FastifyRequest,
  options: UserAppOptions,
): Promise<{ orders: unknown[]; ordersError?: string }> {
  if (!options.gatewayUrl) return { orders: [], ordersError: 'no gateway configured' };
  try {
    const response = await fetch(`${options.gatewayUrl}/order-service/${encodeURIComponent(userId)}/orders`, {
      headers: {
        [REQUEST_ID_HEADER]: request.id,
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      },
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as unknown;
    if (response.ok && Array.isArray(body)) return { orders: body };
    request.log.warn({ status: response.status }, 'order-service did not list orders');
    return { orders: [], ordersError: `order-service answered ${response.status}` };
  } catch (error) {
    request.log.warn({ err: error }, 'order-service unreachable');
    return { orders: [], ordersError: 'order-service unreachable' };
  }
}
