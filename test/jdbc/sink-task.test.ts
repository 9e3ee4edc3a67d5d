import type { SinkRecord, SinkTaskContext, TopicPartition } from '@msa-sync/connect/api';
import {
  Decimal,
  DecimalType,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
  TimestampType,
} from '@msa-sync/connect/data';
import { JdbcSinkTask, TOPIC_PLACEHOLDER } from '@msa-sync/connect/testing';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * The sink task against the real databases, records handed to put() directly: every insert and
 * pk mode, DDL, deletes, hostile names, retries and the exactly-once offsets table. The paths
 * through Kafka and the worker are in sink-connector.test.ts.
 */
const users = SchemaBuilder.struct()
  .name('users1')
  .field('id', Schemas.INT32)
  .field('user_id', Schemas.OPTIONAL_STRING)
  .field('pwd', Schemas.OPTIONAL_STRING)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('created_at', TimestampType.OPTIONAL_SCHEMA)
  .build();
const idKey = SchemaBuilder.struct().field('id', Schemas.INT32).build();
const SEED_INSTANT = 1680643371000;

function user(id: number, name = `User${id} name`, createdAt = SEED_INSTANT): Struct {
  return new Struct(users)
    .put('id', id)
    .put('user_id', `user${id}`)
    .put('pwd', `pwd${id}`)
    .put('name', name)
    .put('created_at', new Date(createdAt));
}

let offset = 0n;
function rec(
  topic: string,
  value: Struct | null,
  options: {
    key?: unknown;
    keySchema?: Schema;
    valueSchema?: Schema;
    partition?: number;
    offset?: bigint;
  } = {},
): SinkRecord {
  return {
    topic,
    kafkaPartition: options.partition ?? 0,
    kafkaOffset: options.offset ?? offset++,
    keySchema: options.keySchema,
    key: options.key ?? null,
    valueSchema: value === null ? undefined : (options.valueSchema ?? value.schema),
    value,
    timestamp: undefined,
    headers: [],
  };
}

function keyed(
  topic: string,
  value: Struct | null,
  id: number,
  extra: { offset?: bigint; partition?: number } = {},
) {
  return rec(topic, value, { key: new Struct(idKey).put('id', id), keySchema: idKey, ...extra });
}

interface Harness {
  task: JdbcSinkTask;
  rewinds: Map<string, { topicPartition: TopicPartition; offset: bigint }>[];
}

async function startTask(
  db: TestDatabase,
  config: Record<string, string>,
  connector = 'sink',
  errantRecordReporter?: SinkTaskContext['errantRecordReporter'],
): Promise<Harness> {
  const task = new JdbcSinkTask();
  const rewinds: Harness['rewinds'] = [];
  const context: SinkTaskContext = {
    connector,
    taskId: 0,
    offset: (o) => rewinds.push(new Map(o)),
    requestCommit: () => {},
    errantRecordReporter,
    assignment: () => [],
  };
  await task.start(
    {
      'connection.url': db.url,
      ...(db.user ? { 'connection.user': db.user } : {}),
      'auto.create': 'true',
      ...config,
    },
    context,
  );
  return { task, rewinds };
}

