import type { SinkRecord, SinkTaskContext } from '@msa-sync/connect/api';
import { type Schema, SchemaBuilder, Schemas, Struct } from '@msa-sync/connect/data';
import { JdbcSinkTask } from '@msa-sync/connect/testing';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

/**
 * Record shaping in the JDBC sink against the real databases, records handed to put(): schemaless
 * JSON (as the JsonConverter reads it with schemas.enable=false: Maps), the unknown-fields policy
 * and type widening, delete markers, and how topics name tables. Through a worker: sink-connector.test.ts.
 */
let offset = 0n;
function rec(
  topic: string,
  value: unknown,
  options: { key?: unknown; keySchema?: Schema; valueSchema?: Schema } = {},
): SinkRecord {
  return {
    topic,
    kafkaPartition: 0,
    kafkaOffset: offset++,
    keySchema: options.keySchema,
    key: options.key ?? null,
    valueSchema: options.valueSchema ?? (value instanceof Struct ? value.schema : undefined),
    value,
    timestamp: undefined,
    headers: [],
  };
}
/** A schemaless JSON object as the JsonConverter hands it over. */
const json = (o: Record<string, unknown>) => new Map(Object.entries(o));

type Reported = [SinkRecord, Error][];

async function startTask(db: TestDatabase, config: Record<string, string>, reported?: Reported) {
  const task = new JdbcSinkTask();
  const context: SinkTaskContext = {
    connector: 'shaping',
    taskId: 0,
    offset: () => {},
    requestCommit: () => {},
    errantRecordReporter: reported && {
      report: async (record, error) => {
        reported.push([record, error]);
      },
    },
    assignment: () => [],
  };
  await task.start(
    { 'connection.url': db.url, ...(db.user ? { 'connection.user': db.user } : {}), ...config },
    context,
  );
  return task;
}

async function withTask(
  db: TestDatabase,
  config: Record<string, string>,
  records: SinkRecord[],
  reported?: Reported,
): Promise<void> {
  const task = await startTask(db, config, reported);
  try {
    await task.put(records);
  } finally {
    await task.stop();
  }
}

const types = {
  mariadb: { int: 'INT', double: 'DOUBLE', ts: 'DATETIME(3)', json: 'JSON', bool: 'BOOLEAN' },
  postgres: { int: 'INT', double: 'DOUBLE PRECISION', ts: 'TIMESTAMP(3)', json: 'JSONB', bool: 'BOOLEAN' },
  sqlite: { int: 'INT', double: 'DOUBLE', ts: 'DATETIME', json: 'TEXT', bool: 'BOOLEAN' },
};

