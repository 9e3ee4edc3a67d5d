import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hasJdbcSink,
  isAlive,
  ORDERS_SINK_NAME,
  ordersSinkConfig,
  readPid,
  registerOrdersSink,
  shopFiles,
  stackPaths,
  startShopServices,
  stopShopServices,
} from '@msa-sync/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  freePort,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { call } from './shop-processes.js';

const bootstrap = inject('kafkaBootstrap');

/**
 * What `npm start` adds for the shop (packages/stack, called by `msa-sync up`): detached
 * gateway and service processes with pid files and logs under the data dir, reused by a second
 * start, trimmed to ORDER_INSTANCES, stopped by `down`; the orders sink registered through the
 * REST API, once. Runs on a data dir, gateway port, topics and consumer groups of its own.
 */
describe('npm start: the shop processes', () => {
  const id = uniqueName('stack');
  const saved = { ...process.env };
  let dataDir: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'msa-shop-stack-'));
    Object.assign(process.env, {
      MSA_SYNC_DATA_DIR: dataDir,
      MSA_GATEWAY_PORT: String(await freePort()),
      ORDERS_TOPIC: `${id}-orders`,
      CATALOG_ORDERS_TOPIC: `${id}-catalog`,
      CATALOG_EVENTS_TOPIC: `${id}-catalog-events`,
      CATALOG_PRICES_TOPIC: `${id}-catalog-prices`,
      KAFKA_GROUP_PREFIX: `${id}-`,
      HEARTBEAT_INTERVAL_MS: '500',
    });
    delete process.env.JWT_SECRET;
    delete process.env.DATABASE_URL;
  });

  afterAll(async () => {
    await stopShopServices(stackPaths()).catch(() => {});
    await worker?.kill();
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, reuses, trims and stops the gateway and services', async () => {
    const paths = stackPaths();
    const databaseUrl = `jdbc:sqlite:${join(dataDir, 'msa.db')}`;
    const first = await startShopServices(paths, { bootstrap, databaseUrl, orderInstances: 2 });
    expect(first.map((p) => [p.name, p.state])).toEqual([
      ['gateway', 'started'],
      ['user-service', 'started'],
      ['catalog-service', 'started'],
      ['order-service-1', 'started'],
      ['order-service-2', 'started'],
    ]);
    const files = shopFiles(paths);
    for (const p of first) {
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(isAlive(readPid(files.pid(p.name)) ?? -1)).toBe(true);
      expect(existsSync(files.log(p.name))).toBe(true);
    }
    expect(readFileSync(files.jwtSecret, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);

    const gateway = first[0]?.url as string;
    const email = `${id}@example.com`;
    const signUp = await call('POST', `${gateway}/user-service/users`, {
      body: { email, name: 'Kim', pwd: 'test12345' },
    });
    expect(signUp.status).toBe(201);
    const login = await call('POST', `${gateway}/user-service/login`, {
      body: { email, password: 'test12345' },
    });
    const order = await call('POST', `${gateway}/order-service/${login.body.userId}/orders`, {
      token: login.body.token,
      body: { productId: 'CATALOG-001', qty: 1, unitPrice: 1500 },
    });
    expect(order.status).toBe(201);
    expect((await call('GET', `${gateway}/catalog-service/catalogs`)).body).toHaveLength(3);

    const again = await startShopServices(paths, { bootstrap, databaseUrl, orderInstances: 2 });
    expect(again.every((p) => p.state === 'reused')).toBe(true);
    expect(again.map((p) => p.pid)).toEqual(first.map((p) => p.pid));

    const fewer = await startShopServices(paths, { bootstrap, databaseUrl, orderInstances: 1 });
    expect(fewer.map((p) => p.name)).not.toContain('order-service-2');
    expect(isAlive(first[4]?.pid ?? -1)).toBe(false);

    const stopped = await stopShopServices(paths);
    expect(stopped.map((s) => s.result)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    for (const p of first) expect(isAlive(p.pid ?? -1)).toBe(false);
    expect((await stopShopServices(paths)).every((s) => s.result === 'not-running')).toBe(true);
  }, 180_000);

  it('registers the orders sink through the REST API once, and leaves it alone when unchanged', async () => {
    worker = await startWorker(clusterSettings(bootstrap, `${id}-connect`));
    const config = ordersSinkConfig(`jdbc:sqlite:${join(dataDir, 'msa.db')}`, { topic: `${id}-orders` });
    if (!(await hasJdbcSink(worker.url))) {
      expect(await registerOrdersSink(worker.url, config)).toBe('plugin-missing');
      return;
    }
    expect(await registerOrdersSink(worker.url, config)).toBe('created');
    expect(await registerOrdersSink(worker.url, config)).toBe('unchanged');
    expect(await registerOrdersSink(worker.url, { ...config, 'batch.size': '500' })).toBe('updated');
    const stored = await rest(worker.url, 'GET', `/connectors/${ORDERS_SINK_NAME}/config`);
    expect(stored.body).toMatchObject({
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'order_id',
      'auto.create': 'true',
      'table.name.format': 'orders',
      'consumer.override.isolation.level': 'read_committed',
    });
  }, 180_000);
});
