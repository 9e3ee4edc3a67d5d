import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectClient, type FetchLike } from './connect-client.js';
import { buildConsoleApp } from './console-app.js';
import type { KafkaView } from './kafka-view.js';
import { MASK } from './secrets.js';

type Call = { method: string; path: string; body: unknown; authorization: string | undefined };

/** A Connect REST API in memory: answers by "METHOD /path", records every call. */
function fakeConnect(routes: Record<string, (call: Call) => [number, unknown]>) {
  const calls: Call[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    const u = new URL(url);
    const headers = init.headers as Record<string, string>;
    const call: Call = {
      method: String(init.method),
      path: `${u.pathname}${u.search}`,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
      authorization: headers.authorization,
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`] ?? routes[`${call.method} ${u.pathname}`];
    if (!route)
      return new Response(JSON.stringify({ error_code: 404, message: 'no route' }), { status: 404 });
    const [status, body] = route(call);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  };
  return { client: new ConnectClient('http://connect.test', fetchFn), calls };
}

const kafka: KafkaView = {
  bootstrap: ['k:9092'],
  cluster: async () => ({ clusterId: 'c1', brokers: [] }),
  topics: async () => [],
  endOffsets: async (topics) => new Map(topics.map((t) => [t, [10n, 4n]])),
  records: async (topic, partition, start, limit) => ({
    topic,
    partition,
    earliest: '0',
    end: '0',
    from: JSON.stringify(start, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    records: [],
    limit,
  }),
  close: async () => {},
};

const stored = {
  'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
  'connection.url': 'jdbc:mariadb://db/shop',
  'connection.password': 'hunter2',
  'my.secret.thing': 's3',
  topics: 'orders',
};

const connectRoutes: Record<string, (call: Call) => [number, unknown]> = {
  'GET /': () => [200, { version: '4.1.0' }],
  'GET /connectors/sink': () => [200, { name: 'sink', type: 'sink', config: stored, tasks: [] }],
  'GET /connectors/sink/config': () => [200, stored],
  'GET /connectors?expand=status&expand=info': () => [
    200,
    {
      sink: {
        info: { name: 'sink', type: 'sink', config: stored, tasks: [] },
        status: {
          name: 'sink',
          connector: { state: 'RUNNING', worker_id: 'w1' },
          tasks: [{ id: 0, state: 'FAILED', worker_id: 'w2', trace: 'login failed for root/hunter2' }],
        },
      },
    },
  ],
  'GET /connectors/sink/status': () => [
    200,
    { name: 'sink', connector: { state: 'RUNNING', worker_id: 'w1' }, tasks: [], type: 'sink' },
  ],
  'GET /connectors/sink/topics': () => [200, { sink: { topics: ['orders'] } }],
  'GET /connector-plugins/io.confluent.connect.jdbc.JdbcSinkConnector/config': () => [
    200,
    [{ name: 'connection.password', type: 'PASSWORD' }],
  ],
  'PUT /connectors/sink/config': (call) => [200, { name: 'sink', config: call.body, tasks: [] }],
  'POST /connectors': (call) => [
    400,
    {
      error_code: 400,
      message: `Connector configuration is invalid: password ${(call.body as { config: Record<string, string> }).config['connection.password']} refused`,
    },
  ],
  'GET /connectors/sink/offsets': () => [
    200,
    {
      offsets: [
        { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 7 } },
        { partition: { kafka_topic: 'orders', kafka_partition: 1 }, offset: { kafka_offset: 4 } },
      ],
    },
  ],
  'PUT /connector-plugins/io.confluent.connect.jdbc.JdbcSinkConnector/config/validate': (call) => [
    200,
    {
      name: 'x',
      error_count: 1,
      groups: ['Connection'],
      configs: [
        {
          definition: { name: 'connection.password', type: 'PASSWORD', default_value: null },
          value: {
            name: 'connection.password',
            value: (call.body as Record<string, string>)['connection.password'] ?? null,
            recommended_values: [],
            // A message that quotes the value it refuses, as some validators do.
            errors: [`Invalid value ${(call.body as Record<string, string>)['connection.password']} for it`],
            visible: true,
          },
        },
        {
          definition: { name: 'batch.size', type: 'INT', default_value: '3000' },
          value: {
            name: 'batch.size',
            value: 'x',
            recommended_values: [],
            errors: ['Not a number'],
            visible: true,
          },
        },
      ],
    },
  ],
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function app(routes = connectRoutes) {
  const connect = fakeConnect(routes);
  const instance = await buildConsoleApp({
    connect: connect.client,
    kafka,
    shop: undefined,
    logger: pino({ level: 'silent' }),
    authCacheMs: 0,
  });
  close = () => instance.close();
  return { app: instance, calls: connect.calls };
}

describe('console API', () => {
  it('answers an unknown query parameter with 400 {error_code, message}', async () => {
    const { app: a } = await app();
    const response = await a.inject({ method: 'GET', url: '/api/overview?expand=all' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error_code: 400,
      message: "Unknown query parameter 'expand': this route takes none",
    });
    const records = await a.inject({ method: 'GET', url: '/api/topics/orders/records?last=5&offset=3' });
    expect(records.statusCode).toBe(400);
    expect(records.json().message).toBe('Give one of last, offset or time, not last and offset');
    const limit = await a.inject({ method: 'GET', url: '/api/topics/orders/records?limit=9999' });
    expect(limit.json()).toEqual({ error_code: 400, message: "'limit' must be from 1 to 500, not 9999" });
    const badTopic = await a.inject({ method: 'GET', url: '/api/topics/a%20b/records' });
    expect(badTopic.statusCode).toBe(400);
  });

  it('refuses a body that is not JSON with a 400 of the same shape', async () => {
    const { app: a } = await app();
    const response = await a.inject({
      method: 'POST',
      url: '/api/connectors',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error_code: 400 });
    const noConfig = await a.inject({
      method: 'POST',
      url: '/api/connectors',
      payload: { name: 'x', config: { a: 1 } },
    });
    expect(noConfig.json()).toEqual({ error_code: 400, message: "The config: 'a' must be a string" });
  });

  it('masks secrets in a connector config and restores them when the masked config is saved', async () => {
    const { app: a, calls } = await app();
    const shown = (await a.inject({ method: 'GET', url: '/api/connectors/sink' })).json();
    expect(shown.config).toEqual({ ...stored, 'connection.password': MASK, 'my.secret.thing': MASK });
    expect(JSON.stringify(shown)).not.toContain('hunter2');
    expect(shown.topics).toEqual(['orders']);

    const saved = await a.inject({
      method: 'PUT',
      url: '/api/connectors/sink/config',
      payload: { ...shown.config, topics: 'orders,more' },
    });
    expect(saved.statusCode).toBe(200);
    const put = calls.find((c) => c.method === 'PUT' && c.path === '/connectors/sink/config');
    expect(put?.body).toEqual({ ...stored, topics: 'orders,more' });
    expect(JSON.stringify(saved.json())).not.toContain('hunter2');
  });

  it('masks a secret that Connect quotes in an error answer', async () => {
    const { app: a } = await app();
    const response = await a.inject({
      method: 'POST',
      url: '/api/connectors',
      payload: { name: 'new', config: { ...stored, 'connection.password': 'sw0rdfish' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error_code: 400,
      message: `Connector configuration is invalid: password ${MASK} refused`,
    });
  });

  it('validates with the stored secret behind a mask and masks it in the answer', async () => {
    const { app: a, calls } = await app();
    const response = await a.inject({
      method: 'PUT',
      url: '/api/plugins/io.confluent.connect.jdbc.JdbcSinkConnector/validate?connector=sink',
      payload: {
        'connector.class': stored['connector.class'],
        'connection.password': MASK,
        'batch.size': 'x',
      },
    });
    expect(response.statusCode).toBe(200);
    const validate = calls.find((c) => c.path.endsWith('/config/validate'));
    expect(validate?.body).toMatchObject({ 'connection.password': 'hunter2' });
    const body = response.json();
    expect(body.error_count).toBe(1);
    expect(body.configs[0].value.value).toBe(MASK);
    expect(body.configs[0].value.errors).toEqual([`Invalid value ${MASK} for it`]);
    expect(response.body).not.toContain('hunter2');
    expect(body.configs[1].value.errors).toEqual(['Not a number']);
  });

  it('counts connectors and tasks by state, with a failed task’s trace scrubbed of secrets', async () => {
    const { app: a } = await app();
    const overview = (await a.inject({ method: 'GET', url: '/api/overview' })).json();
    expect(overview.workers).toEqual(['w1', 'w2']);
    expect(overview.byState).toEqual({
      RUNNING: { connectors: 1, tasks: 0 },
      FAILED: { connectors: 0, tasks: 1 },
    });
    expect(overview.connectors[0].tasks[0]).toEqual({
      id: 0,
      state: 'FAILED',
      workerId: 'w2',
      trace: `login failed for root/${MASK}`,
    });
    expect(JSON.stringify(overview)).not.toContain('hunter2');
  });

  it('computes a sink lag per partition from Connect offsets and Kafka end offsets', async () => {
    const { app: a } = await app();
    const lag = (await a.inject({ method: 'GET', url: '/api/connectors/sink/lag' })).json();
    expect(lag.partitions).toEqual([
      { topic: 'orders', partition: 0, committed: '7', end: '10', lag: '3' },
      { topic: 'orders', partition: 1, committed: '4', end: '4', lag: '0' },
    ]);
  });

  it('asks the Connect REST API whether the caller may pass, and passes the credentials on', async () => {
    const good = `Basic ${Buffer.from('ops:pw').toString('base64')}`;
    const guarded = Object.fromEntries(
      Object.entries(connectRoutes).map(([k, route]) => [
        k,
        (call: Call): [number, unknown] =>
          call.authorization === good ? route(call) : [401, { error_code: 401, message: 'no' }],
      ]),
    );
    const { app: a, calls } = await app(guarded);
    const denied = await a.inject({ method: 'GET', url: '/' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['www-authenticate']).toContain('Basic');
    const api = await a.inject({
      method: 'GET',
      url: '/api/connectors/sink',
      headers: { authorization: good },
    });
    expect(api.statusCode).toBe(200);
    expect(calls.filter((c) => c.path === '/connectors/sink').map((c) => c.authorization)).toEqual([good]);
    const health = await a.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
  });

  it('serves the page and uPlot from node_modules', async () => {
    const { app: a } = await app();
    const page = await a.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script type="module" src="/app.js">');
    const uplot = await a.inject({ method: 'GET', url: '/vendor/uplot/uPlot.esm.js' });
    expect(uplot.statusCode).toBe(200);
    expect(uplot.body).toContain('export { uPlot as default }');
  });

  it('says 502 with the reason when the Connect REST API does not answer, and stays up', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    const instance = await buildConsoleApp({
      connect: new ConnectClient('http://127.0.0.1:9', failing),
      kafka,
      shop: undefined,
      logger: pino({ level: 'silent' }),
    });
    close = () => instance.close();
    const response = await instance.inject({ method: 'GET', url: '/api/overview' });
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toContain('Cannot reach the Connect REST API at http://127.0.0.1:9');
    expect((await instance.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });
});
