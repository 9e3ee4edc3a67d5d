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
 * Issue 14: records no database can hold are per-record errors. A Decimal whose schema scale is
 * 400,000,000 used to build a 400 MB string (a larger one threw a RangeError that failed the task
 * even under errors.tolerance=all); a NUL in a field name reached the database as an identifier.
 * Under tolerance all they go to the dead letter queue and the good records around them are
 * written; under none the task fails with a message that says why.
 */
type Status = { tasks: { state: string; trace?: string }[] };

const record = (
  id: number,
  extra: { field: Record<string, unknown>; value: unknown } | undefined = undefined,
) =>
  JSON.stringify({
    schema: {
      type: 'struct',
      name: 'item',
      optional: false,
      fields: [{ type: 'int32', optional: false, field: 'id' }, ...(extra ? [extra.field] : [])],
    },
    payload: { id, ...(extra ? { [String(extra.field.field)]: extra.value } : {}) },
  });
const hugeScale = (id: number) =>
  record(id, {
    field: {
      type: 'bytes',
      optional: true,
      name: 'org.apache.kafka.connect.data.Decimal',
      version: 1,
      parameters: { scale: '400000000' },
      field: 'price',
    },
    value: 'AQ==',
  });
const nulField = (id: number) =>
  record(id, { field: { type: 'string', optional: true, field: 'na\u0000me' }, value: 'x' });

describe('JDBC sink: impossible records are per-record errors (postgres)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let producer: KafkaProducer;
  let db: TestDatabase;
  let client: SqlClient;
  const q = (name: string) => db.dialect.quoteIdentifier(name);
  const status = async (name: string) =>
    (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const topicWith = async (values: string[]) => {
    const topic = `bad_${uniqueName('r').replaceAll('-', '_')}`;
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'sink-bad-admin' });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
    await producer.send({ messages: values.map((v) => ({ topic, partition: 0, value: Buffer.from(v) })) });
    return topic;
  };
  const sink = (name: string, topic: string, extra: Record<string, string>) =>
    rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': db.url,
      'connection.user': db.user ?? '',
      topics: topic,
      'auto.create': 'true',
      'auto.evolve': 'true',
      ...extra,
    });

  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'sinkbad');
    client = await db.connect();
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('jdbc-bad')));
    producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'sink-bad-test' });
  }, 120_000);
  afterAll(async () => {
    await producer?.close();
    await worker?.kill();
    await client?.close();
    await db?.drop().catch(() => {});
  });

  it('tolerance all: the huge-scale Decimal and the NUL field name go to the DLQ, the rest is written', async () => {
    const values = [record(1), hugeScale(2), nulField(3), record(4)];
    const topic = await topicWith(values);
    const dlq = `${topic}-dlq`;
    const name = `sink-${topic}`;
    const created = await sink(name, topic, {
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    expect(created.status).toBe(201);
    const dead = await eventually(
      'two records in the dead letter queue',
      async () => {
        const records = await readTopic(bootstrap, dlq, 5_000).catch(() => []);
        return records.length >= 2 ? records : undefined;
      },
      60_000,
    );
    expect(dead.map((r) => r.value?.toString())).toEqual([values[1], values[2]]);
    // The message names the field; the reason is in its cause, in the stack trace header.
    const messages = dead.map((r) => {
      const h = headerText(r);
      return `${h['__connect.errors.exception.message']}\n${h['__connect.errors.exception.stacktrace']}`;
    });
    expect(messages[0]).toMatch(/Decimal field "price"/);
    expect(messages[0]).toMatch(/Decimal scale 400000000 is outside the supported range/);
    expect(messages[1]).toMatch(/NUL/);
    await eventually(
      'rows 1 and 4',
      async () => {
        const rows = await client
          .query<{ id: unknown }>(`SELECT ${q('id')} AS id FROM ${q(topic)} ORDER BY 1`)
          .catch(() => []);
        return rows.map((r) => Number(r.id)).join() === '1,4';
      },
      60_000,
    );
    expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  }, 120_000);

  it('tolerance none: the task fails on the huge-scale Decimal with a message that says why', async () => {
    const topic = await topicWith([record(1), hugeScale(2)]);
    const name = `sink-${topic}`;
    expect((await sink(name, topic, {})).status).toBe(201);
    const failed = await eventually(
      'task FAILED',
      async () => {
        const task = (await status(name)).tasks[0];
        return task?.state === 'FAILED' ? task : undefined;
      },
      60_000,
    );
    expect(failed.trace).toMatch(/Decimal scale 400000000 is outside the supported range/);
    expect(worker.child.exitCode).toBeNull();
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  }, 120_000);
});
