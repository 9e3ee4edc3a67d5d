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
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { headerText, readTopic } from '../support/topic-reader.js';

/**
 * The JDBC sink through a real worker process and the real broker: the seed's connector JSON and
 * console-producer record, validation, malformed records under both tolerances, deletes, hostile
 * names, and two tasks sharing a topic. Modes and DDL per dialect are in sink-task.test.ts.
 */

/** The seed's record, as typed into kafka-console-producer (one line; the seed's text wraps it). */
const SEED_RECORD =
  '{"schema":{"type":"struct","fields":' +
  '[{"type":"int32","optional":false,"field":"id"},' +
  '{"type":"string","optional":true,"field":"user_id"},' +
  '{"type":"string","optional":true,"field":"pwd"},' +
  '{"type":"string","optional":true,"field":"name"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"users1"},"payload":{"id":7,"user_id":"user4","pwd":"user4444","name":"User4 name","created_at":1680643371000}}';

type Status = { connector: { state: string }; tasks: { id: number; state: string; trace?: string }[] };

const usersSchema = (extra: object[] = []) => ({
  type: 'struct',
  name: 'users1',
  optional: false,
  fields: [
    { type: 'int32', optional: false, field: 'id' },
    { type: 'string', optional: true, field: 'name' },
    ...extra,
  ],
});
const envelope = (schema: object, payload: unknown) => JSON.stringify({ schema, payload });
const keyEnvelope = (id: number) =>
  envelope(
    { type: 'struct', optional: false, fields: [{ type: 'int32', optional: false, field: 'id' }] },
    { id },
  );

