import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import {
  ApiError,
  badRequest,
  boolParam,
  checkedQuery,
  intParam,
  nameParam,
  objectBody,
} from './api-error.js';
import { type ConnectClient, enc } from './connect-client.js';
import type { KafkaView } from './kafka-view.js';
import {
  type ConfigDefinition,
  maskConfig,
  maskValidation,
  scrub,
  secretValues,
  unmaskConfig,
  type ValidationResult,
} from './secrets.js';
import type { ShopView } from './shop-view.js';

export interface ConsoleDependencies {
  connect: ConnectClient;
  kafka: KafkaView;
  shop: ShopView | undefined;
  logger: Logger;
  /** Where the browser files are (default: the package's public/). */
  publicDir?: string;
  /** How long an answer of Connect to the console's credential check is reused (default 10 s). */
  authCacheMs?: number;
}

type Params = Record<string, string>;
type ConnectorStatus = {
  name: string;
  type?: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
};
type ConnectorInfo = { name: string; type?: string; config: Record<string, string>; tasks: unknown[] };

const here = dirname(fileURLToPath(import.meta.url));
export const defaultPublicDir = join(here, '..', 'public');
const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot'));

const CONNECTOR_ACTIONS = new Set(['pause', 'resume', 'stop']);

function stringConfig(body: unknown, what: string): Record<string, string> {
  const config = objectBody(body, what);
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') throw badRequest(`${what}: '${key}' must be a string`);
  }
  return config as Record<string, string>;
}

/**
 * The console's HTTP server: the browser files, and a JSON API over the Connect REST API, Kafka
 * and the shop. Every answer that is not a success is `{error_code, message}`.
 */
