import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { isValidLogLevel } from '../logging/index.js';
import type { RestContext } from './rest-context.js';
import { RestError } from './rest-errors.js';

type LoggerRequest = FastifyRequest<{ Params: { logger: string } }>;

/**
 * `/admin/loggers`, as Connect's `LoggingResource`: list the known loggers, read one, set a level on
 * a namespace and everything under it. Wrong levels answer 404 and a missing level 400, as Connect
 * does; an unknown `scope` falls back to `worker`.
 */
export const loggersRoutes: FastifyPluginAsync<RestContext> = async (app, ctx) => {
  app.get('/admin/loggers', async () => ctx.loggers.allLevels());

  app.get('/admin/loggers/:logger', async (request: LoggerRequest) => {
    const level = ctx.loggers.level(request.params.logger);
    if (level === undefined) throw new RestError(404, `Logger ${request.params.logger} not found.`);
    return level;
  });

  app.put('/admin/loggers/:logger', async (request: LoggerRequest, reply) => {
    const namespace = request.params.logger;
    const body = request.body;
    const level =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).level : undefined;
    if (level === undefined || level === null) {
      throw new RestError(400, "Desired 'level' parameter was not specified in request.");
    }
    const levelText = String(level);
    if (!isValidLogLevel(levelText)) throw new RestError(404, `invalid log level '${levelText}'.`);

    const rawScope = (request.query as Record<string, unknown>).scope;
    const scope = String((Array.isArray(rawScope) ? rawScope[0] : rawScope) ?? 'worker').toLowerCase();
    if (scope === 'cluster') {
      if (ctx.setClusterLoggerLevel) await ctx.complete(ctx.setClusterLoggerLevel(namespace, levelText));
      else ctx.loggers.setLevel(namespace, levelText);
      return reply.code(204).send();
    }
    if (scope !== 'worker') {
      request.log.warn(
        `Received invalid scope '${scope}' in request to adjust logging level; will default to worker`,
      );
    }
    return ctx.loggers.setLevel(namespace, levelText);
  });
};