describe('JDBC sink connector in a worker (real broker and databases)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let producer: KafkaProducer;
  const databases: TestDatabase[] = [];

  const status = async (name: string) =>
    (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const send = (topic: string, messages: { key?: string; value?: string | null; partition?: number }[]) =>
    producer.send({
      messages: messages.map((m) => ({
        topic,
        ...(m.partition === undefined ? {} : { partition: m.partition }),
        ...(m.key === undefined ? {} : { key: Buffer.from(m.key) }),
        ...(m.value === undefined || m.value === null ? {} : { value: Buffer.from(m.value) }),
      })),
    });
  const database = async (dialect: (typeof ALL_DIALECTS)[number]) => {
    const db = await createTestDatabase(dialect, 'sinkc');
    databases.push(db);
    return db;
  };
  const connection = (db: TestDatabase) => ({
    'connection.url': db.url,
    ...(db.user ? { 'connection.user': db.user } : {}),
  });
  const createTopic = async (topic: string, partitions = 1) => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'sink-test-admin' });
    try {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    } finally {
      await admin.close();
    }
  };
  const withClient = async <T>(db: TestDatabase, work: (c: SqlClient) => Promise<T>): Promise<T> => {
    const c = await db.connect();
    try {
      return await work(c);
    } finally {
      await c.close();
    }
  };
  const countRows = (db: TestDatabase, table: string) =>
    withClient(db, async (c) =>
      Number(
        (await c.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${db.dialect.quoteIdentifier(table)}`))[0]
          ?.n,
      ),
    ).catch(() => -1);

  beforeAll(async () => {
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('jdbc-sink')));
    producer = createProducer({
      bootstrapServers: [bootstrap],
      clientId: 'jdbc-sink-test',
      autocreateTopics: true,
    });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.kill();
    for (const db of databases) await db.drop().catch(() => {});
  });

  describe.each(ALL_DIALECTS)('the seed round trip on %s', (dialect) => {
    it("POSTs the seed's sink JSON, sends the seed's record and finds the row", async () => {
      const db = await database(dialect);
      const suffix = uniqueName('s').replaceAll('-', '_');
      const topic = `my_topic_users1_${suffix}`;
      const name = `my-sink-connect-${suffix}`;
      // The seed's JSON, with only the database URL and credentials adjusted for this machine.
      const body = `{
  "name":"${name}",
  "config":{
    "connector.class":"io.confluent.connect.jdbc.JdbcSinkConnector",
    "connection.url":"${db.url}",
    "connection.user":"${db.user ?? ''}",
    "connection.password":"",
    "auto.create":"true",
    "auto.evolve":"true",
    "delete.enabled":"false",
    "tasks.max":"1",
    "topics":"${topic}"
  }
}`;
      const created = await rest(worker.url, 'POST', '/connectors', body);
      expect(created.status).toBe(201);
      await send(topic, [{ value: SEED_RECORD }]);
      const row = await eventually(
        'the seed row in the database',
        () =>
          withClient(
            db,
            async (c) => (await c.query(`SELECT * FROM ${db.dialect.quoteIdentifier(topic)}`))[0],
          ).catch(() => undefined),
        60_000,
      );
      expect(row).toMatchObject({ user_id: 'user4', pwd: 'user4444', name: 'User4 name' });
      expect(Number(row.id)).toBe(7);
      const createdAt = row.created_at;
      expect(
        createdAt instanceof Date
          ? createdAt.getTime()
          : new Date(`${String(createdAt).replace(' ', 'T')}Z`).getTime(),
      ).toBe(1680643371000);
      const table = await withClient(db, (c) => db.dialect.describeTable(c, { table: topic }));
      const created_at = table?.columns.find((c) => c.name === 'created_at')?.typeName;
      expect(created_at).toBe(
        { mariadb: 'datetime', postgres: 'timestamp without time zone', sqlite: 'datetime' }[dialect],
      );
      expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
      expect((await rest(worker.url, 'DELETE', `/connectors/${name}`)).status).toBe(204);
    });
  });

  it('validates per key: bad URL, unknown dialect, delete without record_key, unreachable database', async () => {
    const validate = async (config: Record<string, string>) => {
      const response = await rest(worker.url, 'PUT', '/connector-plugins/JdbcSinkConnector/config/validate', {
        'connector.class': 'JdbcSinkConnector',
        name: 'v',
        topics: 't',
        ...config,
      });
      expect(response.status).toBe(200);
      const infos = response.body as { configs: { value: { name: string; errors: string[] } }[] };
      return Object.fromEntries(
        infos.configs
          .filter((c) => c.value.errors.length > 0)
          .map((c) => [c.value.name, c.value.errors.join(' | ')]),
      );
    };
    expect(await validate({ 'connection.url': 'jdbc:oracle:thin:@db:1521/x' })).toEqual({
      'connection.url': expect.stringMatching(/Invalid connection.url .*expected jdbc:mariadb/),
    });
    expect(
      await validate({
        'connection.url': 'jdbc:mariadb://127.0.0.1:3306/x',
        'dialect.name': 'OracleDatabaseDialect',
        'delete.enabled': 'true',
        'pk.fields': 'id',
      }),
    ).toMatchObject({
      'dialect.name': expect.stringMatching(/OracleDatabaseDialect/),
      'delete.enabled': "Primary key mode must be 'record_key' when delete support is enabled",
      'pk.fields': expect.stringMatching(/pk.mode is none/),
    });
    const unreachable = await validate({
      'connection.url': 'jdbc:postgresql://127.0.0.1:1/nope',
      'connection.password': 'pw-never-shown',
    });
    expect(unreachable['connection.url']).toMatch(/Cannot connect to jdbc:postgresql:\/\/127.0.0.1:1\/nope/);
    expect(JSON.stringify(unreachable)).not.toContain('pw-never-shown');
    const refused = await rest(worker.url, 'POST', '/connectors', {
      name: uniqueName('refused'),
      config: {
        'connector.class': 'JdbcSink',
        topics: 't',
        'connection.url': 'jdbc:mariadb://127.0.0.1:3306/x',
        'delete.enabled': 'true',
      },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toContain("Primary key mode must be 'record_key'");
  });

  it('errors.tolerance=none: a malformed record fails the task with a clear trace and no password', async () => {
    const db = await database('sqlite');
    const topic = uniqueName('sink-bad');
    const name = uniqueName('sink-strict');
    await createTopic(topic);
    await send(topic, [{ value: envelope(usersSchema(), { id: 1, name: 'ok' }) }, { value: 'not json {' }]);
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSinkConnector',
        topics: topic,
        'auto.create': 'true',
        'connection.password': 'hunter2-secret',
        ...connection(db),
      },
    });
    const failed = await eventually('the task FAILED', async () => {
      const s = await status(name);
      return s.tasks[0]?.state === 'FAILED' ? s : undefined;
    });
    const trace = failed.tasks[0]?.trace ?? '';
    expect(trace).toContain('Tolerance exceeded in error handler (stage VALUE_CONVERTER)');
    expect(trace).toContain('Converting byte[] to Kafka Connect data failed due to serialization error');
    expect(trace).not.toContain('hunter2-secret');
    // Conversion runs before put(), as in Connect: the batch with the bad record is not written.
    expect(await countRows(db, topic)).toBeLessThan(1);
    const log = await import('node:fs').then((fs) => fs.readFileSync(worker.logFile, 'utf8'));
    expect(log).not.toContain('hunter2-secret');
  });

  it('errors.tolerance=all: malformed records go to the DLQ with context headers, the rest is written', async () => {
    const db = await database('postgres');
    const topic = uniqueName('sink-mixed');
    const dlq = uniqueName('sink-dlq');
    const name = uniqueName('sink-tolerant');
    await createTopic(topic);
    await send(topic, [
      { value: envelope(usersSchema(), { id: 1, name: 'a' }) },
      { value: 'not json {' },
      { value: envelope(usersSchema(), { id: 2, name: 'b' }) },
    ]);
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSinkConnector',
        topics: topic,
        'auto.create': 'true',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
        ...connection(db),
      },
    });
    await eventually('both good rows', async () => (await countRows(db, topic)) === 2, 60_000);
    const dead = await eventually('the DLQ record', async () => {
      const records = await readTopic(bootstrap, dlq).catch(() => []);
      return records.length === 1 ? records : undefined;
    });
    expect(dead[0]?.value?.toString()).toBe('not json {');
    expect(headerText(dead[0] as (typeof dead)[number])).toMatchObject({
      '__connect.errors.topic': topic,
      '__connect.errors.partition': '0',
      '__connect.errors.offset': '1',
      '__connect.errors.connector.name': name,
      '__connect.errors.stage': 'VALUE_CONVERTER',
    });
    expect((await status(name)).tasks[0]?.state).toBe('RUNNING');
  });

  it('a required field the table cannot get fails the task, naming table and field', async () => {
    const db = await database('mariadb');
    const topic = uniqueName('sink-evolve');
    const name = uniqueName('sink-evolve');
    await createTopic(topic);
    await send(topic, [
      { value: envelope(usersSchema(), { id: 1, name: 'a' }) },
      {
        value: envelope(usersSchema([{ type: 'string', optional: true, field: 'email' }]), {
          id: 2,
          email: 'e',
        }),
      },
      {
        value: envelope(usersSchema([{ type: 'string', optional: false, field: 'must' }]), {
          id: 3,
          must: 'x',
        }),
      },
    ]);
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSink',
        topics: topic,
        'auto.create': 'true',
        'auto.evolve': 'true',
        ...connection(db),
      },
    });
    const failed = await eventually(
      'the task FAILED',
      async () => {
        const s = await status(name);
        return s.tasks[0]?.state === 'FAILED' ? s : undefined;
      },
      60_000,
    );
    expect(failed.tasks[0]?.trace).toMatch(
      /Cannot ALTER TABLE `[^`]+`\.`[^`]+` to add missing field must, as the field is not optional and does not have a default value/,
    );
    // The two records before it were written (each put is its own transaction, so 1 or 2 rows).
    const columns = await withClient(db, (c) => db.dialect.describeTable(c, { table: topic }));
    expect(columns?.columns.map((c) => c.name)).toEqual(['id', 'name', 'email']);
  });

  it('delete.enabled: tombstones delete rows by record key (upsert, record_key)', async () => {
    const db = await database('postgres');
    const topic = uniqueName('sink-deletes');
    const name = uniqueName('sink-deletes');
    await createTopic(topic);
    await send(
      topic,
      [1, 2, 3].map((id) => ({
        key: keyEnvelope(id),
        value: envelope(usersSchema(), { id, name: `n${id}` }),
      })),
    );
    await send(topic, [
      { key: keyEnvelope(2), value: null },
      { key: keyEnvelope(3), value: envelope(usersSchema(), { id: 3, name: 'updated' }) },
    ]);
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSinkConnector',
        topics: topic,
        'auto.create': 'true',
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
        'delete.enabled': 'true',
        ...connection(db),
      },
    });
    const rows = await eventually(
      'rows 1 and 3 only',
      async () => {
        const r = await withClient(db, (c) =>
          c.query<{ id: number; name: string }>(
            `SELECT id, name FROM ${db.dialect.quoteIdentifier(topic)} ORDER BY id`,
          ),
        ).catch(() => []);
        return r.length === 2 && r[1]?.name === 'updated' ? r : undefined;
      },
      60_000,
    );
    expect(rows).toEqual([
      { id: 1, name: 'n1' },
      { id: 3, name: 'updated' },
    ]);
  });

  it('hostile field names and table.name.format are quoted; nothing is injected', async () => {
    const db = await database('mariadb');
    await withClient(db, (c) => c.execute('CREATE TABLE victim (id INT)'));
    const topic = uniqueName('sink-hostile');
    const name = uniqueName('sink-hostile');
    const field = 'na`me"; DROP TABLE victim; --';
    await createTopic(topic);
    await send(topic, [
      {
        value: envelope(usersSchema([{ type: 'string', optional: true, field }]), {
          id: 1,
          [field]: "v'; DROP TABLE victim; --",
        }),
      },
    ]);
    const format = '`; DROP TABLE victim; -- $' + '{topic}';
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSink',
        topics: topic,
        'auto.create': 'true',
        'table.name.format': format,
        ...connection(db),
      },
    });
    const table = `\`; DROP TABLE victim; -- ${topic}`;
    await eventually('the row in the hostile table', async () => (await countRows(db, table)) === 1, 60_000);
    const described = await withClient(db, (c) => db.dialect.describeTable(c, { table }));
    expect(described?.columns.map((c) => c.name)).toEqual(['id', 'name', field]);
    expect(await withClient(db, (c) => db.dialect.describeTable(c, { table: 'victim' }))).toBeDefined();
    const [row] = await withClient(db, (c) => c.query(`SELECT * FROM ${db.dialect.quoteIdentifier(table)}`));
    expect(row?.[field]).toBe("v'; DROP TABLE victim; --");
  });

  it('tasks.max=2 over a 4-partition topic writes every record exactly once', async () => {
    const db = await database('mariadb');
    const topic = uniqueName('sink-split');
    const name = uniqueName('sink-split');
    await createTopic(topic, 4);
    const total = 2000;
    await send(
      topic,
      Array.from({ length: total }, (_, i) => ({
        partition: i % 4,
        value: envelope(usersSchema(), { id: i, name: `n${i}` }),
      })),
    );
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSinkConnector',
        topics: topic,
        'tasks.max': '2',
        'auto.create': 'true',
        ...connection(db),
      },
    });
    await eventually('two tasks RUNNING', async () => {
      const s = await status(name);
      return s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING');
    });
    await eventually(`${total} rows`, async () => (await countRows(db, topic)) >= total, 90_000);
    // Let a late duplicate show up if there were one.
    await new Promise((r) => setTimeout(r, 2000));
    const [stats] = await withClient(db, (c) =>
      c.query<{ n: unknown; d: unknown }>(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ${db.dialect.quoteIdentifier(topic)}`,
      ),
    );
    expect([Number(stats?.n), Number(stats?.d)]).toEqual([total, total]);
    const s = await status(name);
    expect(s.tasks.map((t) => t.state)).toEqual(['RUNNING', 'RUNNING']);
  });
});
