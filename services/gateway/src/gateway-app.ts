import { timingSafeEqual } from 'node:crypto';
import {
  bearerToken,
  createHttpService,
  errorBody,
  JwtError,
  JwtVerifier,
  type ServiceMetrics,
} from '@msa-sync/service-runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { authRequirement } from './route-auth.js';
import { RegistrationError, type ServiceRegistry } from './service-registry.js';
import type { UpstreamProxy } from './upstream-proxy.js';

/** Paths the URL parser leaves as they are (segments of unreserved characters, no dots): no need to parse them. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-]+)*\/?$/;

export const ROUTED_SERVICES = ['user-service', 'catalog-service', 'order-service'] as const;

export interface GatewayAppOptions {
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  registry: ServiceRegistry;
  proxy: UpstreamProxy;
  jwtSecret: string;
  /** When set, changes to the registry need it in `x-registry-token` (reads stay open). */
  registryToken?: string | undefined;
  bodyLimit?: number;
  services?: readonly string[];
}

/**
 * The gateway's HTTP surface: the registry API instances talk to (`/registry/instances`), and
 * `/{service}/**` forwarded to a live instance of that service after the route's token check.
 */
export function createGatewayApp(options: GatewayAppOptions): FastifyInstance {
  const { registry, metrics } = options;
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const app = createHttpService({
    service: 'gateway',
    instanceId: options.instanceId,
    logger: options.logger,
    metrics,
    bodyLimit,
    health: async () => {
      const checks: Record<string, { status: 'UP' | 'DOWN'; critical: boolean; detail: string }> = {};
      for (const service of options.services ?? ROUTED_SERVICES) {
        const alive = registry.aliveCount(service);
        checks[service] = {
          status: alive > 0 ? 'UP' : 'DOWN',
          critical: false,
          detail: `${alive} instance(s)`,
        };
      }
      return checks;
    },
  });

  metrics.gauge('gateway_registered_instances', 'Live instances per service', ['service'], (gauge) => {
    gauge.reset();
    for (const service of new Set([...(options.services ?? ROUTED_SERVICES), ...registry.services()])) {
      gauge.set({ service }, registry.aliveCount(service));
    }
  });

  app.register(async (scope) => registryRoutes(scope, registry, options.logger, options.registryToken));
  app.register(async (scope) => {
    // Bodies pass through untouched (any content type), kept as bytes so a retry can resend them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
      done(null, body),
    );
    const jwt = new JwtVerifier(options.jwtSecret);
    for (const service of options.services ?? ROUTED_SERVICES) {
      const handler = (request: FastifyRequest, reply: FastifyReply) =>
        routeRequest(request, reply, service, options, jwt);
      scope.all(`/${service}`, handler);
      scope.all(`/${service}/*`, handler);
    }
  });
  return app;
}

async function routeRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  service: string,
  options: GatewayAppOptions,
  jwt: JwtVerifier,
): Promise<FastifyReply> {
  const prefix = `/${service}`;
  const rest = request.url.slice(prefix.length) || '/';
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  const query = path.indexOf('?');
  const pathOnly = query < 0 ? path : path.slice(0, query);
  // What is checked must be what is forwarded: a path the URL parser would rewrite (dot segments,
  // also percent-encoded, or backslashes) could pass the token check for one user and reach another's.
  if (!PLAIN_PATH.test(pathOnly) && new URL(pathOnly, 'http://upstream').pathname !== pathOnly) {
    return reply
      .code(400)
      .send(
        errorBody('VALIDATION_FAILED', request.id, 'The path must not contain dot segments or backslashes'),
      );
  }

  const requirement = authRequirement(service, request.method, pathOnly);
  if (requirement.kind === 'token') {
    const token = bearerToken(request.headers.authorization);
    if (!token) return reply.code(401).send(errorBody('UNAUTHORIZED', request.id));
    let subject: string;
    let roles: unknown;
    try {
      const claims = jwt.verify(token);
      subject = claims.sub;
      roles = claims.roles;
    } catch (error) {
      const reason = error instanceof JwtError ? error.message : 'invalid token';
      return reply.code(401).send(errorBody('UNAUTHORIZED', request.id, `Invalid token: ${reason}`));
    }
    if (requirement.subject !== undefined && requirement.subject !== subject) {
      return reply
        .code(403)
        .send(
          errorBody('FORBIDDEN', request.id, 'The token belongs to another user than the one in the path'),
        );
    }
    if (requirement.role !== undefined && !(Array.isArray(roles) && roles.includes(requirement.role))) {
      return reply
        .code(403)
        .send(errorBody('FORBIDDEN', request.id, `This request needs the ${requirement.role} role`));
    }
  }

  const response = await options.proxy.forward({
    service,
    method: request.method,
    path,
    headers: request.headers,
    body: Buffer.isBuffer(request.body) ? request.body : undefined,
    requestId: request.id,
    forwarded: {
      for: request.ip,
      host: request.headers.host ?? '',
      proto: request.protocol,
      prefix,
    },
  });
  request.log.debug({ instance: response.instance.instanceId, attempts: response.attempts }, 'forwarded');
  reply.code(response.status);
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  reply.header('x-request-id', request.id);
  reply.header('x-instance-id', response.instance.instanceId);
  return reply.send(response.body);
}

async function registryRoutes(
  scope: FastifyInstance,
  registry: ServiceRegistry,
  logger: Logger,
  registryToken: string | undefined,
): Promise<void> {
  scope.get('/registry/instances', async () => registry.snapshot());

  if (registryToken) {
    const expected = Buffer.from(registryToken);
    scope.addHook('onRequest', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD') return;
      const given = Buffer.from(String(request.headers['x-registry-token'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).send(errorBody('UNAUTHORIZED', request.id, 'The registry needs its token'));
      }
    });
  }

  scope.post('/registry/instances', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const instance = registry.register({
        service: String(body.service ?? ''),
        instanceId: String(body.instanceId ?? ''),
        url: String(body.url ?? ''),
        heartbeatIntervalMs: typeof body.heartbeatIntervalMs === 'number' ? body.heartbeatIntervalMs : 1000,
      });
      logger.info(
        { upstream: instance.service, instanceId: instance.instanceId, url: instance.url },
        'instance registered',
      );
      return reply.code(201).send({
        service: instance.service,
        instanceId: instance.instanceId,
        url: instance.url,
        heartbeatIntervalMs: instance.heartbeatIntervalMs,
      });
    } catch (error) {
      if (error instanceof RegistrationError) {
        return reply.code(400).send(errorBody('VALIDATION_FAILED', request.id, error.message));
      }
      throw error;
    }
  });

  scope.put<{ Params: { instanceId: string } }>(
    '/registry/instances/:instanceId/heartbeat',
    async (request, reply) =>
      registry.heartbeat(request.params.instanceId)
        ? reply.code(204).send()
        : reply.code(404).send(errorBody('NOT_FOUND', request.id, 'Unknown instance: register again')),
  );

  scope.delete<{ Params: { instanceId: string } }>(
    '/registry/instances/:instanceId',
    async (request, reply) => {
      const removed = registry.deregister(request.params.instanceId);
      if (removed) logger.info({ instanceId: request.params.instanceId }, 'instance deregistered');
      return removed ? reply.code(204).send() : reply.code(404).send(errorBody('NOT_FOUND', request.id));
    },
  );
}
