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
 * Plain JSON (value.converter.schemas.enable=false, the beginner's setup) through a real worker
 * and broker into MariaDB and PostgreSQL: rows are shaped to the table, auto.create infers one,
 * delete markers delete, and a record that does not fit stops the task naming the field. Record
 * by record shaping rules are in sink-shaping.test.ts.
 */
type Status = { connector: { state: string }; tasks: { id: number; state: string; trace?: string }[] };

describe('JDBC sink with schemaless JSON in a worker (real broker and databases)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let producer: KafkaProducer;
  const databases: TestDatabase[] = [];

  const send = (topic: string, values: string[], keys?: string[]) =>
    producer.send({
      messages: values.map((value, i) => ({
        topic,
        value: Buffer.from(value),
        ...(keys?.[i] === undefined ? {} : { key: Buffer.from(keys[i] as string) }),
      })),
    });
  const createTopic = async (topic: string) => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'schemaless-test-admin' });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
  };
  const query = async (db: TestDatabase, sql: string) => {
    const c: SqlClient = await db.connect();
    try {
      return await c.query<Record<string, unknown>>(sql);
    } finally {
      await c.close();
    }
  };
  const plainJson = {
    'connector.class': 'JdbcSinkConnector',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  };

  beforeAll(async () => {
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('jdbc-schemaless')));
    producer = createProducer({
      bootstrapServers: [bootstrap],
      clientId: 'schemaless-test',
      autocreateTopics: true,
    });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.kill();
    for (const db of databases) await db.drop().catch(() => {});
  });

  describe.each(['mariadb', 'postgres'] as const)('on %s', (dialect) => {
    it('plain JSON lines become rows: existing table shaped, auto.create inferred, delete markers delete', async () => {
      const db = await createTestDatabase(dialect, 'schemaless');
      databases.push(db);
      const q = (n: string) => db.dialect.quoteIdentifier(n);
      const suffix = uniqueName('t').replaceAll('-', '_');
      const existing = `orders_${suffix}`;
      const inferred = `events_${suffix}`;
      await query(
        db,
        `CREATE TABLE ${q(existing)} (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, total DECIMAL(10,2), placed_at ${dialect === 'mariadb' ? 'DATETIME(3)' : 'TIMESTAMP(3)'})`,
      );
      for (const topic of [existing, inferred]) await createTopic(topic);
      await send(existing, [
        '{"id":1,"customer":"ada","total":"12.50","placed_at":"2024-05-01T10:00:00Z"}',
        '{"id":2,"Customer":"bob","total":7}',
      ]);
      await send(
        inferred,
        ['{"name":"signup","n":1,"tags":["a"]}', '{"name":"login","n":2}', '{"name":"x","__deleted":"true"}'],
        ['{"id":10}', '{"id":11}', '{"id":10}'],
      );
      const base = {
        ...plainJson,
        'connection.url': db.url,
        ...(db.user ? { 'connection.user': db.user } : {}),
      };
      await rest(worker.url, 'POST', '/connectors', {
        name: uniqueName('schemaless-existing'),
        config: { ...base, topics: existing },
      });
      await rest(worker.url, 'POST', '/connectors', {
        name: uniqueName('schemaless-inferred'),
        config: {
          ...base,
          topics: inferred,
          'auto.create': 'true',
          'pk.mode': 'record_key',
          'insert.mode': 'upsert',
          'delete.marker.fields': '__deleted',
        },
      });
      const orders = await eventually(
        'both orders',
        async () => {
          const rows = await query(db, `SELECT * FROM ${q(existing)} ORDER BY ${q('id')}`).catch(() => []);
          return rows.length === 2 ? rows : undefined;
        },
        60_000,
      );
      expect(orders.map((r) => [Number(r.id), r.customer, Number(r.total)])).toEqual([
        [1, 'ada', 12.5],
        [2, 'bob', 7],
      ]);
      // The delete marker for key 10 arrives after its insert: only key 11 stays.
      const events = await eventually(
        'the events after the delete',
        async () => {
          const rows = await query(db, `SELECT * FROM ${q(inferred)} ORDER BY ${q('id')}`).catch(() => []);
          return rows.length === 1 && Number(rows[0]?.id) === 11 ? rows : undefined;
        },
        60_000,
      );
      expect(events.map((r) => [Number(r.id), r.name, Number(r.n)])).toEqual([[11, 'login', 2]]);
    });

    it('errors.tolerance=all: a record that does not fit goes to the DLQ naming the field; the rest is written', async () => {
      const db = await createTestDatabase(dialect, 'schemaless');
      databases.push(db);
      const topic = `dlq_${uniqueName('t').replaceAll('-', '_')}`;
      const dlq = uniqueName('schemaless-dlq');
      await query(db, `CREATE TABLE ${db.dialect.quoteIdentifier(topic)} (id INT PRIMARY KEY, qty INT)`);
      await createTopic(topic);
      await send(topic, ['{"id":1,"qty":1}', '{"id":2,"qty":"abc"}', '{"id":3,"qty":3}']);
      await rest(worker.url, 'POST', '/connectors', {
        name: uniqueName('schemaless-dlq'),
        config: {
          ...plainJson,
          topics: topic,
          'connection.url': db.url,
          ...(db.user ? { 'connection.user': db.user } : {}),
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
      });
      const dead = await eventually(
        'the DLQ record',
        async () => {
          const records = await readTopic(bootstrap, dlq, 5_000).catch(() => []);
          return records.length === 1 ? records : undefined;
        },
        60_000,
      );
      expect(dead[0]?.value?.toString()).toBe('{"id":2,"qty":"abc"}');
      expect(headerText(dead[0] as (typeof dead)[number])['__connect.errors.exception.message']).toMatch(
        /Field 'qty'.*a string of 3 characters is not an integer/,
      );
      const rows = await eventually('the good rows', async () => {
        const r = await query(db, `SELECT id FROM ${db.dialect.quoteIdentifier(topic)} ORDER BY id`).catch(
          () => [],
        );
        return r.length === 2 ? r : undefined;
      });
      expect(rows.map((r) => Number(r.id))).toEqual([1, 3]);
    });

    it('a record that does not fit the table fails the task with the field named', async () => {
      const db = await createTestDatabase(dialect, 'schemaless');
      databases.push(db);
      const topic = `misfit_${uniqueName('t').replaceAll('-', '_')}`;
      const name = uniqueName('schemaless-misfit');
      await query(db, `CREATE TABLE ${db.dialect.quoteIdentifier(topic)} (id INT PRIMARY KEY, qty INT)`);
      await createTopic(topic);
      await send(topic, ['{"id":1,"qty":"abc"}']);
      await rest(worker.url, 'POST', '/connectors', {
        name,
        config: {
          ...plainJson,
          topics: topic,
          'connection.url': db.url,
          ...(db.user ? { 'connection.user': db.user } : {}),
        },
      });
      const failed = await eventually('the task FAILED', async () => {
        const s = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
        return s.tasks[0]?.state === 'FAILED' ? s : undefined;
      });
      expect(failed.tasks[0]?.trace).toMatch(/Field 'qty'.*a string of 3 characters is not an integer/);
    });
  });
});
