import { createAdmin, createProducer, type KafkaProducer } from '@msa-sync/kafka';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { headerText, readTopic } from '../support/topic-reader.js';

/**
 * The JDBC sink's write path through a real worker (issue 8, points 2 and 3): rows the database
 * rejects go to the dead letter queue with the table and SQL state, the rest is written; small
 * polls are buffered into batch.size statements and offsets are committed for written rows only.
 */
type Status = { connector: { state: string }; tasks: { id: number; state: string; trace?: string }[] };
type Offsets = { offsets: { partition: { kafka_partition: number }; offset: { kafka_offset: number } }[] };

const orderSchema = {
  type: 'struct',
  name: 'orders',
  optional: false,
  fields: [
    { type: 'int32', optional: false, field: 'order_id' },
    { type: 'string', optional: true, field: 'email' },
    { type: 'string', optional: true, field: 'note' },
    { type: 'int32', optional: true, field: 'qty' },
  ],
};
const orderJson = (id: number, fields: { email?: string | null; note?: string; qty?: number } = {}) =>
  JSON.stringify({
    schema: orderSchema,
    payload: {
      order_id: id,
      email: fields.email === undefined ? `o${id}@shop.test` : fields.email,
      note: fields.note ?? `n${id}`,
      qty: fields.qty ?? 1,
    },
  });

describe.each(['mariadb', 'postgres'] as const)('JDBC sink write path in a worker on %s', (dialect) => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let producer: KafkaProducer;
  let db: TestDatabase;
  let client: SqlClient;
  const q = (name: string) => db.dialect.quoteIdentifier(name);
  const count = async (table: string) =>
    Number((await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${q(table)}`))[0]?.n);
  const status = async (name: string) =>
    (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const createTopic = async (topic: string) => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'sink-dlq-admin' });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
  };
  const send = async (topic: string, values: string[]) => {
    for (let i = 0; i < values.length; i += 500) {
      await producer.send({
        messages: values.slice(i, i + 500).map((v) => ({ topic, partition: 0, value: Buffer.from(v) })),
      });
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'sinkd');
    client = await db.connect();
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('jdbc-dlq')));
    producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'sink-dlq-test' });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.kill();
    await client?.close();
    await db?.drop().catch(() => {});
  });

  it('3 bad rows of 100: 97 written, the 3 in the dead letter queue with table, SQL state and message', async () => {
    const suffix = uniqueName('d').replaceAll('-', '_');
    const topic = `orders_${suffix}`;
    const dlq = `orders-dlq-${suffix}`;
    const name = `sink-dlq-${suffix}`;
    await client.execute(
      `CREATE TABLE ${q(topic)} (${q('order_id')} INT NOT NULL PRIMARY KEY, ${q('email')} VARCHAR(100) NOT NULL, ` +
        `${q('note')} VARCHAR(10) NULL, ${q('qty')} INT NULL CHECK (${q('qty')} >= 0))`,
    );
    await createTopic(topic);
    const values = Array.from({ length: 100 }, (_, i) => orderJson(i));
    values[10] = orderJson(10, { email: null });
    values[50] = orderJson(50, { note: 'far too long for ten' });
    values[97] = orderJson(97, { qty: -5 });
    await send(topic, values);
    const created = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': db.url,
      'connection.user': db.user ?? '',
      topics: topic,
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    expect(created.status).toBe(201);
    await eventually('97 rows', async () => (await count(topic)) === 97, 60_000);
    const dead = await eventually(
      'three records in the dead letter queue',
      async () => {
        const records = await readTopic(bootstrap, dlq, 5_000).catch(() => []);
        return records.length >= 3 ? records : undefined;
      },
      60_000,
    );
    expect(dead).toHaveLength(3);
    const headers = dead.map(headerText);
    expect(headers.map((h) => h['__connect.errors.offset'])).toEqual(['10', '50', '97']);
    expect(dead.map((r) => r.value?.toString())).toEqual([values[10], values[50], values[97]]);
    for (const h of headers) {
      expect(h['__connect.errors.stage']).toBe('TASK_PUT');
      expect(h['__connect.errors.topic']).toBe(topic);
      expect(h['__connect.errors.jdbc.table']).toContain(topic);
      expect(h['__connect.errors.jdbc.sql.state']).toMatch(/^2[23]/);
      expect(h['__connect.errors.exception.message']).toContain(topic);
    }
    const rows = await client.query<{ id: unknown }>(`SELECT ${q('order_id')} AS id FROM ${q(topic)}`);
    const ids = new Set(rows.map((r) => Number(r.id)));
    expect([10, 50, 97].filter((id) => ids.has(id))).toEqual([]);
    expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });

  it('polls of 50 with batch.size=500: every record written once, offsets committed only for written rows', async () => {
    const suffix = uniqueName('b').replaceAll('-', '_');
    const topic = `batched_${suffix}`;
    const name = `sink-batch-${suffix}`;
    await createTopic(topic);
    await send(
      topic,
      Array.from({ length: 2000 }, (_, i) => orderJson(i)),
    );
    const created = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': db.url,
      'connection.user': db.user ?? '',
      topics: topic,
      'auto.create': 'true',
      'batch.size': '500',
      'consumer.override.max.poll.records': '50',
    });
    expect(created.status).toBe(201);
    await eventually('2000 rows', async () => (await count(topic)) === 2000, 60_000);
    const committed = await eventually(
      'the committed offset',
      async () => {
        const body = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as Offsets;
        const offset = body.offsets?.find((o) => o.partition.kafka_partition === 0)?.offset.kafka_offset;
        return offset === 2000 ? offset : undefined;
      },
      30_000,
    );
    // Each record once (no key: a duplicate would be an extra row), and the commit matches the rows.
    expect(await count(topic)).toBe(committed);
    const distinct = await client.query<{ n: unknown }>(
      `SELECT COUNT(DISTINCT ${q('order_id')}) AS n FROM ${q(topic)}`,
    );
    expect(Number(distinct[0]?.n)).toBe(2000);
    expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });
});