export async function buildConsoleApp(deps: ConsoleDependencies): Promise<FastifyInstance> {
  const { connect, kafka, shop } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 600 },
  });
  const auth = (request: FastifyRequest) => request.headers.authorization;

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof ApiError) {
      if (error.status >= 500)
        request.log.warn({ url: request.url, reason: error.message }, 'upstream failed');
      return reply.code(error.status).send({ error_code: error.status, message: error.message });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error, url: request.url }, 'console request failed');
    return reply.code(status).send({
      error_code: status,
      message: status === 500 ? `Internal error: ${error.message}` : error.message,
    });
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500) {
      request.log.warn(
        { method: request.method, url: request.url, status: reply.statusCode },
        'request failed',
      );
    }
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error_code: 404, message: `No such page or route: ${request.method} ${request.url}` }),
  );

  // The same credentials as the Connect REST API: each Authorization header (or none) is tried
  // against the worker, and the worker's 401 is the console's.
  const authAnswers = new Map<string, { ok: boolean; at: number }>();
  let authKnownOff = false;
  const cacheMs = deps.authCacheMs ?? 10_000;
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/api/health') return;
    const header = auth(request) ?? '';
    const key = createHash('sha256').update(header).digest('hex');
    const cached = authAnswers.get(key);
    let ok: boolean;
    if (cached && Date.now() - cached.at < cacheMs) ok = cached.ok;
    else {
      let status: number;
      try {
        status = (await connect.request('GET', '/', { authorization: header || undefined })).status;
      } catch {
        // Connect is down: the console still shows Kafka if Connect was known to need no credentials.
        if (authKnownOff) return;
        return reply.code(503).send({
          error_code: 503,
          message: `Cannot reach the Connect REST API at ${connect.baseUrl} to check credentials`,
        });
      }
      ok = status !== 401 && status !== 403;
      if (!header && ok) authKnownOff = true;
      if (authAnswers.size > 1000) authAnswers.clear();
      authAnswers.set(key, { ok, at: Date.now() });
    }
    if (!ok) {
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="msa-sync console", charset="UTF-8"')
        .send({
          error_code: 401,
          message: 'The Connect REST API needs credentials: sign in with the same ones.',
        });
    }
  });

  await app.register(fastifyStatic, {
    root: deps.publicDir ?? defaultPublicDir,
    prefix: '/',
    index: 'index.html',
  });
  await app.register(fastifyStatic, { root: uplotDir, prefix: '/vendor/uplot/', decorateReply: false });

  app.get('/api/health', async (request) => {
    checkedQuery(request.query, []);
    return { status: 'ok', service: 'msa-sync-console' };
  });

  // ---- Connect -------------------------------------------------------------------------------
  const passwordKeysByClass = new Map<string, Set<string>>();
  const passwordKeys = async (connectorClass: string | undefined, authorization?: string) => {
    if (!connectorClass) return new Set<string>();
    const known = passwordKeysByClass.get(connectorClass);
    if (known) return known;
    const answer = await connect.request('GET', `/connector-plugins/${enc(connectorClass)}/config`, {
      authorization,
    });
    const keys = new Set<string>();
    if (answer.status === 200 && Array.isArray(answer.body)) {
      for (const d of answer.body as ConfigDefinition[]) if (d.type === 'PASSWORD') keys.add(d.name);
      passwordKeysByClass.set(connectorClass, keys);
    }
    return keys;
  };
  const storedConfig = async (name: string, authorization?: string) =>
    (await connect.ok('GET', `/connectors/${enc(name)}/config`, { authorization })) as Record<string, string>;

  app.get('/api/overview', async (request) => {
    checkedQuery(request.query, []);
    const a = auth(request);
    const [root, expanded] = await Promise.all([
      connect.ok('GET', '/', { authorization: a }),
      connect.ok('GET', '/connectors?expand=status&expand=info', { authorization: a }),
    ]);
    const entries = Object.values(
      expanded as Record<string, { status: ConnectorStatus; info: ConnectorInfo }>,
    );
    const connectors = (
      await Promise.all(
        entries.map(async ({ status, info }) => {
          const config = info?.config ?? {};
          // A trace may quote a secret of the config (a URL with its password, say).
          const secrets = secretValues(config, await passwordKeys(config['connector.class'], a));
          const trace = (t: string | undefined) => (t === undefined ? null : scrub(t, secrets));
          return {
            name: status.name,
            type: info?.type ?? status.type ?? 'unknown',
            connectorClass: config['connector.class'] ?? '',
            // Where a sink sends the records it cannot handle (a topic name, never a secret).
            deadLetterTopic: config['errors.deadletterqueue.topic.name'] || null,
            state: status.connector.state,
            workerId: status.connector.worker_id,
            trace: trace(status.connector.trace),
            tasks: status.tasks.map((t) => ({
              id: t.id,
              state: t.state,
              workerId: t.worker_id,
              trace: trace(t.trace),
            })),
          };
        }),
      )
    ).sort((x, y) => x.name.localeCompare(y.name));
    const workers = new Set<string>();
    const byState: Record<string, { connectors: number; tasks: number }> = {};
    const tally = (state: string) => {
      const entry = byState[state] ?? { connectors: 0, tasks: 0 };
      byState[state] = entry;
      return entry;
    };
    for (const c of connectors) {
      if (c.workerId) workers.add(c.workerId);
      tally(c.state).connectors++;
      for (const t of c.tasks) {
        if (t.workerId) workers.add(t.workerId);
        tally(t.state).tasks++;
      }
    }
    return { connect: root, connectUrl: connect.baseUrl, workers: [...workers].sort(), byState, connectors };
  });

  app.get('/api/plugins', async (request) => {
    checkedQuery(request.query, []);
    return connect.ok('GET', '/connector-plugins', { authorization: auth(request) });
  });

  app.get('/api/plugins/:plugin/config', async (request) => {
    checkedQuery(request.query, []);
    const plugin = nameParam((request.params as Params).plugin, 'The plugin');
    return connect.ok('GET', `/connector-plugins/${enc(plugin)}/config`, { authorization: auth(request) });
  });

  // The form's validation: masked secrets of an existing connector are its stored ones.
  app.put('/api/plugins/:plugin/validate', async (request) => {
    const query = checkedQuery(request.query, ['connector']);
    const plugin = nameParam((request.params as Params).plugin, 'The plugin');
    const a = auth(request);
    let config = stringConfig(request.body, 'The config');
    const keys = await passwordKeys(plugin, a);
    if (query.connector !== undefined) {
      const stored = await storedConfig(nameParam(query.connector, 'connector'), a);
      config = unmaskOrBadRequest(config, stored, keys);
    }
    const result = (await connect.ok('PUT', `/connector-plugins/${enc(plugin)}/config/validate`, {
      body: config,
      authorization: a,
    })) as ValidationResult;
    return maskValidation(result, keys, config);
  });

  app.get('/api/connectors/:name', async (request) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const a = auth(request);
    const path = `/connectors/${enc(name)}`;
    const [info, status, topics] = await Promise.all([
      connect.ok('GET', path, { authorization: a }) as Promise<ConnectorInfo>,
      connect.ok('GET', `${path}/status`, { authorization: a }) as Promise<ConnectorStatus>,
      connect.request('GET', `${path}/topics`, { authorization: a }),
    ]);
    const keys = await passwordKeys(info.config['connector.class'], a);
    // A trace may quote a secret of the config (a URL with its password, say).
    const secrets = secretValues(info.config, keys);
    const scrubTrace = <T extends { trace?: string }>(x: T): T =>
      x.trace === undefined ? x : { ...x, trace: scrub(x.trace, secrets) };
    const used = (topics.body as Record<string, { topics?: string[] }> | null)?.[name]?.topics;
    return {
      name,
      type: info.type ?? status.type ?? 'unknown',
      config: maskConfig(info.config, keys),
      status: { ...status, connector: scrubTrace(status.connector), tasks: status.tasks.map(scrubTrace) },
      topics: topics.status === 200 && Array.isArray(used) ? used : null,
    };
  });

  app.post('/api/connectors', async (request, reply) => {
    checkedQuery(request.query, []);
    const body = objectBody(request.body, 'The request');
    const unknown = Object.keys(body).filter((k) => k !== 'name' && k !== 'config');
    if (unknown.length) throw badRequest(`Unknown field(s) ${unknown.join(', ')}: give name and config`);
    const name = nameParam(body.name, 'The connector name');
    const config = stringConfig(body.config, 'The config');
    const keys = await passwordKeys(config['connector.class'], auth(request));
    const info = (await scrubbed(config, keys, () =>
      connect.ok('POST', '/connectors', { body: { name, config }, authorization: auth(request) }),
    )) as ConnectorInfo;
    reply.code(201);
    return { ...info, config: maskConfig(info.config, keys) };
  });

  app.put('/api/connectors/:name/config', async (request) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const a = auth(request);
    const edited = stringConfig(request.body, 'The config');
    const stored = await storedConfig(name, a).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
    const keys = await passwordKeys(edited['connector.class'], a);
    const config = unmaskOrBadRequest(edited, stored, keys);
    const info = (await scrubbed(config, keys, () =>
      connect.ok('PUT', `/connectors/${enc(name)}/config`, { body: config, authorization: a }),
    )) as ConnectorInfo;
    return { ...info, config: maskConfig(info.config, keys) };
  });

  app.put('/api/connectors/:name/:action', async (request, reply) => {
    checkedQuery(request.query, []);
    const { name, action } = request.params as Params;
    if (!action || !CONNECTOR_ACTIONS.has(action)) throw new ApiError(404, `No connector action '${action}'`);
    const answer = await connect.request(
      'PUT',
      `/connectors/${enc(nameParam(name, 'The connector name'))}/${action}`,
      { authorization: auth(request) },
    );
    return relay(reply, answer.status, answer.body);
  });

  app.post('/api/connectors/:name/restart', async (request, reply) => {
    const query = checkedQuery(request.query, ['includeTasks', 'onlyFailed']);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const includeTasks = boolParam(query, 'includeTasks');
    const onlyFailed = boolParam(query, 'onlyFailed');
    const answer = await connect.request(
      'POST',
      `/connectors/${enc(name)}/restart?includeTasks=${includeTasks}&onlyFailed=${onlyFailed}`,
      { authorization: auth(request) },
    );
    return relay(reply, answer.status, answer.body);
  });

  app.post('/api/connectors/:name/tasks/:task/restart', async (request, reply) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const task = (request.params as Params).task ?? '';
    if (!/^\d{1,6}$/.test(task)) throw badRequest(`The task id must be a whole number, not '${task}'`);
    const answer = await connect.request('POST', `/connectors/${enc(name)}/tasks/${task}/restart`, {
      authorization: auth(request),
    });
    return relay(reply, answer.status, answer.body);
  });

  app.delete('/api/connectors/:name', async (request, reply) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const answer = await connect.request('DELETE', `/connectors/${enc(name)}`, {
      authorization: auth(request),
    });
    return relay(reply, answer.status, answer.body);
  });

  app.get('/api/connectors/:name/offsets', async (request) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    return connect.ok('GET', `/connectors/${enc(name)}/offsets`, { authorization: auth(request) });
  });

  app.patch('/api/connectors/:name/offsets', async (request) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const body = objectBody(request.body, 'The offsets');
    if (!Array.isArray(body.offsets) || Object.keys(body).length !== 1) {
      throw badRequest('The body must be {"offsets": [{"partition": {...}, "offset": {...} | null}, ...]}');
    }
    return connect.ok('PATCH', `/connectors/${enc(name)}/offsets`, { body, authorization: auth(request) });
  });

  app.delete('/api/connectors/:name/offsets', async (request) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    return connect.ok('DELETE', `/connectors/${enc(name)}/offsets`, { authorization: auth(request) });
  });

  // A sink's consumer lag: end offsets from Kafka minus the offsets Connect reports committed.
  app.get('/api/connectors/:name/lag', async (request) => {
    checkedQuery(request.query, []);
    const name = nameParam((request.params as Params).name, 'The connector name');
    const body = (await connect.ok('GET', `/connectors/${enc(name)}/offsets`, {
      authorization: auth(request),
    })) as { offsets?: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[] };
    const committed = (body.offsets ?? []).flatMap((o) => {
      const topic = o.partition.kafka_topic;
      const partition = o.partition.kafka_partition;
      const offset = o.offset?.kafka_offset;
      return typeof topic === 'string' && typeof partition === 'number' && typeof offset === 'number'
        ? [{ topic, partition, offset: BigInt(offset) }]
        : [];
    });
    if (committed.length === 0) return { at: Date.now(), partitions: [] };
    const ends = await kafka.endOffsets([...new Set(committed.map((c) => c.topic))]);
    return {
      at: Date.now(),
      partitions: committed
        .map((c) => {
          const end = ends.get(c.topic)?.[c.partition];
          return {
            topic: c.topic,
            partition: c.partition,
            committed: c.offset.toString(),
            end: end === undefined ? null : end.toString(),
            lag: end === undefined ? null : (end > c.offset ? end - c.offset : 0n).toString(),
          };
        })
        .sort((x, y) => x.topic.localeCompare(y.topic) || x.partition - y.partition),
    };
  });

  // ---- Kafka ---------------------------------------------------------------------------------
  app.get('/api/kafka/cluster', async (request) => {
    checkedQuery(request.query, []);
    return { bootstrap: kafka.bootstrap, ...(await kafka.cluster()) };
  });

  app.get('/api/topics', async (request) => {
    const query = checkedQuery(request.query, ['internal']);
    return kafka.topics(boolParam(query, 'internal'));
  });

  app.get('/api/topics/:topic/records', async (request) => {
    const query = checkedQuery(request.query, ['partition', 'last', 'offset', 'time', 'limit']);
    const topic = (request.params as Params).topic ?? '';
    if (topic === '.' || topic === '..' || !/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
      throw badRequest(`'${topic}' is not a legal topic name`);
    }
    const partition = intParam(query, 'partition', 0, 100_000, 0) as number;
    const limit = intParam(query, 'limit', 1, 500, 50) as number;
    const starts = ['last', 'offset', 'time'].filter((k) => query[k] !== undefined);
    if (starts.length > 1) throw badRequest(`Give one of last, offset or time, not ${starts.join(' and ')}`);
    let start: { last: number } | { offset: bigint } | { timestamp: bigint };
    if (query.offset !== undefined) {
      if (!/^\d{1,19}$/.test(query.offset))
        throw badRequest(`'offset' must be a whole number, not '${query.offset}'`);
      start = { offset: BigInt(query.offset) };
    } else if (query.time !== undefined) {
      const ms = /^\d{1,15}$/.test(query.time) ? Number(query.time) : Date.parse(query.time);
      if (!Number.isFinite(ms))
        throw badRequest(`'time' must be epoch milliseconds or an ISO date, not '${query.time}'`);
      start = { timestamp: BigInt(ms) };
    } else {
      start = { last: intParam(query, 'last', 1, 500, limit) as number };
    }
    return kafka.records(topic, partition, start, limit);
  });

  // ---- Shop ----------------------------------------------------------------------------------
  const needShop = () => {
    if (!shop) throw new ApiError(404, 'The shop is not configured (no DATABASE_URL and gateway)');
    return shop;
  };
  app.get('/api/shop', async (request) => {
    checkedQuery(request.query, []);
    return needShop().snapshot();
  });
  app.get('/api/shop/load', async (request) => {
    checkedQuery(request.query, []);
    return needShop().load();
  });
  app.post('/api/shop/load', async (request, reply) => {
    checkedQuery(request.query, []);
    const body = objectBody(request.body ?? {}, 'The request');
    const unknown = Object.keys(body).filter((k) => k !== 'rate' && k !== 'seconds');
    if (unknown.length) throw badRequest(`Unknown field(s) ${unknown.join(', ')}: give rate and seconds`);
    const rate = body.rate ?? 20;
    const seconds = body.seconds ?? 10;
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 500) {
      throw badRequest('rate must be a whole number of orders per second from 1 to 500');
    }
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
      throw badRequest('seconds must be a whole number from 1 to 600');
    }
    reply.code(202);
    return needShop().startLoad(rate, seconds);
  });
  app.post('/api/shop/verify', async (request) => {
    checkedQuery(request.query, []);
    return needShop().verify();
  });

  return app;
}

/** Runs a call that sends a config; an error message quoting one of its secrets has it masked. */
async function scrubbed<T>(
  config: Record<string, string>,
  keys: ReadonlySet<string>,
  call: () => Promise<T>,
) {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError)
      throw new ApiError(error.status, scrub(error.message, secretValues(config, keys)));
    throw error;
  }
}

function unmaskOrBadRequest(
  edited: Record<string, string>,
  stored: Record<string, string> | undefined,
  keys: ReadonlySet<string>,
) {
  try {
    return unmaskConfig(edited, stored, keys);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

/** Connect's own status and body, its error bodies already being `{error_code, message}`. */
function relay(reply: FastifyReply, status: number, body: unknown) {
  reply.code(status);
  return body ?? (status === 204 ? undefined : {});
}
