import type { ColumnDescription, SqlClient, TableDescription } from '@msa-sync/sql';
import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../../../api/records.js';
import type { Struct } from '../../../data/index.js';
import { parseJdbcSinkConfig } from './jdbc-sink-config.js';
import { jsonText, SchemalessShaper } from './schemaless-shape.js';
import { sinkDialectFor } from './sink-dialects.js';
import type { TableStructure } from './table-structure.js';

const postgresSinkDialect = sinkDialectFor('postgres');

const column = (
  name: string,
  typeName: string,
  extra: Partial<ColumnDescription> = {},
): ColumnDescription => ({
  name,
  typeName,
  declaredType: typeName,
  nullable: true,
  defaultValue: undefined,
  autoIncrement: false,
  precision: undefined,
  scale: undefined,
  length: undefined,
  ...extra,
});
const orders: TableDescription = {
  id: { table: 'orders' },
  type: 'TABLE',
  columns: [
    column('id', 'bigint', { nullable: false }),
    column('total', 'numeric'),
    column('meta', 'jsonb'),
    column('placed', 'timestamp with time zone'),
    column('paid', 'boolean'),
  ],
  primaryKey: ['id'],
  uniqueKeys: [],
};

/** A TableStructure stand-in that serves one description and counts fresh reads. */
function structure(table: TableDescription | undefined) {
  const calls = { fresh: 0 };
  const fake = {
    describe: async (_c: SqlClient, _id: unknown, fresh = false) => {
      if (fresh) calls.fresh++;
      return table;
    },
  } as unknown as TableStructure;
  return { fake, calls };
}
let offset = 0n;
const rec = (value: unknown): SinkRecord => ({
  topic: 'orders',
  kafkaPartition: 0,
  kafkaOffset: offset++,
  keySchema: undefined,
  key: null,
  valueSchema: undefined,
  value,
  timestamp: undefined,
  headers: [],
});
const client = {} as SqlClient;
const settings = (props: Record<string, string> = {}) =>
  parseJdbcSinkConfig({ 'connection.url': 'jdbc:postgresql://h/db', ...props });

describe('SchemalessShaper', () => {
  it('converts values to the column types and shares one schema per record shape', async () => {
    const { fake } = structure(orders);
    const shaper = new SchemalessShaper(postgresSinkDialect, fake, settings());
    const a = await shaper.shape(
      client,
      { table: 'orders' },
      rec(
        new Map<string, unknown>([
          ['ID', 1],
          ['total', 12.5],
          ['meta', new Map([['n', 2n ** 60n]])],
          ['placed', '2024-05-01T12:00:00+02:00'],
          ['paid', 'TRUE'],
        ]),
      ),
      false,
    );
    const b = await shaper.shape(
      client,
      { table: 'orders' },
      rec({ id: '2', total: '3', meta: [1], placed: 0, paid: 1 }),
      false,
    );
    expect(a.valueSchema).toBe(b.valueSchema);
    const values = (r: SinkRecord) =>
      Object.fromEntries(
        (r.value as Struct).schema.fields.map((f) => [f.name, (r.value as Struct).get(f.name)]),
      );
    expect(values(a)).toEqual({
      id: 1,
      total: '12.5',
      meta: '{"n":1152921504606846976}',
      placed: '2024-05-01T10:00:00.000Z',
      paid: true,
    });
    expect(values(b)).toEqual({
      id: 2,
      total: '3',
      meta: '[1]',
      placed: '1970-01-01T00:00:00.000Z',
      paid: true,
    });
  });

  it('reads the columns again once when a field has none, then applies the unknown-fields policy', async () => {
    const { fake, calls } = structure(orders);
    const ignore = new SchemalessShaper(
      postgresSinkDialect,
      fake,
      settings({ 'schema.evolution.unknown.fields': 'ignore' }),
    );
    const shaped = await ignore.shape(client, { table: 'orders' }, rec({ id: 1, colour: 'red' }), false);
    expect(calls.fresh).toBe(1);
    expect((shaped.value as Struct).schema.fields.map((f) => f.name)).toEqual(['id']);
    const fail = new SchemalessShaper(postgresSinkDialect, fake, settings());
    await expect(
      fail.shape(client, { table: 'orders' }, rec({ id: 1, colour: 'red' }), false),
    ).rejects.toThrow(/Field 'colour' .* has no column in table "orders"/);
  });

  it('infers a schema when there is no table: integers, doubles, text, booleans, JSON text, nulls optional', async () => {
    const { fake } = structure(undefined);
    const shaper = new SchemalessShaper(postgresSinkDialect, fake, settings({ 'auto.create': 'true' }));
    const shaped = await shaper.shape(
      client,
      { table: 'new' },
      rec({ a: 1, b: 1.5, c: 'x', d: false, e: { f: [1] }, g: null }),
      false,
    );
    const schema = shaped.valueSchema;
    expect(schema?.fields.map((f) => [f.name, f.schema.type, f.schema.optional])).toEqual([
      ['a', 'int64', true],
      ['b', 'float64', true],
      ['c', 'string', true],
      ['d', 'boolean', true],
      ['e', 'string', true],
      ['g', 'string', true],
    ]);
    expect((shaped.value as Struct).get('e')).toBe('{"f":[1]}');
  });

  it('leaves Structs with schemas alone', () => {
    expect(SchemalessShaper.needsShaping({ ...rec(null), value: null }, 'record_value')).toBe(false);
    expect(SchemalessShaper.needsShaping(rec({ a: 1 }), 'none')).toBe(true);
    expect(SchemalessShaper.needsShaping({ ...rec(null), key: { id: 1 } }, 'record_key')).toBe(true);
  });

  it('jsonText writes Maps as objects and bigints as bare numbers', () => {
    expect(
      jsonText(
        new Map<string, unknown>([
          ['a', 1n],
          ['b', [new Map([['c', 'd']])]],
        ]),
      ),
    ).toBe('{"a":1,"b":[{"c":"d"}]}');
  });
});
