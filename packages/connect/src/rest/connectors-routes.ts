import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectorStateInfo } from '../entities.js';
import { ConnectError } from '../errors/connect-error.js';
import {
  checkAndPutConnectorName,
  checkConnectorName,
  queryFlag,
  readConfigMap,
  readConfigPatch,
  readConnectorOffsets,
  readCreateConnectorRequest,
} from './request-bodies.js';
import { connectorLocation, type RestContext } from './rest-context.js';
import { notFoundRoute, RestError } from './rest-errors.js';

type ConnectorRequest = FastifyRequest<{ Params: { connector: string } }>;
type TaskRequest = FastifyRequest<{ Params: { connector: string; task: string } }>;

/** A task id is a Java Integer path parameter: anything else does not match the route (404). */
function taskId(raw: string): number {
  if (!/^[+-]?\d+$/.test(raw)) throw notFoundRoute();
  const id = Number(raw);
  if (id < -(2 ** 31) || id > 2 ** 31 - 1) throw notFoundRoute();
  return id;
}

function isNotFound(error: unknown): boolean {
  return error instanceof ConnectError && error.code === 'NOT_FOUND';
}

/** `GET /connectors`: names, or with `expand=status|info` (repeatable) details keyed by name. */
async function listConnectors(ctx: RestContext, request: FastifyRequest): Promise<unknown> {
  const { herder } = ctx;
  const names = await ctx.complete(herder.connectors());
  const query = request.query as Record<string, string | string[] | undefined>;
  if (query.expand === undefined) return names;
  const expansions = Array.isArray(query.expand) ? query.expand : [query.expand];
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    try {
      const details: Record<string, unknown> = {};
      for (const expansion of expansions) {
        if (expansion === 'status') details.status = await ctx.complete(herder.connectorStatus(name));
        else if (expansion === 'info') details.info = await ctx.complete(herder.connectorInfo(name));
        else request.log.info(`Ignoring unknown expansion type ${expansion}`);
      }
      out[name] = details;
    } catch (error) {
      // deleted while we looked it up: leave it out, as Connect does
      if (!isNotFound(error)) throw error;
      request.log.debug(`Unable to get connector info for ${name} on this worker`);
    }
  }
  return out;
}

/**
 * The `/connectors` resource, route for route as Connect's `ConnectorsResource`: the same status
 * codes (201 with Location on create, 202 for pause/resume/topic reset/restart with tasks, 204 for
 * stop/delete/task restart/plain restart) and the same bodies.
 */