describe.each(ALL_DIALECTS)('JDBC sink task on %s', (dialect) => {
  let db: TestDatabase;
  let client: SqlClient;
  const q = (name: string) => db.dialect.quoteIdentifier(name);
  const count = async (table: string) =>
    Number((await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${q(table)}`))[0]?.n);
  const rows = (table: string, order = 'id') =>
    client.query<Record<string, unknown>>(`SELECT * FROM ${q(table)} ORDER BY ${q(order)}`);

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'sink');
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  it('auto.create: the seed record lands with typed columns and the right instant', async () => {
    const { task } = await startTask(db, {});
    await task.put([rec('my_topic_users1', user(7, 'User4 name'))]);
    await task.stop();
    const table = await db.dialect.describeTable(client, { table: 'my_topic_users1' });
    const types = Object.fromEntries(table?.columns.map((c) => [c.name, c.typeName]) ?? []);
    expect(types).toEqual(
      {
        mariadb: { id: 'int', user_id: 'text', pwd: 'text', name: 'text', created_at: 'datetime' },
        postgres: {
          id: 'integer',
          user_id: 'text',
          pwd: 'text',
          name: 'text',
          created_at: 'timestamp without time zone',
        },
        sqlite: { id: 'integer', user_id: 'text', pwd: 'text', name: 'text', created_at: 'datetime' },
      }[dialect],
    );
    expect(table?.columns.find((c) => c.name === 'id')?.nullable).toBe(false);
    const [row] = await rows('my_topic_users1');
    expect(row).toMatchObject({ user_id: 'user7', pwd: 'pwd7', name: 'User4 name' });
    expect(Number(row?.id)).toBe(7);
    expect(instant(row?.created_at)).toBe(SEED_INSTANT);
  });

  it('db.timezone: zone-less timestamp columns hold the clock time of that zone', async () => {
    const { task } = await startTask(db, { 'db.timezone': 'Asia/Seoul' });
    await task.put([rec('seoul', user(7))]);
    await task.stop();
    const text = { mariadb: 'CAST(created_at AS CHAR)', postgres: 'created_at::text', sqlite: 'created_at' }[
      dialect
    ];
    const [row] = await client.query<{ t: string }>(`SELECT ${text} AS t FROM ${q('seoul')}`);
    // 1680643371000 is 2023-04-04 21:22:51 UTC, 2023-04-05 06:22:51 in Seoul (UTC+9).
    expect(String(row?.t).slice(0, 19)).toBe('2023-04-05 06:22:51');
  });

  it('insert mode writes every record once, in multi-row chunks under batch.size', async () => {
    const { task } = await startTask(db, { 'batch.size': '7' });
    await task.put(Array.from({ length: 100 }, (_, i) => rec('chunked', user(i))));
    await task.stop();
    expect(await count('chunked')).toBe(100);
  });

  it('insert mode fails on a duplicate key with table, SQL state and message', async () => {
    const { task } = await startTask(db, { 'pk.mode': 'record_key', 'max.retries': '0' });
    await task.put([keyed('dup', user(1), 1)]);
    const error = await task.put([keyed('dup', user(1), 1)]).catch((e: Error) => e);
    await task.stop();
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/JDBC sink failed writing 1 record\(s\) from dup-0@\d+/);
    expect(message).toContain(
      `table ${db.dialect.tableRef(dialect === 'mariadb' ? { catalog: dbName(db), table: 'dup' } : { table: 'dup' })}`,
    );
    if (dialect !== 'sqlite') expect(message).toMatch(/SQL state 23(000|505)/);
    expect(message).toMatch(/[Dd]uplicate|unique|UNIQUE/);
  });

  it('upsert on a struct key: one row per key, last write wins, also within one batch', async () => {
    const { task } = await startTask(db, { 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
    await task.put([
      keyed('ups', user(1, 'a'), 1),
      keyed('ups', user(2, 'b'), 2),
      keyed('ups', user(1, 'c'), 1),
    ]);
    await task.put([keyed('ups', user(2, 'd'), 2), keyed('ups', user(3, 'e'), 3)]);
    await task.stop();
    expect((await rows('ups')).map((r) => [Number(r.id), r.name])).toEqual([
      [1, 'c'],
      [2, 'd'],
      [3, 'e'],
    ]);
    expect((await db.dialect.describeTable(client, { table: 'ups' }))?.primaryKey).toEqual(['id']);
  });

  it('update mode changes existing rows only', async () => {
    const seed = await startTask(db, {
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await seed.task.put([rec('upd', user(1, 'a')), rec('upd', user(2, 'b'))]);
    await seed.task.stop();
    const { task } = await startTask(db, {
      'insert.mode': 'update',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await task.put([rec('upd', user(2, 'B')), rec('upd', user(3, 'C'))]);
    await task.stop();
    expect((await rows('upd')).map((r) => [Number(r.id), r.name])).toEqual([
      [1, 'a'],
      [2, 'B'],
    ]);
  });

  it('pk.mode=kafka keys rows by topic, partition and offset; fields.whitelist limits columns', async () => {
    const { task } = await startTask(db, { 'pk.mode': 'kafka', 'fields.whitelist': 'id,name' });
    await task.put([rec('kafka_pk', user(1), { partition: 3, offset: 17n })]);
    await task.stop();
    const table = await db.dialect.describeTable(client, { table: 'kafka_pk' });
    expect(table?.columns.map((c) => c.name)).toEqual([
      'id',
      'name',
      '__connect_offset',
      '__connect_partition',
      '__connect_topic',
    ]);
    expect(table?.primaryKey).toEqual(['__connect_topic', '__connect_partition', '__connect_offset']);
    const [row] = await rows('kafka_pk');
    expect([row?.__connect_topic, Number(row?.__connect_partition), Number(row?.__connect_offset)]).toEqual([
      'kafka_pk',
      3,
      17,
    ]);
  });

  it('record_key with a primitive key and pk.fields names the key column', async () => {
    const { task } = await startTask(db, {
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'pk.fields': 'user_key',
    });
    await task.put([rec('prim', user(1), { key: 'k-1', keySchema: Schemas.STRING })]);
    await task.put([rec('prim', user(1, 'again'), { key: 'k-1', keySchema: Schemas.STRING })]);
    await task.stop();
    expect((await rows('prim', 'user_key')).map((r) => [r.user_key, r.name])).toEqual([['k-1', 'again']]);
  });

  it('delete.enabled: tombstones delete by key; a write after a delete in one batch survives', async () => {
    const { task } = await startTask(db, {
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'delete.enabled': 'true',
    });
    await task.put([keyed('del', user(1), 1), keyed('del', user(2), 2), keyed('del', user(3), 3)]);
    await task.put([
      keyed('del', null, 1),
      keyed('del', null, 2),
      keyed('del', user(2, 'back'), 2),
      keyed('del', null, 9),
    ]);
    await task.stop();
    expect((await rows('del')).map((r) => [Number(r.id), r.name])).toEqual([
      [2, 'back'],
      [3, 'User3 name'],
    ]);
  });

  it('tombstones are dropped (not failed) when delete.enabled is false', async () => {
    const { task } = await startTask(db, { 'insert.mode': 'upsert', 'pk.mode': 'record_key' });
    await task.put([keyed('nodel', user(1), 1), keyed('nodel', null, 1)]);
    await task.stop();
    expect(await count('nodel')).toBe(1);
  });

  it('hands records it cannot write to the errant record reporter when the worker gives one', async () => {
    const reported: [SinkRecord, Error][] = [];
    const { task } = await startTask(db, {}, 'errant', {
      report: async (record, error) => {
        reported.push([record, error]);
      },
    });
    const bad = { ...rec('errant', user(2)), value: 'not a struct', valueSchema: undefined };
    await task.put([rec('errant', user(1)), bad, rec('errant', user(3))]);
    await task.stop();
    expect(await count('errant')).toBe(2);
    expect(reported.map(([r, e]) => [r.kafkaOffset, e.message])).toEqual([
      [bad.kafkaOffset, expect.stringMatching(/non-null Struct value/)],
    ]);
  });

  it('auto.evolve adds optional fields; a required field without default fails clearly', async () => {
    const { task } = await startTask(db, { 'auto.evolve': 'true' });
    await task.put([rec('evolve', user(1))]);
    const v2 = SchemaBuilder.struct()
      .name('users1')
      .field('id', Schemas.INT32)
      .field('name', Schemas.OPTIONAL_STRING)
      .field('email', Schemas.OPTIONAL_STRING)
      .field('score', SchemaBuilder.int32().defaultValue(5).build())
      .field('balance', DecimalType.builder(2).optional().build())
      .build();
    await task.put([
      rec(
        'evolve',
        new Struct(v2)
          .put('id', 2)
          .put('email', 'a@b')
          .put('score', 9)
          .put('balance', new Decimal(12345n, 2)),
      ),
    ]);
    const all = await rows('evolve');
    expect(all.map((r) => [Number(r.id), r.email, Number(r.score), String(r.balance)])).toEqual([
      [1, null, 5, 'null'],
      [2, 'a@b', 9, '123.45'],
    ]);
    const v3 = SchemaBuilder.struct()
      .name('users1')
      .field('id', Schemas.INT32)
      .field('must', Schemas.STRING)
      .build();
    const error = await task
      .put([rec('evolve', new Struct(v3).put('id', 3).put('must', 'x'))])
      .catch((e: Error) => e);
    await task.stop();
    expect((error as Error).message).toMatch(
      /Cannot ALTER TABLE .*evolve.* to add missing field must, as the field is not optional and does not have a default value/,
    );

    const strict = await startTask(db, {});
    const refused = await strict.task
      .put([rec('evolve', new Struct(v3).put('id', 4).put('must', 'x'))])
      .catch((e: Error) => e);
    await strict.task.stop();
    expect((refused as Error).message).toMatch(/missing fields \(must\) and auto-evolution is disabled/);
    const none = await startTask(db, { 'auto.create': 'false' });
    const missing = await none.task.put([rec('never_created', user(1))]).catch((e: Error) => e);
    await none.task.stop();
    expect((missing as Error).message).toMatch(/is missing and auto-creation is disabled/);
  });

  it('hostile table and field names are quoted: the table is created as named, nothing else runs', async () => {
    await client.execute(`CREATE TABLE ${q('victim')} (${q('id')} INT)`);
    const hostileField = 'na`me"; DROP TABLE victim; --';
    const schema = SchemaBuilder.struct()
      .field('id', Schemas.INT32)
      .field(
        hostileField,
        SchemaBuilder.string().optional().defaultValue("'); DROP TABLE victim; --\\").build(),
      )
      .build();
    const format = `x\`"; DROP TABLE victim; -- ${TOPIC_PLACEHOLDER}`;
    const { task } = await startTask(db, {
      'table.name.format': format,
      'auto.evolve': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'insert.mode': 'upsert',
    });
    await task.put([rec('t-1', new Struct(schema).put('id', 1).put(hostileField, 'v'))]);
    const extra = SchemaBuilder.struct()
      .field('id', Schemas.INT32)
      .field(hostileField, Schemas.OPTIONAL_STRING)
      .field("it's; DROP TABLE victim", Schemas.OPTIONAL_STRING)
      .build();
    await task.put([rec('t-1', new Struct(extra).put('id', 2).put("it's; DROP TABLE victim", 'w'))]);
    await task.stop();
    const tableName = 'x`"; DROP TABLE victim; -- t-1';
    const table = await db.dialect.describeTable(client, { table: tableName });
    expect(table?.columns.map((c) => c.name)).toEqual(['id', hostileField, "it's; DROP TABLE victim"]);
    expect(await count(tableName)).toBe(2);
    expect(await db.dialect.describeTable(client, { table: 'victim' })).toBeDefined();
  });

  it('exactly.once.offsets.table: a batch written twice lands once; open() rewinds to the stored offsets', async () => {
    const first = await startTask(db, { 'exactly.once.offsets.table': 'sink_offsets' }, 'eos');
    const batch = Array.from({ length: 10 }, (_, i) =>
      rec('eos', user(i), { partition: i % 2, offset: BigInt(100 + i) }),
    );
    await first.task.put(batch);
    // A redelivery after a crash: the same records again, plus newer ones.
    await first.task.put([...batch, rec('eos', user(50), { partition: 0, offset: 200n })]);
    await first.task.stop();
    expect(await count('eos')).toBe(11);

    const second = await startTask(db, { 'exactly.once.offsets.table': 'sink_offsets' }, 'eos');
    await second.task.open?.([
      { topic: 'eos', partition: 0 },
      { topic: 'eos', partition: 1 },
      { topic: 'eos', partition: 2 },
    ]);
    await second.task.stop();
    const rewound = second.rewinds[0];
    expect(rewound && Object.fromEntries([...rewound].map(([k, v]) => [k, v.offset]))).toEqual({
      'eos-0': 201n,
      'eos-1': 110n,
    });
    // Another connector's offsets are its own.
    const other = await startTask(db, { 'exactly.once.offsets.table': 'sink_offsets' }, 'other');
    await other.task.open?.([{ topic: 'eos', partition: 0 }]);
    await other.task.stop();
    expect(other.rewinds).toEqual([]);
  });

  // Only a server has a connection to cut: not registered for SQLite.
  if (dialect !== 'sqlite')
    it('retries a connection lost mid-write, reconnecting, and writes the batch once', async () => {
      const { task } = await startTask(db, { 'max.retries': '3', 'retry.backoff.ms': '100' });
      await task.put([rec('retry', user(1))]);
      // Hold the table so the next write waits, then cut the task's connection under it.
      const locker = await db.connect();
      if (dialect === 'mariadb') await locker.execute(`LOCK TABLES ${q('retry')} WRITE`);
      else {
        await locker.execute('BEGIN');
        await locker.execute(`LOCK TABLE ${q('retry')} IN ACCESS EXCLUSIVE MODE`);
      }
      const writing = task.put([rec('retry', user(2)), rec('retry', user(3))]);
      const lockerId = await sessionId(db, locker);
      const victims = await waitingSessions(db, client, lockerId);
      for (const id of victims) await killSession(db, client, id);
      await locker.execute(dialect === 'mariadb' ? 'UNLOCK TABLES' : 'COMMIT');
      await locker.close();
      await writing;
      await task.stop();
      expect(victims.length).toBeGreaterThan(0);
      expect(await count('retry')).toBe(3);
    });
});

