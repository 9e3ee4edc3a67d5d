import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { call, type ServiceProcess, startService } from './shop-processes.js';

/**
 * An order-service whose Kafka does not answer (a port nobody listens on, not the shared
 * broker): it still starts and serves, and every order gets 503 — never a 201 for an order
 * that could be lost.
 */
describe('order-service with Kafka down', () => {
  let db: TestDatabase;
  let users: ServiceProcess;
  let orders: ServiceProcess;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'kafka-down');
    const deadKafka = `127.0.0.1:${await freePort()}`;
    const env = {
      DATABASE_URL: db.url,
      GATEWAY_URL: '',
      JWT_SECRET: 'kafka-down-test-secret-long-enough-for-hs256',
      KAFKA_BOOTSTRAP_SERVERS: deadKafka,
      ORDER_PRODUCE_TIMEOUT_MS: '5000',
    };
    [users, orders] = await Promise.all([
      startService('user-service', 'user-service', env),
      startService('order-service', 'order-service', env),
    ]);
  }, 120_000);

  afterAll(async () => {
    await orders?.kill();
    await users?.kill();
    await db?.drop();
  });

  // Kafka down from the start: the catalog's prices were never read, so orders are refused before
  // any produce is tried (503 PRICES_UNAVAILABLE, with Retry-After), never taken at the client's
  // price. (Kafka lost after the prices were read answers KAFKA_UNAVAILABLE: the fault suite.)
  it('answers 503 PRICES_UNAVAILABLE at once and reports Kafka down', async () => {
    const created = await call('POST', `${users.url}/users`, {
      body: { email: 'down@example.com', name: 'Down', pwd: 'test12345' },
    });
    expect(created.status).toBe(201);
    const userId = created.body.userId as string;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const reply = await call('POST', `${orders.url}/${userId}/orders`, {
        body: { productId: 'CATALOG-001', qty: 1, unitPrice: 1500 },
        requestId: `kafka-down-${i}`,
      });
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({
        status: 503,
        error: 'PRICES_UNAVAILABLE',
        requestId: `kafka-down-${i}`,
      });
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(8000);
    }
    const health = await call('GET', `${orders.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.checks.kafka.status).toBe('DOWN');
    expect(health.body.checks.prices.status).toBe('DOWN');
    const metrics = await (await fetch(`${orders.url}/metrics`)).text();
    expect(metrics).toMatch(/orders_total\{outcome="prices_unavailable",service="order-service"\} 3/);
    expect(metrics).not.toMatch(/orders_total\{outcome="created"/);
  });
});
