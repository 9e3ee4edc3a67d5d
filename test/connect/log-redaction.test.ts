import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
 * Issue 19: record content stays out of the worker's log, task traces and REST answers unless the
 * connector sets errors.log.include.messages=true. Records carry a marker through each failure
 * path (conversion error, write errors split to the DLQ, task failure, a retried write) on MariaDB
 * and PostgreSQL; the DLQ keeps the records themselves.
 */
type Status = { connector: { state: string }; tasks: { id: number; state: string; trace?: string }[] };

const orderSchema = {
  type: 'struct',
  name: 'orders',
  optional: false,
  fields: [
    { type: 'int32', optional: false, field: 'order_id' },
    { type: 'string', optional: false, field: 'email' },
    { type: 'string', optional: true, field: 'note' },
    // Text bound to an INT column: the database parses it, and quotes what it cannot parse.
    { type: 'string', optional: true, field: 'qty' },
  ],
};
const orderJson = (id: number, email: string, note = `n${id}`, qty = '1') =>
  JSON.stringify({ schema: orderSchema, payload: { order_id: id, email, note, qty } });

describe.each(['mariadb', 'postgres'] as const)('record content in logs on %s', (dialect) => {
  const bootstrap = inject('kafkaBootstrap');
  /** The marker of connectors with the default settings: it must show nowhere but in the DLQ and the database. */
  const marker = `MARKER-${randomBytes(6).toString('hex')}`;
  /** The marker of the connector with errors.log.include.messages=true: it must show in the log. */
  const included = `MARKER-${randomBytes(6).toString('hex')}`;
  let worker: WorkerProcess;
  let producer: KafkaProducer;
  let db: TestDatabase;
  let client: SqlClient;
  /** Every REST answer the test got, to look for the marker in. */
  const answers: string[] = [];
  const q = (name: string) => db.dialect.quoteIdentifier(name);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await rest(worker.url, method, path, body);
    answers.push(JSON.stringify(response.body));
    return response;
  };
  const status = async (name: string) => (await call('GET', `/connectors/${name}/status`)).body as Status;
  const logLines = () => readFileSync(worker.logFile, 'utf8').split('\n').filter(Boolean);
  const logOf = (connector: string) =>
    logLines()
      // The worker prints a few plain lines at start; its log lines are JSON.
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.connector === connector);
  const createTopic = async (topic: string) => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'redaction-admin' });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
  };
  const send = (topic: string, values: string[]) =>
    producer.send({ messages: values.map((v) => ({ topic, partition: 0, value: Buffer.from(v) })) });
  /** PK order_id, a unique email, a note of at most ten characters and an integer qty. */
  const createTable = (table: string) =>
    client.execute(
      `CREATE TABLE ${q(table)} (${q('order_id')} INT NOT NULL PRIMARY KEY, ${q('email')} VARCHAR(100) NOT NULL, ` +
        `${q('note')} VARCHAR(10) NULL, ${q('qty')} INT NULL, CONSTRAINT ${q(`${table}_email`)} UNIQUE (${q('email')}))`,
    );
  const ids = async (table: string) =>
    (await client.query<{ id: unknown }>(`SELECT ${q('order_id')} AS id FROM ${q(table)} ORDER BY 1`)).map(
      (r) => Number(r.id),
    );
  const sinkConfig = (topic: string, extra: Record<string, string>) => ({
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': db.url,
    'connection.user': db.user ?? '',
    topics: topic,
    'insert.mode': 'insert',
    ...extra,
  });
  const tolerant = (dlq: string) => ({
    'errors.tolerance': 'all',
    'errors.log.enable': 'true',
    'errors.deadletterqueue.topic.name': dlq,
    'errors.deadletterqueue.topic.replication.factor': '1',
    'errors.deadletterqueue.context.headers.enable': 'true',
  });

  /**
   * A conversion error, a value too long for its column, a duplicate of a unique email and text
   * that is no integer, among good records, under errors.tolerance=all with the DLQ and
   * errors.log.enable.
   */
  const runTolerant = async (name: string, mark: string, extra: Record<string, string> = {}) => {
    const topic = `${name.replaceAll('-', '_')}`;
    const dlq = `${name}-dlq`;
    await createTable(topic);
    await client.execute(
      `INSERT INTO ${q(topic)} (${q('order_id')}, ${q('email')}) VALUES (100, '${mark}@shop.test')`,
    );
    await createTopic(topic);
    const values = [
      orderJson(1, 'o1@shop.test'),
      `${mark} is not JSON`,
      orderJson(2, 'o2@shop.test', `${mark}-far-too-long`),
      orderJson(3, `${mark}@shop.test`),
      orderJson(4, 'o4@shop.test'),
      orderJson(5, 'o5@shop.test', 'n5', mark),
    ];
    await send(topic, values);
    expect(
      (await call('PUT', `/connectors/${name}/config`, sinkConfig(topic, { ...tolerant(dlq), ...extra })))
        .status,
    ).toBe(201);
    await eventually('the good rows', async () => (await ids(topic)).join() === '1,4,100', 60_000);
    const dead = await eventually(
      'four records in the dead letter queue',
      async () => {
        const records = await readTopic(bootstrap, dlq, 5_000).catch(() => []);
        return records.length >= 4 ? records : undefined;
      },
      60_000,
    );
    // The DLQ carries the records themselves; its error headers name table and stage, not values.
    expect(dead.map((r) => r.value?.toString())).toEqual([...values.slice(1, 4), values[5]]);
    const headers = dead.map(headerText);
    expect(headers.map((h) => h['__connect.errors.stage'])).toEqual([
      'VALUE_CONVERTER',
      'TASK_PUT',
      'TASK_PUT',
      'TASK_PUT',
    ]);
    for (const h of headers.slice(1)) expect(h['__connect.errors.exception.message']).toContain(topic);
    for (const h of headers) {
      expect(h['__connect.errors.exception.message']).not.toContain(mark);
      expect(h['__connect.errors.exception.stacktrace']).not.toContain(mark);
    }
    // One error line per skipped record, naming where the record came from.
    const tolerated = await eventually('four error lines', async () => {
      const lines = logOf(name).filter((e) => e.msg === 'error tolerated: record skipped');
      return lines.length === 4 ? lines : undefined;
    });
    expect(tolerated.map((e) => [e.topic, e.offset])).toEqual([
      [topic, '1'],
      [topic, '2'],
      [topic, '3'],
      [topic, '5'],
    ]);
    expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
    return tolerated;
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'redact');
    client = await db.connect();
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('redaction')));
    producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'redaction-test' });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.kill();
    await client?.close();
    await db?.drop().catch(() => {});
  });

  it('conversion error, too long value, duplicate key and bad integer under tolerance all: records in the DLQ, not in the log', async () => {
    const tolerated = await runTolerant(uniqueName('redact-all'), marker);
    for (const line of tolerated) expect(line).not.toHaveProperty('value');
  });

  it('a write error under tolerance none fails the task with a trace naming the table, not the value', async () => {
    const name = uniqueName('redact-none');
    const topic = name.replaceAll('-', '_');
    await createTable(topic);
    await createTopic(topic);
    await send(topic, [orderJson(1, `${marker}@shop.test`, 'n1', marker)]);
    expect(
      (await call('PUT', `/connectors/${name}/config`, sinkConfig(topic, { 'max.retries': '0' }))).status,
    ).toBe(201);
    const failed = await eventually(
      'the task FAILED',
      async () => {
        const s = await status(name);
        return s.tasks[0]?.state === 'FAILED' ? s : undefined;
      },
      60_000,
    );
    const trace = failed.tasks[0]?.trace ?? '';
    expect(trace).toContain(topic);
    // MariaDB names the column; PostgreSQL's message names the column's type.
    expect(trace).toContain(dialect === 'mariadb' ? '`qty`' : 'type integer');
    expect(trace).not.toContain(marker);
    await call('GET', `/connectors/${name}/tasks/0/status`);
  });

  it('a write retried after the connection was killed: the retry is logged without the values', async () => {
    const name = uniqueName('redact-retry');
    const topic = name.replaceAll('-', '_');
    await createTable(topic);
    await createTopic(topic);
    await send(topic, [orderJson(1, `${marker}@shop.test`)]);
    // Hold the table so the sink's INSERT waits; then kill the sink's connection under it.
    const holder = await db.connect();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding: Promise<unknown>;
    if (dialect === 'mariadb') {
      await holder.execute(`LOCK TABLES ${q(topic)} WRITE`);
      holding = released.then(() => holder.execute('UNLOCK TABLES'));
    } else {
      let locked: () => void = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      holding = holder.transaction(async (tx) => {
        await tx.execute(`LOCK TABLE ${q(topic)} IN ACCESS EXCLUSIVE MODE`);
        locked();
        await released;
      });
      await isLocked;
    }
    try {
      const config = sinkConfig(topic, { 'max.retries': '5', 'retry.backoff.ms': '200' });
      expect((await call('PUT', `/connectors/${name}/config`, config)).status).toBe(201);
      const waiting = await eventually(
        "the sink's INSERT waiting on the lock",
        async () => {
          const rows =
            dialect === 'mariadb'
              ? await client.query<{ id: unknown }>(
                  `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()`,
                  [`INSERT INTO%${topic}%`],
                )
              : await client.query<{ id: unknown }>(
                  `SELECT pid AS id FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
                  [`INSERT INTO%${topic}%`],
                );
          return rows.length > 0 ? rows : undefined;
        },
        60_000,
      );
      for (const { id } of waiting) {
        await client.execute(
          dialect === 'mariadb'
            ? `KILL CONNECTION ${Number(id)}`
            : `SELECT pg_terminate_backend(${Number(id)})`,
        );
      }
      await eventually('the retry logged', async () =>
        logOf(name).some((e) => String(e.msg).includes('failed; retrying')),
      );
    } finally {
      release();
      await holding;
      await holder.close();
    }
    await eventually('the row written on a retry', async () => (await ids(topic)).join() === '1', 60_000);
    expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
  });

  it('the marker is nowhere in the log, the traces or the REST answers', async () => {
    await call('GET', '/connectors?expand=status&expand=info');
    const log = readFileSync(worker.logFile, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(marker);
    expect(answers.join('\n')).not.toContain(marker);
  });

  it('with errors.log.include.messages=true the error lines carry the record, as Connect logs it', async () => {
    const tolerated = await runTolerant(uniqueName('redact-incl'), included, {
      'errors.log.include.messages': 'true',
    });
    expect(tolerated.map((e) => e.value)).toEqual([
      `${included} is not JSON`,
      orderJson(2, 'o2@shop.test', `${included}-far-too-long`),
      orderJson(3, `${included}@shop.test`),
      orderJson(5, 'o5@shop.test', 'n5', included),
    ]);
    expect(readFileSync(worker.logFile, 'utf8')).not.toContain(marker);
  });
});