describe.each(ALL_DIALECTS)('JDBC sink record shaping on %s', (dialect) => {
  let db: TestDatabase;
  let client: SqlClient;
  const q = (name: string) => db.dialect.quoteIdentifier(name);
  const t = types[dialect];
  const rows = (table: string, order = 'id') =>
    client.query<Record<string, unknown>>(`SELECT * FROM ${q(table)} ORDER BY ${q(order)}`);
  const columnTypes = async (table: string) =>
    Object.fromEntries(
      (await db.dialect.describeTable(client, { table }))?.columns.map((c) => [c.name, c.declaredType]) ?? [],
    );
  const table = (prefix: string) => uniqueName(prefix).replaceAll('-', '_');
  const asText = (column: string) =>
    ({ mariadb: `CAST(${q(column)} AS CHAR)`, postgres: `${q(column)}::text`, sqlite: q(column) })[dialect];

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'shape');
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  describe('schemaless records (schemas.enable=false)', () => {
    it('are shaped to the existing table: names matched, values converted to the column types', async () => {
      const topic = table('plain');
      await client.execute(
        `CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, name VARCHAR(20) NOT NULL, score ${t.double},
           active ${t.bool}, created_at ${t.ts}, meta ${t.json}, qty ${t.int} NOT NULL DEFAULT 3, note TEXT)`,
      );
      await withTask(db, {}, [
        rec(
          topic,
          json({
            id: 1,
            NAME: 'first',
            score: '1.5',
            active: true,
            created_at: '2024-05-01T10:00:00.250Z',
            meta: json({ a: 1n, b: [1, 'x'] }),
          }),
        ),
        rec(
          topic,
          json({ id: '2', name: 'second', score: 2, active: 'false', created_at: 1714557600000, qty: 7 }),
        ),
      ]);
      const [one, two] = await rows(topic);
      expect({
        ...one,
        id: Number(one?.id),
        qty: Number(one?.qty),
        active: Number(one?.active),
      }).toMatchObject({
        id: 1,
        name: 'first',
        score: 1.5,
        active: 1,
        qty: 3,
        note: null,
      });
      const meta = typeof one?.meta === 'string' ? JSON.parse(one.meta) : one?.meta;
      expect(meta).toEqual({ a: 1, b: [1, 'x'] });
      expect([Number(two?.id), Number(two?.qty), Number(two?.score), Number(two?.active)]).toEqual([
        2, 7, 2, 0,
      ]);
      const times = await client.query<{ t: string }>(
        `SELECT ${asText('created_at')} AS t FROM ${q(topic)} ORDER BY ${q('id')}`,
      );
      // Databases print fractions differently (PostgreSQL drops trailing zeros): compare to the millisecond.
      const millis = (text: string) => {
        const [clock, fraction = ''] = text.replace('T', ' ').split('.');
        return `${clock?.slice(0, 19)}.${`${fraction}000`.slice(0, 3)}`;
      };
      expect(times.map((r) => millis(String(r.t)))).toEqual([
        '2024-05-01 10:00:00.250',
        '2024-05-01 10:00:00.000',
      ]);
    });

    it('sends a record that does not fit to the dead letter queue, naming the field; the rest is written', async () => {
      const topic = table('misfit');
      await client.execute(
        `CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, name VARCHAR(20) NOT NULL, qty ${t.int})`,
      );
      const reported: Reported = [];
      await withTask(
        db,
        {},
        [
          rec(topic, json({ id: 1, name: 'ok', qty: 1 })),
          rec(topic, json({ id: 2, name: 'bad', qty: 'abc' })),
          rec(topic, json({ id: 3, qty: 3 })),
          rec(topic, json({ id: 4, name: 'extra', colour: 'red' })),
          rec(topic, json({ id: 5, name: 'big', qty: 2 ** 40 })),
          rec(topic, '"just a string"'),
          rec(topic, json({ id: 6, name: 'ok too', qty: null })),
        ],
        reported,
      );
      expect((await rows(topic)).map((r) => Number(r.id))).toEqual([1, 6]);
      const messages = reported.map(([r, e]) => [
        Number(r.kafkaOffset - (reported[0]?.[0].kafkaOffset ?? 0n)),
        e.message,
      ]);
      expect(messages).toHaveLength(5);
      expect(messages[0]?.[1]).toMatch(/Field 'qty'.*a string of 3 characters is not an integer/);
      expect(messages[1]?.[1]).toMatch(/Field 'name' is missing.*NOT NULL without a default/);
      expect(messages[2]?.[1]).toMatch(/Field 'colour'.*has no column.*unknown.fields=fail/);
      expect(messages[3]?.[1]).toMatch(/Field 'qty'.*the value is out of range/);
      expect(messages[4]?.[1]).toMatch(/non-null Struct value.*string value and null value schema/);
    });

    it('without a reporter a misfit fails the put, naming the field', async () => {
      const topic = table('misfit_fail');
      await client.execute(`CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, qty ${t.int})`);
      await expect(withTask(db, {}, [rec(topic, json({ id: 1, qty: 'abc' }))])).rejects.toThrow(
        /Field 'qty'/,
      );
    });

    it('auto.create infers the table from the first record; auto.evolve adds later fields', async () => {
      const topic = table('inferred');
      await withTask(
        db,
        { 'auto.create': 'true', 'auto.evolve': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' },
        [
          rec(topic, json({ id: 1, name: 'a', price: 2.5, tags: ['x', 'y'], flag: true, nothing: null })),
          rec(topic, json({ id: 2, name: 'b', price: 3, flag: false, added: 42 })),
        ],
      );
      const columns = await columnTypes(topic);
      expect(Object.keys(columns).sort()).toEqual([
        'added',
        'flag',
        'id',
        'name',
        'nothing',
        'price',
        'tags',
      ]);
      const rs = await rows(topic);
      expect(rs.map((r) => [Number(r.id), r.name, Number(r.price), r.tags, Number(r.added ?? -1)])).toEqual([
        [1, 'a', 2.5, '["x","y"]', -1],
        [2, 'b', 3, null, 42],
      ]);
    });

    it('schemaless keys with pk.mode=record_key upsert by key', async () => {
      const topic = table('keyed');
      const config = { 'auto.create': 'true', 'pk.mode': 'record_key', 'insert.mode': 'upsert' };
      await withTask(db, config, [
        rec(topic, json({ name: 'v1' }), { key: json({ id: 5 }) }),
        rec(topic, json({ name: 'v2' }), { key: json({ id: 5 }) }),
        rec(topic, json({ name: 'other' }), { key: json({ id: 6 }) }),
      ]);
      expect((await rows(topic)).map((r) => [Number(r.id), r.name])).toEqual([
        [5, 'v2'],
        [6, 'other'],
      ]);
    });

    it('a string longer than a VARCHAR column widens it to TEXT with auto.evolve (SQLite keeps any length)', async () => {
      const topic = table('longtext');
      await client.execute(`CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, code VARCHAR(5))`);
      const long = 'x'.repeat(300);
      await withTask(db, { 'auto.evolve': 'true' }, [
        rec(topic, json({ id: 1, code: 'abc' })),
        rec(topic, json({ id: 2, code: long })),
      ]);
      expect((await rows(topic)).map((r) => r.code)).toEqual(['abc', long]);
      expect((await columnTypes(topic)).code).toBe(
        { mariadb: 'text', postgres: 'text', sqlite: 'varchar(5)' }[dialect],
      );
    });
  });

  describe('schema evolution', () => {
    const v1 = SchemaBuilder.struct()
      .name('v1')
      .field('id', Schemas.INT32)
      .field('amount', Schemas.INT32)
      .field('ratio', Schemas.FLOAT32)
      .field('name', Schemas.OPTIONAL_STRING)
      .build();
    const v2 = SchemaBuilder.struct()
      .name('v2')
      .field('id', Schemas.INT32)
      .field('amount', Schemas.INT64)
      .field('ratio', Schemas.FLOAT64)
      .field('name', Schemas.OPTIONAL_STRING)
      .field('status', SchemaBuilder.string().defaultValue('new').build())
      .build();

    it('v1 then v2: a required field with a default is added, int32→int64 and float32→float64 widened', async () => {
      const topic = table('evolve');
      const config = {
        'auto.create': 'true',
        'auto.evolve': 'true',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
      };
      await withTask(db, config, [
        rec(topic, new Struct(v1).put('id', 1).put('amount', 7).put('ratio', 0.5).put('name', 'one')),
      ]);
      await withTask(db, config, [
        rec(
          topic,
          new Struct(v2)
            .put('id', 2)
            .put('amount', 2 ** 40)
            .put('ratio', 0.1)
            .put('name', 'two')
            .put('status', 'paid'),
        ),
      ]);
      const rs = await rows(topic);
      expect(rs.map((r) => [Number(r.id), Number(r.amount), r.name, r.status])).toEqual([
        [1, 7, 'one', 'new'],
        [2, 2 ** 40, 'two', 'paid'],
      ]);
      expect(Number(rs[1]?.ratio)).toBe(0.1);
      const columns = await columnTypes(topic);
      expect([columns.amount, columns.ratio]).toEqual(
        {
          mariadb: ['bigint(20)', 'double'],
          postgres: ['bigint', 'double precision'],
          sqlite: ['integer', 'real'],
        }[dialect],
      );
      const status = (await db.dialect.describeTable(client, { table: topic }))?.columns.find(
        (c) => c.name === 'status',
      );
      expect(status?.nullable).toBe(false);
    });

    it('never narrows: int64 records into a BIGINT table leave it BIGINT', async () => {
      const topic = table('narrow');
      await client.execute(
        `CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, amount BIGINT NOT NULL, ratio ${t.double} NOT NULL)`,
      );
      await withTask(db, { 'auto.evolve': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }, [
        rec(topic, new Struct(v1).put('id', 1).put('amount', 7).put('ratio', 0.5)),
      ]);
      expect((await columnTypes(topic)).amount).toMatch(/^bigint/);
    });

    it('schema.evolution.unknown.fields=ignore writes the known columns and adds none', async () => {
      const topic = table('ignore');
      await client.execute(`CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, amount BIGINT)`);
      await withTask(
        db,
        {
          'auto.evolve': 'true',
          'schema.evolution.unknown.fields': 'ignore',
          'pk.mode': 'record_value',
          'pk.fields': 'id',
        },
        [
          rec(topic, new Struct(v1).put('id', 1).put('amount', 7).put('ratio', 0.5).put('name', 'n')),
          rec(topic, json({ id: 2, amount: 8, colour: 'red' })),
        ],
      );
      expect(Object.keys(await columnTypes(topic)).sort()).toEqual(['amount', 'id']);
      expect((await rows(topic)).map((r) => [Number(r.id), Number(r.amount)])).toEqual([
        [1, 7],
        [2, 8],
      ]);
    });

    it('schema.evolution.unknown.fields=fail refuses a new field even with auto.evolve', async () => {
      const topic = table('failnew');
      await client.execute(`CREATE TABLE ${q(topic)} (id ${t.int} PRIMARY KEY, amount BIGINT)`);
      await expect(
        withTask(
          db,
          {
            'auto.evolve': 'true',
            'schema.evolution.unknown.fields': 'fail',
            'pk.mode': 'record_value',
            'pk.fields': 'id',
          },
          [rec(topic, new Struct(v1).put('id', 1).put('amount', 7).put('ratio', 0.5))],
        ),
      ).rejects.toThrow(/missing fields \(ratio, name\).*unknown.fields is fail/);
    });
  });

  describe('delete markers', () => {
    const item = SchemaBuilder.struct()
      .field('id', Schemas.INT32)
      .field('name', Schemas.OPTIONAL_STRING)
      .field('__deleted', Schemas.OPTIONAL_STRING)
      .build();
    const idKey = SchemaBuilder.struct().field('id', Schemas.INT32).build();
    const keyOf = (id: number) => ({ key: new Struct(idKey).put('id', id), keySchema: idKey });
    const itemOf = (id: number, deleted = 'false') =>
      new Struct(item).put('id', id).put('name', `n${id}`).put('__deleted', deleted);

    it('record_key: __deleted "true" (schemaful and schemaless) and op "d" delete; the marker is no column', async () => {
      const topic = table('marker');
      const config = {
        'auto.create': 'true',
        'pk.mode': 'record_key',
        'insert.mode': 'upsert',
        'delete.marker.fields': '__deleted,op',
      };
      await withTask(
        db,
        config,
        [1, 2, 3, 4].map((id) => rec(topic, itemOf(id), keyOf(id))),
      );
      expect(Object.keys(await columnTypes(topic)).sort()).toEqual(['id', 'name']);
      await withTask(db, config, [
        rec(topic, itemOf(1, 'true'), keyOf(1)),
        rec(topic, json({ name: 'gone', __deleted: 'true' }), { key: json({ id: 2 }) }),
        rec(topic, json({ name: 'gone', op: 'd' }), { key: json({ id: 3 }) }),
        rec(topic, json({ name: 'kept', op: 'u' }), { key: json({ id: 4 }) }),
      ]);
      expect((await rows(topic)).map((r) => [Number(r.id), r.name])).toEqual([[4, 'kept']]);
    });

    it('record_value: a marker deletes by the value key fields; a re-insert after it is kept', async () => {
      const topic = table('marker_value');
      const config = {
        'auto.create': 'true',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
        'insert.mode': 'upsert',
        'delete.marker.fields': '__deleted',
      };
      await withTask(db, config, [
        rec(topic, itemOf(1)),
        rec(topic, itemOf(2)),
        rec(topic, json({ id: 3, name: 'n3' })),
      ]);
      await withTask(db, config, [
        rec(topic, itemOf(1, 'true')),
        rec(topic, json({ id: 3, __deleted: true })),
        rec(topic, itemOf(2, 'true')),
        rec(topic, itemOf(2)),
      ]);
      expect((await rows(topic)).map((r) => [Number(r.id), r.name])).toEqual([[2, 'n2']]);
    });

    it('pk.mode=kafka cannot delete: the marked record is dropped, nothing else changes', async () => {
      const topic = table('marker_kafka');
      const config = { 'auto.create': 'true', 'pk.mode': 'kafka', 'delete.marker.fields': '__deleted' };
      await withTask(db, config, [rec(topic, itemOf(1)), rec(topic, itemOf(2, 'true'))]);
      expect((await rows(topic, 'name')).map((r) => r.name)).toEqual(['n1']);
    });
  });

  describe('table names', () => {
    const simple = SchemaBuilder.struct().field('id', Schemas.INT32).build();
    const one = (topic: string) => rec(topic, new Struct(simple).put('id', 1));
    const exists = async (name: string) =>
      (await db.dialect.describeTable(client, { table: name })) !== undefined;

    it('a dotted topic is one table of that name, not catalog/schema/table', async () => {
      const topic = `${table('a')}.b.c`;
      await withTask(db, { 'auto.create': 'true' }, [one(topic)]);
      expect(await exists(topic)).toBe(true);
      expect(await exists('c')).toBe(false);
    });

    it('topics.to.tables.mapping names the table of a topic; others follow table.name.format', async () => {
      const mapped = table('mapped_topic');
      const other = table('other_topic');
      const target = table('target');
      await withTask(
        db,
        {
          'auto.create': 'true',
          'topics.to.tables.mapping': `${mapped}:${target}`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Connect's own placeholder
          'table.name.format': 'kafka_${topic}',
        },
        [one(mapped), one(other)],
      );
      expect([await exists(target), await exists(mapped), await exists(`kafka_${other}`)]).toEqual([
        true,
        false,
        true,
      ]);
    });

    it('quote.sql.identifiers=never folds as the database folds unquoted names; always keeps the case', async () => {
      const base = table('Mixed_Case');
      await withTask(db, { 'auto.create': 'true', 'quote.sql.identifiers': 'never' }, [one(`${base}_n`)]);
      await withTask(db, { 'auto.create': 'true' }, [one(`${base}_a`)]);
      const folded = dialect === 'postgres' ? `${base}_n`.toLowerCase() : `${base}_n`;
      expect(await exists(folded)).toBe(true);
      expect(await exists(`${base}_a`)).toBe(true);
      if (dialect === 'postgres') expect(await exists(`${base}_a`.toLowerCase())).toBe(false);
    });
  });
});