export const connectorsRoutes: FastifyPluginAsync<RestContext> = async (app, ctx) => {
  const { herder } = ctx;

  app.get('/connectors', async (request) => listConnectors(ctx, request));

  app.post('/connectors', async (request, reply) => {
    const create = readCreateConnectorRequest(request.body);
    checkAndPutConnectorName(create.name, create.config);
    checkConnectorName(create.name);
    const { info } = await ctx.complete(
      herder.putConnectorConfig(create.name, create.config, false, create.initialState),
    );
    return reply.code(201).header('location', connectorLocation(request, create.name)).send(info);
  });

  app.get('/connectors/:connector', async (request: ConnectorRequest) =>
    ctx.complete(herder.connectorInfo(request.params.connector)),
  );

  app.delete('/connectors/:connector', async (request: ConnectorRequest, reply) => {
    await ctx.complete(herder.deleteConnector(request.params.connector));
    return reply.code(204).send();
  });

  app.get('/connectors/:connector/config', async (request: ConnectorRequest) =>
    ctx.complete(herder.connectorConfig(request.params.connector)),
  );

  app.put('/connectors/:connector/config', async (request: ConnectorRequest, reply) => {
    const name = request.params.connector;
    const config = readConfigMap(request.body);
    checkAndPutConnectorName(name, config);
    checkConnectorName(name);
    const { created, info } = await ctx.complete(herder.putConnectorConfig(name, config, true));
    if (created) reply.code(201).header('location', connectorLocation(request, name));
    return reply.send(info);
  });

  app.patch('/connectors/:connector/config', async (request: ConnectorRequest) =>
    ctx.complete(herder.patchConnectorConfig(request.params.connector, readConfigPatch(request.body))),
  );

  app.get('/connectors/:connector/status', async (request: ConnectorRequest) =>
    ctx.complete(herder.connectorStatus(request.params.connector)),
  );

  app.get('/connectors/:connector/tasks', async (request: ConnectorRequest) =>
    ctx.complete(herder.taskConfigs(request.params.connector)),
  );

  app.get('/connectors/:connector/tasks/:task/status', async (request: TaskRequest) =>
    ctx.complete(herder.taskStatus(request.params.connector, taskId(request.params.task))),
  );

  app.post('/connectors/:connector/tasks/:task/restart', async (request: TaskRequest, reply) => {
    await ctx.complete(herder.restartTask(request.params.connector, taskId(request.params.task)));
    return reply.code(204).send();
  });

  // Connect's rule: with neither flag set only the connector instance restarts and the answer is
  // 204 without a body (its pre-KIP-745 behaviour); with either flag, 202 and the status.
  app.post('/connectors/:connector/restart', async (request: ConnectorRequest, reply) => {
    const connector = request.params.connector;
    const query = request.query as Record<string, unknown>;
    const includeTasks = queryFlag(query.includeTasks, false);
    const onlyFailed = queryFlag(query.onlyFailed, false);
    const state = await ctx.complete(herder.restartConnector({ connector, includeTasks, onlyFailed }));
    if (!includeTasks && !onlyFailed) return reply.code(204).send();
    const status: ConnectorStateInfo = state ?? (await ctx.complete(herder.connectorStatus(connector)));
    return reply.code(202).send(status);
  });

  const targetState = (action: (name: string) => Promise<void>, code: number) =>
    async function changeTargetState(request: ConnectorRequest, reply: FastifyReply) {
      await ctx.complete(action(request.params.connector));
      return reply.code(code).send();
    };
  app.put(
    '/connectors/:connector/pause',
    targetState((name) => herder.pauseConnector(name), 202),
  );
  app.put(
    '/connectors/:connector/resume',
    targetState((name) => herder.resumeConnector(name), 202),
  );
  app.put(
    '/connectors/:connector/stop',
    targetState((name) => herder.stopConnector(name), 204),
  );

  app.get('/connectors/:connector/topics', async (request: ConnectorRequest) => {
    if (!ctx.topicTrackingEnabled) throw new RestError(403, 'Topic tracking is disabled.');
    const name = request.params.connector;
    const topics = await ctx.complete(herder.connectorActiveTopics(name));
    return { [name]: { topics } };
  });

  app.put('/connectors/:connector/topics/reset', async (request: ConnectorRequest, reply) => {
    if (!ctx.topicTrackingEnabled) throw new RestError(403, 'Topic tracking is disabled.');
    if (!ctx.topicTrackingResetEnabled) throw new RestError(403, 'Topic tracking reset is disabled.');
    await ctx.complete(herder.resetConnectorActiveTopics(request.params.connector));
    return reply.code(202).send();
  });

  app.get('/connectors/:connector/offsets', async (request: ConnectorRequest) =>
    ctx.complete(herder.connectorOffsets(request.params.connector)),
  );

  app.patch('/connectors/:connector/offsets', async (request: ConnectorRequest) => {
    const offsets = readConnectorOffsets(request.body);
    return { message: await ctx.complete(herder.alterConnectorOffsets(request.params.connector, offsets)) };
  });

  app.delete('/connectors/:connector/offsets', async (request: ConnectorRequest) => ({
    message: await ctx.complete(herder.resetConnectorOffsets(request.params.connector)),
  }));
};