function instant(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return new Date(`${String(value).replace(' ', 'T')}Z`).getTime();
}

function dbName(db: TestDatabase): string {
  return db.url.slice(db.url.lastIndexOf('/') + 1);
}

async function sessionId(db: TestDatabase, c: SqlClient): Promise<number> {
  const sql =
    db.dialect.name === 'mariadb' ? 'SELECT CONNECTION_ID() AS id' : 'SELECT pg_backend_pid() AS id';
  return Number((await c.query<{ id: unknown }>(sql))[0]?.id);
}

/** Sessions of the test database, other than ours and the locker's, that wait inside a statement. */
async function waitingSessions(db: TestDatabase, c: SqlClient, lockerId: number): Promise<number[]> {
  const own = await sessionId(db, c);
  for (let i = 0; i < 100; i++) {
    const rows =
      db.dialect.name === 'mariadb'
        ? await c.query<{ id: unknown }>(
            "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND <> 'Sleep' AND STATE LIKE 'Waiting%'",
            [dbName(db)],
          )
        : await c.query<{ id: unknown }>(
            "SELECT pid AS id FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          );
    const ids = rows.map((r) => Number(r.id)).filter((id) => id !== own && id !== lockerId);
    if (ids.length > 0) return ids;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

async function killSession(db: TestDatabase, c: SqlClient, id: number): Promise<void> {
  if (db.dialect.name === 'mariadb') await c.execute(`KILL CONNECTION ${id}`);
  else await c.query('SELECT pg_terminate_backend($1)', [id]);
}
