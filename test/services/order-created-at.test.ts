import { ordersSinkConfig, registerOrdersSink } from '@msa-sync/stack';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterSettings, eventually, startWorker, type WorkerProcess } from '../support/connect-worker.js';
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runShopOrdersSink } from './shop-orders-sink.js';
import { call } from './shop-processes.js';
import { TestShop } from './test-shop.js';

const bootstrap = inject('kafkaBootstrap');

interface Listed {
  orderId: string;
  createdAt: string | null;
}

/**
 * One createdAt per order: the time in the 201 answer travels in the `orders` record and lands
 * in the row, so the list shows the same instant (it used to show the sink's write time, the
 * column default, a second or more later). With the seed's own table (`created_at datetime
 * default NOW()`, whole seconds on MariaDB) the order's time is kept to what the column holds.
 */
describe.each(ALL_DIALECTS)('%s: the time of an order', (dialect) => {
  let db: TestDatabase;
  let shop: TestShop;
  let worker: WorkerProcess;
  let sink: string;

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'createdat');
    [shop, worker] = await Promise.all([
      TestShop.start({ bootstrap, database: db, orderInstances: 1 }),
      startWorker(clusterSettings(bootstrap, `createdat-${dialect}-${Date.now().toString(36)}`)),
    ]);
    sink = await runShopOrdersSink(worker, shop, db);
  }, 240_000);

  afterAll(async () => {
    await shop?.stop();
    await worker?.kill();
    await db?.drop();
  });

  it('is the same in the 201 answer and in the list', async () => {
    const user = await shop.newUser('clock');
    const placed: { orderId: string; createdAt: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await call('POST', `${shop.url}/order-service/${user.userId}/orders`, {
        token: user.token,
        body: { productId: 'CATALOG-001', qty: 1, unitPrice: 1500 },
      });
      expect(reply.status).toBe(201);
      placed.push({ orderId: reply.body.orderId, createdAt: reply.body.createdAt });
    }
    // Milliseconds travel: the 201's time is not rounded to the second.
    expect(placed.every((p) => /\.\d{3}Z$/.test(p.createdAt))).toBe(true);

    let listed: Listed[] = [];
    await eventually('the orders to be listed', async () => {
      const reply = await call<Listed[]>('GET', `${shop.url}/order-service/${user.userId}/orders`, {
        token: user.token,
      });
      listed = reply.status === 200 ? reply.body : [];
      return listed.length === placed.length;
    });
    const byId = new Map(listed.map((o) => [o.orderId, o.createdAt]));
    for (const p of placed) expect(byId.get(p.orderId)).toBe(p.createdAt);
  }, 120_000);

  // Registered only where it applies (the seed's DDL is MariaDB's).
  if (dialect === 'mariadb')
    it('lands in the seed’s own orders table (created_at datetime default NOW())', async () => {
      // A second sink on a topic of its own, into a table made with the seed's DDL.
      const topic = `${shop.id}-seed-orders`;
      const table = `seed_orders_${Date.now().toString(36)}`;
      const client = await db.connect();
      try {
        await client.execute(
          `CREATE TABLE ${table} (id int auto_increment primary key, user_id varchar(50) not null,
             product_id varchar(20) not null, order_id varchar(50) not null, qty int default 0,
             unit_price int default 0, total_price int default 0, created_at datetime default NOW())`,
        );
        const config = {
          ...ordersSinkConfig(db.url, { topic, user: db.user, password: db.password }),
          'insert.mode': 'insert',
          'pk.mode': 'none',
          'table.name.format': table,
        };
        delete (config as Record<string, string>)['pk.fields'];
        const { orderEnvelope } = await import('@msa-sync/order-service');
        const createdAt = '2026-12-05T09:41:13.854Z';
        const { createAdmin, createProducer } = await import('@msa-sync/kafka');
        const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: `${shop.id}-seed-admin` });
        try {
          await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
        } finally {
          await admin.close();
        }
        await registerOrdersSink(worker.url, config, `${sink}-seed`);
        const producer = createProducer({ bootstrapServers: [bootstrap], clientId: `${shop.id}-seed` });
        try {
          await producer.send({
            messages: [
              {
                topic,
                key: Buffer.from('seed-1'),
                value: orderEnvelope(topic, {
                  orderId: 'seed-1',
                  userId: 'u1',
                  productId: 'CATALOG-001',
                  qty: 2,
                  unitPrice: 1500,
                  totalPrice: 3000,
                  createdAt,
                }),
              },
            ],
          });
        } finally {
          await producer.close();
        }
        let rows: { created_at: unknown }[] = [];
        await eventually('the seed table to hold the order', async () => {
          rows = await client.query<{ created_at: unknown }>(
            `SELECT DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s') AS created_at FROM ${table} WHERE order_id = 'seed-1'`,
          );
          return rows.length === 1;
        });
        // The order's own second (the column holds whole seconds), not the time the sink wrote it.
        expect(rows[0]?.created_at).toBe('2026-12-05T09:41:13');
      } finally {
        await client.execute(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
        await client.close();
      }
    }, 120_000);
});
