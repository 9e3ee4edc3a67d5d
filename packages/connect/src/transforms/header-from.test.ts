import { describe, expect, it } from 'vitest';
import type { ConnectHeader, SinkRecord, SourceRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { TimestampType } from '../data/temporal-types.js';
import { headerFromPlugins } from './header-from.js';
import { errorOf } from './test-records.js';

// Expected records, schemas, headers and errors are what Apache Kafka 4.4.0's HeaderFrom$Key /
// $Value produced for the same inputs (see also Apache's HeaderFromTest).

const [keyPlugin, valuePlugin] = headerFromPlugins as [
  (typeof headerFromPlugins)[number],
  (typeof headerFromPlugins)[number],
];

const existing: ConnectHeader = { key: 'existing', schema: Schemas.STRING, value: 'e' };

function sink(
  valueSchema: Schema | undefined,
  value: unknown,
  headers: ConnectHeader[] = [existing],
): SinkRecord {
  return {
    topic: 't',
    kafkaPartition: 0,
    kafkaOffset: 0n,
    keySchema: Schemas.STRING,
    key: 'k',
    valueSchema,
    value,
    timestamp: 5,
    headers,
  };
}

const schema = SchemaBuilder.struct()
  .name('n')
  .version(2)
  .doc('d')
  .parameter('p', 'q')
  .optional()
  .field('id', Schemas.INT32)
  .field('opt', SchemaBuilder.int32().optional().defaultValue(5).build())
  .field('name', Schemas.OPTIONAL_STRING)
  .build();
const struct = () => new Struct(schema).put('id', 7).put('name', 'x');

describe('HeaderFrom', () => {
  it('is registered as $Key and $Value with Apache keys', () => {
    expect(keyPlugin.className).toBe('org.apache.kafka.connect.transforms.HeaderFrom$Key');
    expect(valuePlugin.className).toBe('org.apache.kafka.connect.transforms.HeaderFrom$Value');
    const def = valuePlugin.configDef;
    expect([...def.keys().keys()]).toEqual(['fields', 'headers', 'operation', 'replace.null.with.default']);
    expect(def.key('fields')).toMatchObject({ type: 'LIST', required: true, importance: 'HIGH' });
    expect(def.key('fields')?.validator?.description).toBe('non-empty list');
    expect(def.key('headers')).toMatchObject({ type: 'LIST', required: true, importance: 'HIGH' });
    expect(def.key('operation')).toMatchObject({ type: 'STRING', required: true, importance: 'HIGH' });
    expect(def.key('operation')?.validator?.description).toBe('[move, copy]');
    expect(def.key('replace.null.with.default')).toMatchObject({
      type: 'BOOLEAN',
      required: false,
      defaultValue: true,
      importance: 'MEDIUM',
    });
    expect(def.key('field.syntax.version')).toBeUndefined();
  });

  describe('with a schema', () => {
    it('copies fields into headers, appended with the field schemas, leaving the value as it is', () => {
      const value = struct();
      const input = sink(schema, value);
      const out = valuePlugin
        .create({ fields: 'id,opt', headers: 'h_id,h_opt', operation: 'copy' })
        .apply(input) as SinkRecord;
      expect(out.valueSchema).toBe(schema);
      expect(out.value).toBe(value);
      expect(out.headers).toEqual([
        existing,
        { key: 'h_id', schema: Schemas.INT32, value: 7 },
        { key: 'h_opt', schema: schema.field('opt')?.schema, value: 5 },
      ]);
      expect(input.headers).toEqual([existing]);
    });

    it('moves fields: the value is rebuilt on a schema without them (basics copied, not optional)', () => {
      const out = valuePlugin
        .create({ fields: 'id,opt', headers: 'h_id,h_opt', operation: 'move' })
        .apply(sink(schema, struct())) as SinkRecord;
      const moved = out.valueSchema as Schema;
      expect(moved.name).toBe('n');
      expect(moved.version).toBe(2);
      expect(moved.doc).toBe('d');
      expect(Object.fromEntries(moved.parameters ?? [])).toEqual({ p: 'q' });
      expect(moved.optional).toBe(false);
      expect(moved.fields.map((f) => [f.name, f.schema])).toEqual([['name', Schemas.OPTIONAL_STRING]]);
      expect(out.value).toEqual(new Struct(moved).put('name', 'x'));
      expect(out.headers).toEqual([
        existing,
        { key: 'h_id', schema: Schemas.INT32, value: 7 },
        { key: 'h_opt', schema: schema.field('opt')?.schema, value: 5 },
      ]);
      expect(out.key).toBe('k');
      expect(out.keySchema).toBe(Schemas.STRING);
    });

    it('reuses the moved schema for the same input schema', () => {
      const move = valuePlugin.create({ fields: 'id', headers: 'h', operation: 'move' });
      const a = move.apply(sink(schema, struct())) as SinkRecord;
      const b = move.apply(sink(schema, struct())) as SinkRecord;
      expect(a.valueSchema).toBe(b.valueSchema);
    });

    it('keeps null instead of the default when replace.null.with.default is false', () => {
      const out = valuePlugin
        .create({
          fields: 'id,opt',
          headers: 'h_id,h_opt',
          operation: 'move',
          'replace.null.with.default': 'false',
        })
        .apply(sink(schema, struct())) as SinkRecord;
      expect(out.headers.at(-1)).toEqual({ key: 'h_opt', schema: schema.field('opt')?.schema, value: null });
    });

    it('works on the key with $Key', () => {
      const keySchema = SchemaBuilder.struct().field('id', Schemas.INT64).field('v', Schemas.STRING).build();
      const record: SinkRecord = {
        ...sink(Schemas.STRING, 'value'),
        keySchema,
        key: new Struct(keySchema).put('id', 1).put('v', 'a'),
      };
      const out = keyPlugin
        .create({ fields: 'id', headers: 'key_id', operation: 'move' })
        .apply(record) as SinkRecord;
      expect(out.keySchema?.fields.map((f) => f.name)).toEqual(['v']);
      expect((out.key as Struct).get('v')).toBe('a');
      expect(out.value).toBe('value');
      expect(out.headers.at(-1)).toEqual({ key: 'key_id', schema: Schemas.INT64, value: 1 });
    });

    it('copies logical values and nested structs as they are', () => {
      const inner = SchemaBuilder.struct().field('x', Schemas.INT32).build();
      const s = SchemaBuilder.struct().field('ts', TimestampType.SCHEMA).field('inner', inner).build();
      const value = new Struct(s).put('ts', new Date(1000)).put('inner', new Struct(inner).put('x', 1));
      const out = valuePlugin
        .create({ fields: 'ts,inner', headers: 'a,b', operation: 'copy' })
        .apply(sink(s, value, [])) as SinkRecord;
      expect(out.headers).toEqual([
        { key: 'a', schema: TimestampType.SCHEMA, value: new Date(1000) },
        { key: 'b', schema: inner, value: new Struct(inner).put('x', 1) },
      ]);
    });

    it('fails on a field the schema does not have, with the NullPointerException Apache hits', () => {
      const error = errorOf(() =>
        valuePlugin.create({ fields: 'nope', headers: 'h', operation: 'copy' }).apply(sink(schema, struct())),
      );
      expect(error.name).toBe('NullPointerException');
      expect(error.message).toBe(
        'Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null',
      );
    });

    it('fails on a null value for a required field schema', () => {
      const s = SchemaBuilder.struct().field('req', SchemaBuilder.int32().defaultValue(6).build()).build();
      const copy = valuePlugin.create({
        fields: 'req',
        headers: 'h',
        operation: 'copy',
        'replace.null.with.default': 'false',
      });
      const error = errorOf(() => copy.apply(sink(s, new Struct(s))));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe('A null value requires an optional schema but was Schema{INT32}');
      // with the default (replace.null.with.default=true) the header gets 6
      const withDefault = valuePlugin.create({ fields: 'req', headers: 'h', operation: 'copy' });
      expect((withDefault.apply(sink(s, new Struct(s))) as SinkRecord).headers.at(-1)?.value).toBe(6);
    });

    it('fails a move that leaves a required field null', () => {
      const s = SchemaBuilder.struct()
        .field('id', Schemas.INT32)
        .field('req', SchemaBuilder.int32().defaultValue(6).build())
        .build();
      const move = valuePlugin.create({
        fields: 'id',
        headers: 'h',
        operation: 'move',
        'replace.null.with.default': 'false',
      });
      expect(() => move.apply(sink(s, new Struct(s).put('id', 1)))).toThrow(
        'Invalid value: null used for required field: "req", schema type: INT32',
      );
    });

    it('requires a struct', () => {
      const move = valuePlugin.create({ fields: 'id', headers: 'h', operation: 'move' });
      expect(() => move.apply(sink(schema, null))).toThrow(
        'Only Struct objects supported for [header move], found: null',
      );
      expect(() => move.apply(sink(Schemas.STRING, 'x'))).toThrow(
        'Only Struct objects supported for [header move], found: java.lang.String',
      );
    });
  });

  describe('without a schema', () => {
    it('copies map entries into headers without schemas; a missing key gives a null header', () => {
      const value = new Map<string, unknown>([
        ['a', 1],
        ['b', 'x'],
      ]);
      const out = valuePlugin
        .create({ fields: 'a,missing', headers: 'ha,hm', operation: 'copy' })
        .apply(sink(undefined, value)) as SinkRecord;
      expect(out.value).toEqual(value);
      expect(out.valueSchema).toBeUndefined();
      expect(out.headers).toEqual([
        existing,
        { key: 'ha', schema: undefined, value: 1 },
        { key: 'hm', schema: undefined, value: null },
      ]);
    });

    it('moves map entries out of a copy of the map', () => {
      const key = new Map<string, unknown>([
        ['a', 1],
        ['b', 'x'],
      ]);
      const record: SinkRecord = { ...sink(Schemas.STRING, 'val', []), keySchema: undefined, key };
      const out = keyPlugin
        .create({ fields: 'a,missing', headers: 'ha,hm', operation: 'move' })
        .apply(record) as SinkRecord;
      expect(out.key).toEqual(new Map([['b', 'x']]));
      expect(key.size).toBe(2);
      expect(out.value).toBe('val');
      expect(out.headers).toEqual([
        { key: 'ha', schema: undefined, value: 1 },
        { key: 'hm', schema: undefined, value: null },
      ]);
    });

    it('requires a map', () => {
      const copy = keyPlugin.create({ fields: 'id', headers: 'h', operation: 'copy' });
      expect(() => copy.apply({ ...sink(undefined, null), keySchema: undefined, key: null })).toThrow(
        'Only Map objects supported in absence of schema for [header copy], found: null',
      );
      expect(() => copy.apply({ ...sink(undefined, null), keySchema: undefined, key: 'x' })).toThrow(
        'Only Map objects supported in absence of schema for [header copy], found: java.lang.String',
      );
    });

    it('handles source records', () => {
      const record: SourceRecord = {
        sourcePartition: {},
        sourceOffset: {},
        topic: 't',
        value: new Map([['f', true]]),
      };
      const out = valuePlugin
        .create({ fields: 'f', headers: 'h', operation: 'move' })
        .apply(record) as SourceRecord;
      expect(out.value).toEqual(new Map());
      expect(out.headers).toEqual([{ key: 'h', schema: undefined, value: true }]);
      expect(out.sourcePartition).toBe(record.sourcePartition);
    });
  });

  it("rejects bad configs with Apache's messages", () => {
    expect(() => valuePlugin.create({ fields: 'a,b', headers: 'h', operation: 'copy' })).toThrow(
      "'fields' config must have the same number of elements as 'headers' config.",
    );
    expect(() => valuePlugin.create({ fields: '', headers: 'h', operation: 'copy' })).toThrow(
      'Invalid value [] for configuration fields: Empty list',
    );
    expect(() => valuePlugin.create({ fields: 'a', headers: '', operation: 'copy' })).toThrow(
      'Invalid value [] for configuration headers: Empty list',
    );
    expect(() => valuePlugin.create({ fields: 'a', headers: 'h', operation: 'cut' })).toThrow(
      'Invalid value cut for configuration operation: String must be one of: move, copy',
    );
    expect(() => valuePlugin.create({ fields: 'a', headers: 'h' })).toThrow(
      'Missing required configuration "operation" which has no default value.',
    );
    expect(() => valuePlugin.create({ fields: 'a', headers: 'h', operation: 'copy' })).not.toThrow();
    expect(() =>
      valuePlugin.create({
        fields: 'a',
        headers: 'h',
        operation: 'copy',
        'replace.null.with.default': 'maybe',
      }),
    ).toThrow(ConfigException);
  });
});
