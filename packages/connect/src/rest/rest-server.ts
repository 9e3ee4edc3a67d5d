import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  fastify,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { KAFKA_VERSION } from '../api/kafka-version.js';
import { NotLeaderError } from '../errors/connect-error.js';
import type { Herder } from '../herder/herder.js';
import { getLogger, type LoggerRegistry, loggerRegistry } from '../logging/index.js';
import { connectorsRoutes } from './connectors-routes.js';
import { type HostCheckOptions, hostCheckHook } from './host-check.js';
import { forwardToLeader } from './leader-forwarding.js';
import { loggersRoutes } from './loggers-routes.js';
import { pluginsRoutes } from './plugins-routes.js';
import { BODY_TOO_LARGE_CODE, discardBody } from './request-body.js';
import { authenticationHook, type RestCredentials } from './rest-auth.js';
import { type RestContext, type WorkerHealth, withTimeout } from './rest-context.js';
import { HTTP_METHOD_NOT_ALLOWED, HTTP_NOT_FOUND, mapError } from './rest-errors.js';
import { rootRoutes } from './root-routes.js';

export interface RestServerOptions {
  herder: Herder;
  /** This worker's URL as other workers reach it (`rest.advertised.*`), e.g. `http://10.0.0.5:8083`. */
  advertisedUrl: string;
  /** Logger for requests and errors; default `getLogger('org.msa.connect.rest')`. */
  logger?: Logger;
  /** Registry `/admin/loggers` reads and changes; default the process registry. */
  loggers?: LoggerRegistry;
  /** `GET /` version and commit. Default the Kafka Connect release this worker follows. */
  version?: string;
  commit?: string;
  /** Herder calls and forwarded requests fail with 500 past this. Connect's default: 90 s. */
  requestTimeoutMs?: number;
  /** Largest request body accepted (413 past it). Default 1 MiB. */
  bodyLimit?: number;
  /** `topic.tracking.enable` / `topic.tracking.allow.reset` (both true by default, as in Connect). */
  topicTrackingEnabled?: boolean;
  topicTrackingResetEnabled?: boolean;
  /** `PUT /admin/loggers/{name}?scope=cluster`: spreads the level to every worker. Default: this worker only. */
  setClusterLoggerLevel?: (namespace: string, level: string) => Promise<void>;
  /** `GET /health`; default: healthy. */
  health?: () => Promise<WorkerHealth>;
  /** HTTP client used to forward requests to the leader (tests inject one). */
  fetch?: typeof fetch;
  /** Credentials every request must carry (Basic and/or Bearer); none: open, for a loopback-only worker. */
  credentials?: RestCredentials;
  /** Answer only to these Host names (against DNS rebinding); set when bound to loopback. */
  hostCheck?: HostCheckOptions;
}

export type RestServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger
>;

export const DEFAULT_VERSION = KAFKA_VERSION;
const HEALTHY: WorkerHealth = {
  status: 'healthy',
  message: 'Worker has completed startup and is ready to handle requests.',
};

interface RouteEntry {
  method: string;
  pattern: RegExp;
}

function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source.replace(/\/$/, '')}/?$`);
}

function allowedMethods(routes: readonly RouteEntry[], url: string): string[] {
  const path = url.split('?')[0] ?? url;
  return [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))];
}

/** A 201 from the leader carries the leader's host in Location; the client asked this worker. */
function localLocation(request: FastifyRequest, location: string): string {
  const remote = new URL(location, 'http://leader');
  return `${request.protocol}://${request.host}${remote.pathname}${remote.search}`;
}

/**
 * The Connect REST API on Fastify: every route of Kafka Connect 4.x, its status codes and bodies,
 * `{"error_code", "message"}` for every failure, and requests only the leader may serve forwarded
 * to it. Call `listen({ port: 8083, host })` on the result, or `inject()` in tests.
 */
export function createRestServer(options: RestServerOptions): RestServer {
  const logger = options.logger ?? getLogger('org.msa.connect.rest');
  const requestTimeoutMs = options.requestTimeoutMs ?? 90_000;
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const app = fastify({
    loggerInstance: logger,
    bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    // errors the router raises before any route runs (a malformed %-escape in the URL)
    frameworkErrors: (error, _request, reply) => {
      const mapped = mapError(error);
      (reply as FastifyReply).code(mapped.status).send(mapped.body);
    },
  });

  // Before any route, the 404 handler and routes added later (/metrics) alike: wrong Host first,
  // so a rebinding page learns nothing, then credentials.
  if (options.hostCheck) app.addHook('onRequest', hostCheckHook(options.hostCheck));
  if (options.credentials) app.addHook('onRequest', authenticationHook(options.credentials));

  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, pattern: routePattern(route.url) });
  });

  // An empty JSON body is no body (`curl -X PUT -H 'Content-Type: application/json' .../pause`).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const allowed = allowedMethods(routes, request.url);
    if (allowed.length === 0) return reply.code(404).send({ error_code: 404, message: HTTP_NOT_FOUND });
    reply.header('allow', [...allowed, 'OPTIONS'].join(', '));
    if (request.method === 'OPTIONS') return reply.code(200).send();
    return reply.code(405).send({ error_code: 405, message: HTTP_METHOD_NOT_ALLOWED });
  });

  const forwarding = {
    advertisedUrl: options.advertisedUrl,
    timeoutMs: requestTimeoutMs,
    fetch: options.fetch ?? fetch,
    logger,
  };
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    let failure = error;
    // A client still sending a body too large gets its 413 once the body is in (see request-body.ts).
    if ((error as { code?: unknown }).code === BODY_TOO_LARGE_CODE) {
      await discardBody(request.raw, Math.max(bodyLimit * 8, 8 * 1024 * 1024), 10_000);
    }
    if (error instanceof NotLeaderError) {
      try {
        const answer = await forwardToLeader(request, error, forwarding);
        if (answer.status === 201 && answer.location)
          reply.header('location', localLocation(request, answer.location));
        reply.code(answer.status);
        return answer.body === undefined ? reply.send() : reply.send(answer.body);
      } catch (forwardError) {
        failure = forwardError;
      }
    }
    const mapped = mapError(failure);
    if (mapped.status >= 500)
      request.log.error({ err: failure }, `Uncaught exception in REST call to ${request.url}`);
    else request.log.debug({ err: failure }, `REST call to ${request.url} failed with ${mapped.status}`);
    return reply.code(mapped.status).type('application/json').send(mapped.body);
  });

  const context: RestContext = {
    herder: options.herder,
    complete: withTimeout(requestTimeoutMs),
    version: options.version ?? DEFAULT_VERSION,
    commit: options.commit ?? 'unknown',
    topicTrackingEnabled: options.topicTrackingEnabled ?? true,
    topicTrackingResetEnabled: options.topicTrackingResetEnabled ?? true,
    loggers: options.loggers ?? loggerRegistry,
    setClusterLoggerLevel: options.setClusterLoggerLevel,
    health: options.health ?? (async () => HEALTHY),
  };
  app.register(rootRoutes, context);
  app.register(connectorsRoutes, context);
  app.register(pluginsRoutes, context);
  app.register(loggersRoutes, context);
  return app;
}
