import { randomUUID } from 'node:crypto';
import {
  createHttpService,
  type HealthCheck,
  REQUEST_ID_HEADER,
  ServiceError,
  type ServiceMetrics,
  signJwt,
} from '@msa-sync/service-runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password-hash.js';
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

  app.post('/users', async (request, reply) => {
    const checked = checkSignUp(request.body);
    if (!checked.ok) throw new ServiceError('VALIDATION_FAILED', undefined, { details: checked.problems });
    const { email, name, pwd } = checked.value;
    if (await users.byEmail(email)) throw new ServiceError('EMAIL_TAKEN');
    const user = { userId: randomUUID(), email, name, encryptedPwd: await hashPassword(pwd) };
    try {
      await users.insert(user);
    } catch (error) {
      if (error instanceof EmailTakenError) throw new ServiceError('EMAIL_TAKEN');
      throw error;
    }
    const stored = await users.byId(user.userId);
    return reply.code(201).send(publicUser(stored ?? { ...user, createdAt: null }));
  });

  app.get('/users', async () => (await users.all()).map(publicUser));

  app.get<{ Params: { userId: string } }>('/users/:userId', async (request) => {
    const user = await users.byId(request.params.userId);
    if (!user) throw new ServiceError('USER_NOT_FOUND', `No user with id ${request.params.userId}`);
    return { ...publicUser(user), ...(await ordersOf(user.userId, request, options)) };
  });

  app.post('/login', async (request, reply) => {
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
    const token = signJwt({ sub: user.userId, email: user.email }, options.jwtSecret, options.jwtTtlSeconds);
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
