import { BODY_TOO_LARGE_CODE, discardBody } from '@msa-sync/connect/request-body';
import fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js';
import { classifyError, ERROR_CATALOGUE, errorBody, ServiceError } from './service-errors.js';
import type { ServiceMetrics } from './service-metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Fields a route adds to the request's one log line (e.g. the order it placed), instead of a
     * line of its own: a log line costs CPU on every request.
     */
    logDetail: Record<string, unknown> | null;
  }
}

export type HealthState = 'UP' | 'DOWN';

/** One dependency's state; a critical one that is DOWN turns /health into a 503. */
export interface HealthCheck {
  status: HealthState;
  critical: boolean;
  detail?: string;
}

export interface HttpServiceOptions {
  service: string;
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Largest request body accepted (bytes); larger ones get 413 PAYLOAD_TOO_LARGE. */
  bodyLimit?: number;
  health?: () => Promise<Record<string, HealthCheck>>;
}

/**
 * A Fastify app with what every service shares: request ids (taken from `x-request-id` or made,
 * echoed in the response, on every log line), one JSON error body for every failure (the
 * catalogue in service-errors), `GET /health`, `GET /metrics`, and one log line per request.
 */
export function createHttpService(options: HttpServiceOptions): FastifyInstance {
  const { logger, metrics } = options;
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    genReqId: requestIdOf,
    // One line per request comes from the onResponse hook below, with the request id as `requestId`.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: (error, request, reply) => {
      const { code, message } = classifyError(error);
      void (reply as FastifyReply)
        .code(ERROR_CATALOGUE[code].status)
        .send(errorBody(code, request.id, message));
    },
  });

  // JSON only: any other body is 415 UNSUPPORTED_MEDIA_TYPE, never a string a handler might misread.
  app.removeContentTypeParser('text/plain');

  app.decorateRequest('logDetail', null);

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (route === '/metrics' || route === '/health') return;
    const line = {
      method: request.method,
      url: request.url,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...request.logDetail,
    };
    if (status >= 500) request.log.warn(line, 'request failed');
    else request.log.info(line, 'request');
  });

  app.setErrorHandler(async (error, request, reply) => {
    // A client still sending a body too large gets its 413, not a broken pipe (request-body.ts).
    if ((error as { code?: unknown }).code === BODY_TOO_LARGE_CODE) {
      await discardBody(request.raw, Math.max(bodyLimit * 8, 8 * 1024 * 1024), 10_000);
    }
    const { code, message, details } = classifyError(error);
    if (code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'unhandled error');
    if (error instanceof ServiceError && error.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(ERROR_CATALOGUE[code].status).send(errorBody(code, request.id, message, details));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', request.id, `No route for ${request.method} ${request.url}`)),
  );

  app.get('/health', async (_request, reply) => {
    const checks = options.health ? await options.health() : {};
    const down = Object.values(checks).some((c) => c.critical && c.status === 'DOWN');
    return reply.code(down ? 503 : 200).send({
      status: down ? 'DOWN' : 'UP',
      service: options.service,
      instance: options.instanceId,
      checks,
    });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  return app;
}

/** Listens and returns the URL others reach it at (the actual port when 0 was asked). */
export async function listen(
  app: FastifyInstance,
  host: string,
  port: number,
  advertisedHost: string,
): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return `http://${advertisedHost}:${actual}`;
}
