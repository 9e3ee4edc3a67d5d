import type { DialectName, SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { tail, uniqueName } from '../support/run-process.js';
import {
  connection,
  createRunning,
  duplicates,
  exec,
  ids,
  readRecords,
  status,
  users1Ddl,
} from './source-harness.js';

/**
 * The JDBC source connector in a real worker process, against real Kafka and each database:
 * the seed's users1 round trip (with the seed's sink), every mode, offsets, table discovery,
 * tasks.max, and a table dropped while running.
 */

/** The seed's record (seed/000_30ac0762f0c26af2.txt): what Confluent's connector emits for users1. */
const SEED_RECORD =
  '{"schema":{"type":"struct","fields":' +
  '[{"type":"int32","optional":false,"field":"id"},' +
  '{"type":"string","optional":true,"field":"user_id"},' +
  '{"type":"string","optional":true,"field":"pwd"},' +
  '{"type":"string","optional":true,"field":"name"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"users1"},' +
  '"payload":{"id":7,"user_id":"user4","pwd":"user4444","name":"User4 name","created_at":1680643371000}}';

/** The seed's source connector JSON, as written but for the database address and credentials. */
const SEED_SOURCE = {
  name: 'my-source-connect',
  config: {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
    'connection.url': 'jdbc:mariadb://localhost:3307/mydb',
    'connection.user': 'root',
    'connection.password': 'password',
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'table.whitelist': 'users1',
    'topic.prefix': 'my_topic_',
    'tasks.max': '1',
  },
};

/** The seed's sink connector JSON (its comment line dropped: JSON has none). */
const SEED_SINK = {
  name: 'my-sink-connect',
  config: {
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': 'jdbc:mariadb://localhost:3307/mydb',
    'connection.user': 'root',
    'connection.password': 'password',
    'auto.create': 'true',
    'auto.evolve': 'true',
    'delete.enabled': 'false',
    'tasks.max': '1',
    topics: 'my_topic_users1',
  },
};

let worker: WorkerProcess;
const bootstrap = inject('kafkaBootstrap');

beforeAll(async () => {
  worker = await startWorker(clusterSettings(bootstrap, uniqueName('jdbc-source')));
});
afterAll(async () => {
  await worker?.kill();
});

function qualified(dialect: DialectName, db: TestDatabase, table: string): string {
  if (dialect === 'mariadb') return `${db.url.split('/').pop()}.${table}`;
  return dialect === 'postgres' ? `public.${table}` : table;
}

/** A timestamp literal column type with sub-second digits, per dialect. */
function timestampType(dialect: DialectName): string {
  return dialect === 'mariadb' ? 'DATETIME(6)' : dialect === 'postgres' ? 'TIMESTAMP(6)' : 'DATETIME';
}

function idType(dialect: DialectName): string {
  return dialect === 'postgres' ? 'SERIAL' : dialect === 'mariadb' ? 'INT AUTO_INCREMENT' : 'INTEGER';
}

describe.each(ALL_DIALECTS)('JDBC source connector on %s (worker, real Kafka)', (dialect) => {
  let db: TestDatabase;
  let client: SqlClient;
  const run = uniqueName('src').replaceAll('-', '_');
  const prefix = (what: string) => `${run}_${what}_`;

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'src');
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  it("round-trips the seed's users1: source JSON as written → my_topic_users1 → the seed's sink table", async () => {
    await exec(client, users1Ddl(dialect));
    // MariaDB runs the seed's JSON as written (topic my_topic_users1, shared by every run, so
    // this run's rows are told apart by user_id); the other databases get a topic of their own.
    const topicPrefix = dialect === 'mariadb' ? 'my_topic_' : prefix('my_topic');
    const topic = `${topicPrefix}users1`;
    const marker = run.slice(-6);
    const source = {
      name: `${SEED_SOURCE.name}-${run}`,
      config: {
        ...SEED_SOURCE.config,
        'connection.password': undefined,
        ...connection(db),
        'topic.prefix': topicPrefix,
      },
    };
    const created = await rest(worker.url, 'POST', '/connectors', JSON.stringify(source));
    expect(created.status).toBe(201);
    // The first connector of a fresh worker: join, connector start, task configs and a second
    // rebalance, on a machine that runs other suites meanwhile; hence more than the usual 30 s.
    await eventually(
      'source RUNNING',
      async () => {
        const now = await status(worker.url, source.name);
        // Thrown, not returned: a timeout then reports the whole status, trace included.
        if (now.tasks[0]?.state !== 'RUNNING') throw new Error(`status ${JSON.stringify(now)}`);
        return true;
      },
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nworker log:\n${tail(worker.logFile, 40)}`);
    });

    await client.execute(
      "INSERT INTO users1 (user_id, pwd, name, created_at) VALUES ('user4', 'user4444', 'User4 name', '2023-04-04 21:22:51')",
    );
    for (let i = 1; i <= 3; i++) {
      await client.execute(
        `INSERT INTO users1 (user_id, pwd, name) VALUES ('${marker}-${i}', 'pwd${i}', 'User ${i}')`,
      );
    }
    const rows = await client.query<{
      id: unknown;
      user_id: string;
      pwd: string;
      name: string;
      created_at: unknown;
    }>('SELECT id, user_id, pwd, name, created_at FROM users1 ORDER BY id');
    const all = await readRecords(bootstrap, topic, {
      min: 4,
      until: (records) =>
        records.filter((r) => String(r.value.payload.user_id).startsWith(`${marker}-`)).length >= 3,
    });
    // Ours: the seed-shaped row plus this run's rows (the MariaDB topic is shared between runs).
    const ours = all.filter((r) =>
      rows.some((row) => row.user_id === r.value.payload.user_id && row.user_id !== 'user4'),
    );
    const seedShaped = all.filter((r) => r.value.payload.user_id === 'user4');
    expect(ours).toHaveLength(3);
    expect(seedShaped.length).toBeGreaterThanOrEqual(1);

    // The seed's record, byte for byte, but for the id the database gave the row.
    const seedRow = rows[0] as { id: unknown };
    const expectedSeed = SEED_RECORD.replace('"id":7', `"id":${Number(seedRow.id)}`);
    expect(seedShaped.map((r) => r.text)).toContain(expectedSeed);
    const seed = JSON.parse(SEED_RECORD);
    for (const record of ours) {
      expect(record.key).toBeUndefined();
      expect(record.value.schema).toEqual(seed.schema);
      const row = rows.find((r) => r.user_id === record.value.payload.user_id);
      expect(Object.keys(record.value.payload)).toEqual(['id', 'user_id', 'pwd', 'name', 'created_at']);
      expect(record.value.payload).toMatchObject({
        id: Number(row?.id),
        user_id: row?.user_id,
        pwd: row?.pwd,
        name: row?.name,
      });
      expect(typeof record.value.payload.created_at).toBe('number');
      expect(Math.abs(Number(record.value.payload.created_at) - Date.now())).toBeLessThan(120_000);
    }

    // Offsets in connect-offsets with Confluent's partition and offset shapes.
    await eventually('offset of the last row', async () => {
      const o = (await rest(worker.url, 'GET', `/connectors/${source.name}/offsets`)).body as {
        offsets: { partition: unknown; offset: unknown }[];
      };
      expect(o.offsets).toEqual([
        {
          partition: { protocol: '1', table: qualified(dialect, db, 'users1') },
          offset: { incrementing: rows.length },
        },
      ]);
      return true;
    });

    // The seed's sink connector on that topic: the rows land in a table named after the topic.
    const sink = {
      name: `${SEED_SINK.name}-${run}`,
      config: {
        ...SEED_SINK.config,
        'connection.password': undefined,
        ...connection(db),
        topics: topic,
      },
    };
    expect((await rest(worker.url, 'POST', '/connectors', JSON.stringify(sink))).status).toBe(201);
    const q = db.dialect.quoteIdentifier;
    const sunk = await eventually(
      'the rows in the sink table',
      async () => {
        const s = await status(worker.url, sink.name);
        const failed = s.tasks.find((t) => t.state === 'FAILED');
        if (failed) throw new Error(`sink task failed: ${failed.trace}`);
        const got = await client
          .query<{ id: unknown; user_id: string; pwd: string; name: string; created_at: unknown }>(
            `SELECT ${q('id')}, ${q('user_id')}, ${q('pwd')}, ${q('name')}, ${q('created_at')} FROM ${q(topic)}`,
          )
          .catch(() => []);
        const ofThisRun = got.filter((r) => r.user_id.startsWith(`${marker}-`));
        return ofThisRun.length >= 3 && got.some((r) => r.user_id === 'user4') ? got : undefined;
      },
      60_000,
    );
    const normal = (r: { id: unknown; user_id: string; pwd: string; name: string; created_at: unknown }) => ({
      id: Number(r.id),
      user_id: r.user_id,
      pwd: r.pwd,
      name: r.name,
      // Whole seconds: the sink's column type decides the sub-second digits kept.
      created_at: Math.floor(
        (r.created_at instanceof Date
          ? r.created_at.getTime()
          : typeof r.created_at === 'number' || typeof r.created_at === 'bigint'
            ? Number(r.created_at)
            : new Date(`${String(r.created_at).replace(' ', 'T')}Z`).getTime()) / 1000,
      ),
    });
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    // The MariaDB topic is shared by every run: this run's rows are the ones with its marker.
    const mine = (r: { user_id: string }) => r.user_id.startsWith(`${marker}-`);
    expect(sunk.map(normal).filter(mine).sort(byId)).toEqual(rows.map(normal).filter(mine).sort(byId));
    expect(sunk.map(normal)).toContainEqual(normal(rows[0] as (typeof rows)[number]));
    await rest(worker.url, 'DELETE', `/connectors/${sink.name}`);
    await rest(worker.url, 'DELETE', `/connectors/${source.name}`);
  });

  it('incrementing: pages of batch.max.rows, later rows, each exactly once and in order', async () => {
    await exec(
      client,
      `CREATE TABLE inc_rows (id ${idType(dialect)} PRIMARY KEY, label VARCHAR(30) NOT NULL)`,
    );
    const values = Array.from({ length: 250 }, (_, i) => [`row ${i + 1}`]);
    await client.executeMany(`INSERT INTO inc_rows (label) VALUES (${db.dialect.placeholder(1)})`, values);
    const name = `${run}-inc`;
    await createRunning(worker.url, name, {
      'connector.class': 'JdbcSourceConnector',
      ...connection(db),
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': 'inc_rows',
      'topic.prefix': prefix('inc'),
      'batch.max.rows': '100',
      'poll.interval.ms': '200',
    });
    await client.executeMany(`INSERT INTO inc_rows (label) VALUES (${db.dialect.placeholder(1)})`, [
      ['late 1'],
      ['late 2'],
    ]);
    const records = await readRecords(bootstrap, `${prefix('inc')}inc_rows`, { min: 252 });
    // Auto-increment may leave gaps (MariaDB reserves ids for bulk inserts): the table's ids.
    const expected = await client.query<{ id: unknown }>('SELECT id FROM inc_rows ORDER BY id');
    expect(ids(records)).toEqual(expected.map((r) => Number(r.id)));
    expect(records.at(-1)?.value.payload).toEqual({ id: Number(expected.at(-1)?.id), label: 'late 2' });

    // PATCH /connectors/{name}/offsets rewinds: the last two rows are sent again.
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/stop`)).status).toBe(204);
    await eventually('STOPPED', async () => (await status(worker.url, name)).connector.state === 'STOPPED');
    const rewindTo = Number(expected.at(-3)?.id);
    const patched = await rest(worker.url, 'PATCH', `/connectors/${name}/offsets`, {
      offsets: [
        {
          partition: { protocol: '1', table: qualified(dialect, db, 'inc_rows') },
          offset: { incrementing: rewindTo },
        },
      ],
    });
    expect(patched.status).toBe(200);
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/resume`)).status).toBe(202);
    const again = await readRecords(bootstrap, `${prefix('inc')}inc_rows`, { min: 254 });
    expect(ids(again).slice(252)).toEqual(expected.slice(-2).map((r) => Number(r.id)));
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });

  it('bulk and query modes: every row each poll; a custom query (with its own WHERE) to topic.prefix', async () => {
    await exec(
      client,
      `CREATE TABLE bulk_rows (id INT PRIMARY KEY, active INT NOT NULL, label VARCHAR(10))`,
      "INSERT INTO bulk_rows VALUES (1, 1, 'a'), (2, 0, 'b'), (3, 1, 'c')",
    );
    const bulk = `${run}-bulk`;
    await createRunning(worker.url, bulk, {
      'connector.class': 'JdbcSource',
      ...connection(db),
      mode: 'bulk',
      'table.whitelist': 'bulk_rows',
      'topic.prefix': prefix('bulk'),
      'poll.interval.ms': '500',
    });
    const repeated = await readRecords(bootstrap, `${prefix('bulk')}bulk_rows`, { min: 6, settleMs: 200 });
    expect(ids(repeated).slice(0, 6)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(repeated[0]?.value.schema).toMatchObject({ name: 'bulk_rows', type: 'struct' });
    await rest(worker.url, 'DELETE', `/connectors/${bulk}`);

    const query = `${run}-query`;
    const topic = `${run}_active_rows`;
    await createRunning(worker.url, query, {
      'connector.class': 'JdbcSource',
      ...connection(db),
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      query: 'SELECT id, label FROM bulk_rows WHERE active = 1',
      'topic.prefix': topic,
      'poll.interval.ms': '200',
    });
    await client.execute("INSERT INTO bulk_rows VALUES (4, 1, 'd'), (5, 0, 'e')");
    const rows = await readRecords(bootstrap, topic, { min: 3 });
    expect(rows.map((r) => r.value.payload)).toEqual([
      { id: 1, label: 'a' },
      { id: 3, label: 'c' },
      { id: 4, label: 'd' },
    ]);
    // A custom query's struct has no name (as Confluent's); its partition is {"query":"query"}.
    expect(rows[0]?.value.schema.name).toBeUndefined();
    await eventually('query offset', async () => {
      const o = (await rest(worker.url, 'GET', `/connectors/${query}/offsets`)).body as {
        offsets: unknown[];
      };
      expect(o.offsets).toEqual([{ partition: { query: 'query' }, offset: { incrementing: 4 } }]);
      return true;
    });
    await rest(worker.url, 'DELETE', `/connectors/${query}`);
  });

  it.each(['timestamp', 'timestamp+incrementing'])(
    '%s: rows sharing one timestamp across pages, updates re-sent, nothing twice',
    async (mode) => {
      const table = mode === 'timestamp' ? 'ts_rows' : 'tsi_rows';
      await exec(
        client,
        `CREATE TABLE ${table} (id INT PRIMARY KEY, label VARCHAR(30), updated_at ${timestampType(dialect)} NOT NULL)`,
      );
      // 7 rows at one instant, 3 more at another, then a row in the future (never read yet).
      const rows: [number, string, string][] = [
        ...Array.from({ length: 7 }, (_, i): [number, string, string] => [
          i + 1,
          `same ${i + 1}`,
          '2024-01-01 10:00:00.250',
        ]),
        [8, 'later a', '2024-01-01 10:00:01.5'],
        [9, 'later b', '2024-01-01 10:00:01.5'],
        [10, 'later c', '2024-01-01 10:00:02'],
        [11, 'future', '2999-01-01 00:00:00'],
      ];
      const p = db.dialect.placeholder;
      await client.executeMany(
        `INSERT INTO ${table} (id, label, updated_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`,
        rows,
      );
      const name = `${run}-${table}`;
      const topic = `${prefix(table)}${table}`;
      await createRunning(worker.url, name, {
        'connector.class': 'JdbcSourceConnector',
        ...connection(db),
        mode,
        'timestamp.column.name': 'updated_at',
        ...(mode === 'timestamp' ? {} : { 'incrementing.column.name': 'id' }),
        'table.whitelist': table,
        'topic.prefix': prefix(table),
        'batch.max.rows': '3',
        'poll.interval.ms': '200',
        'timestamp.delay.interval.ms': '0',
      });
      const first = await readRecords(bootstrap, topic, { min: 10 });
      expect(ids(first).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(duplicates(ids(first)).size).toBe(0);
      const created = first.find((r) => r.value.payload.id === 1)?.value.payload.updated_at;
      expect(created).toBe(Date.UTC(2024, 0, 1, 10, 0, 0, 250));

      await client.execute(`UPDATE ${table} SET label = 'changed', updated_at = ${p(1)} WHERE id = 2`, [
        '2024-06-01 00:00:00',
      ]);
      const after = await readRecords(bootstrap, topic, { min: 11 });
      expect(after).toHaveLength(11);
      expect(after[10]?.value.payload).toMatchObject({ id: 2, label: 'changed' });

      const offsets = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as {
        offsets: { offset: Record<string, number> }[];
      };
      await eventually('the offset of the update', async () => {
        const o = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as typeof offsets;
        const expected: Record<string, number> = { timestamp_nanos: 0, timestamp: Date.UTC(2024, 5, 1) };
        if (mode !== 'timestamp') expected.incrementing = 2;
        expect(o.offsets[0]?.offset).toEqual(expected);
        return true;
      });
      await rest(worker.url, 'DELETE', `/connectors/${name}`);
    },
  );

  it('maps column types (numeric.mapping none and best_fit) as Confluent does', async () => {
    const ddl: Record<DialectName, string> = {
      mariadb:
        'CREATE TABLE types (id INT PRIMARY KEY, t TINYINT, s SMALLINT, b BIGINT NOT NULL, f FLOAT, d DOUBLE, ' +
        'money DECIMAL(10,2), n DECIMAL(5,0), v VARCHAR(10), bl BLOB, dt DATE, tm TIME, ts DATETIME(3), u INT UNSIGNED)',
      postgres:
        'CREATE TABLE types (id INT PRIMARY KEY, t BOOLEAN, s SMALLINT, b BIGINT NOT NULL, f REAL, d DOUBLE PRECISION, ' +
        'money NUMERIC(10,2), n NUMERIC(5,0), v VARCHAR(10), bl BYTEA, dt DATE, tm TIME, ts TIMESTAMP(3), u NUMERIC)',
      sqlite:
        'CREATE TABLE types (id INTEGER PRIMARY KEY, t BOOLEAN, s SMALLINT, b BIGINT NOT NULL, f REAL, d DOUBLE, ' +
        'money NUMERIC(10,2), n NUMERIC(5,0), v VARCHAR(10), bl BLOB, dt DATE, tm TIME, ts DATETIME, u BIGINT)',
    };
    await exec(client, ddl[dialect]);
    const p = db.dialect.placeholder;
    await client.execute(
      `INSERT INTO types VALUES (1, ${p(1)}, -3, 9007199254740993, 1.5, 2.25, 12.5, 42, 'text', ${p(2)}, '2024-04-05', '10:11:12', '2024-04-05 06:07:08.123', 7)`,
      [dialect === 'mariadb' ? 1 : true, Buffer.from([1, 2, 255])],
    );
    for (const mapping of ['none', 'best_fit']) {
      const name = `${run}-types-${mapping}`;
      await createRunning(worker.url, name, {
        'connector.class': 'JdbcSourceConnector',
        ...connection(db),
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.whitelist': 'types',
        'numeric.mapping': mapping,
        'topic.prefix': prefix(`types_${mapping}`),
        'poll.interval.ms': '200',
      });
      const [record] = await readRecords(bootstrap, `${prefix(`types_${mapping}`)}types`, { min: 1 });
      const fields = Object.fromEntries(
        (
          (record?.value.schema.fields ?? []) as {
            field: string;
            type: string;
            name?: string;
            optional: boolean;
          }[]
        ).map((f) => [
          f.field,
          `${f.type}${f.name ? `:${f.name.split('.').pop()}` : ''}${f.optional ? '?' : ''}`,
        ]),
      );
      const payload = record?.value.payload as Record<string, unknown>;
      const flag = { mariadb: 'int8?', postgres: 'boolean?', sqlite: 'boolean?' }[dialect];
      expect(fields).toMatchObject({
        id: 'int32',
        t: flag,
        s: 'int16?',
        b: 'int64',
        d: 'double?',
        v: 'string?',
        bl: 'bytes?',
        dt: 'int32:Date?',
        tm: 'int32:Time?',
        ts: 'int64:Timestamp?',
      });
      expect(payload).toMatchObject({
        s: -3,
        d: 2.25,
        v: 'text',
        bl: Buffer.from([1, 2, 255]).toString('base64'),
        dt: 19818,
        tm: 36672000,
        ts: Date.UTC(2024, 3, 5, 6, 7, 8, 123),
      });
      // The exact int64 in the JSON text, beyond 2^53.
      expect(record?.text).toContain('"b":9007199254740993');
      if (mapping === 'none') {
        expect(fields.money).toBe('bytes:Decimal?');
        expect(payload.money).toBe(Buffer.from([0x04, 0xe2]).toString('base64'));
        expect(fields.n).toBe('bytes:Decimal?');
      } else {
        expect(fields.money).toBe('double?');
        expect(payload.money).toBe(12.5);
        expect(fields.n).toBe('int32?');
        expect(payload.n).toBe(42);
      }
      await rest(worker.url, 'DELETE', `/connectors/${name}`);
    }
  });

  it('spreads tables over tasks.max tasks and picks up a table created while running', async () => {
    for (const t of ['disc_a', 'disc_b', 'disc_c']) {
      await exec(
        client,
        `CREATE TABLE ${t} (id INT PRIMARY KEY, v VARCHAR(10))`,
        `INSERT INTO ${t} VALUES (1, '${t}')`,
      );
    }
    const name = `${run}-disc`;
    await createRunning(
      worker.url,
      name,
      {
        'connector.class': 'JdbcSourceConnector',
        ...connection(db),
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.include.list': 'disc_.*',
        'topic.prefix': prefix('disc'),
        'tasks.max': '2',
        'poll.interval.ms': '200',
        'table.poll.interval.ms': '1000',
      },
      2,
    );
    const tasks = (await rest(worker.url, 'GET', `/connectors/${name}/tasks`)).body as {
      config: Record<string, string>;
    }[];
    const assigned = tasks.map((t) =>
      (JSON.parse(t.config.tables ?? '[]') as { table: string }[]).map((x) => x.table),
    );
    expect(assigned).toEqual([['disc_a', 'disc_b'], ['disc_c']]);
    for (const t of ['disc_a', 'disc_c']) {
      expect(ids(await readRecords(bootstrap, `${prefix('disc')}${t}`, { min: 1 }))).toEqual([1]);
    }
    await exec(
      client,
      'CREATE TABLE disc_d (id INT PRIMARY KEY, v VARCHAR(10))',
      "INSERT INTO disc_d VALUES (1, 'new')",
    );
    const discovered = await readRecords(bootstrap, `${prefix('disc')}disc_d`, { min: 1, timeoutMs: 60_000 });
    expect(discovered.map((r) => r.value.payload)).toEqual([{ id: 1, v: 'new' }]);
    await eventually('two tasks covering four tables', async () => {
      const t = (await rest(worker.url, 'GET', `/connectors/${name}/tasks`)).body as {
        config: Record<string, string>;
      }[];
      return t.flatMap((x) => JSON.parse(x.config.tables ?? '[]')).length === 4 && t.length === 2;
    });
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });

  it('fails the task with a clear trace when its table is dropped; the worker keeps serving', async () => {
    await exec(
      client,
      `CREATE TABLE doomed (id INT PRIMARY KEY, v VARCHAR(10))`,
      "INSERT INTO doomed VALUES (1, 'x')",
      `CREATE TABLE survivor (id INT PRIMARY KEY, v VARCHAR(10))`,
    );
    const common = {
      'connector.class': 'JdbcSourceConnector',
      ...connection(db),
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'poll.interval.ms': '200',
      'table.poll.interval.ms': '600000',
    };
    await createRunning(worker.url, `${run}-doomed`, {
      ...common,
      'table.whitelist': 'doomed',
      'topic.prefix': prefix('doomed'),
    });
    await createRunning(worker.url, `${run}-survivor`, {
      ...common,
      'table.whitelist': 'survivor',
      'topic.prefix': prefix('survivor'),
    });
    await readRecords(bootstrap, `${prefix('doomed')}doomed`, { min: 1 });
    await exec(client, 'DROP TABLE doomed');
    const failed = await eventually('task FAILED', async () => {
      const s = await status(worker.url, `${run}-doomed`);
      return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : undefined;
    });
    expect(failed.trace).toContain(qualified(dialect, db, 'doomed'));
    expect(failed.trace).toMatch(/does not exist|no longer exists|is gone/);
    expect(failed.trace).not.toMatch(/password/i);
    // The worker still serves, and the other connector still copies rows.
    expect((await rest(worker.url, 'GET', '/connectors')).status).toBe(200);
    await client.execute("INSERT INTO survivor VALUES (1, 'alive')");
    const alive = await readRecords(bootstrap, `${prefix('survivor')}survivor`, { min: 1 });
    expect(alive.map((r) => r.value.payload)).toEqual([{ id: 1, v: 'alive' }]);
    expect((await status(worker.url, `${run}-survivor`)).tasks[0]?.state).toBe('RUNNING');
    await rest(worker.url, 'DELETE', `/connectors/${run}-doomed`);
    await rest(worker.url, 'DELETE', `/connectors/${run}-survivor`);
  });
});
