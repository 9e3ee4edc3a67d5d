import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import type { Schema } from '../data/schema.js';
import { Schemas } from '../data/schemas.js';
import { errorOf, fieldsOf, nested, outer, outerValue, valuesOf } from './test-records.js';
import { valueToKeyPlugins } from './value-to-key.js';

// Expected results were taken from Apache Kafka 4.4.0's ValueToKey run on the same inputs.

const [plugin] = valueToKeyPlugins as [(typeof valueToKeyPlugins)[number]];

function sink(valueSchema: Schema | undefined, value: unknown): SinkRecord {
  return {
    topic: 'topic',
    kafkaPartition: 3,
    kafkaOffset: 42n,
    keySchema: Schemas.STRING,
    key: 'old',
    valueSchema,
    value,
    timestamp: 1_700_000_000_000,
    headers: [],
  };
}

describe('ValueToKey', () => {
  it('is registered with Apache 4.4 config keys', () => {
    expect(plugin.className).toBe('org.apache.kafka.connect.transforms.ValueToKey');
    expect(
      [...plugin.configDef.keys().values()].map((k) => [k.name, k.type, k.defaultValue, k.importance]),
    ).toEqual([
      ['fields', 'LIST', null, 'HIGH'],
      ['replace.null.with.default', 'BOOLEAN', true, 'MEDIUM'],
      ['field.syntax.version', 'STRING', 'V1', 'HIGH'],
    ]);
  });

  it('builds a map key without a schema', () => {
    const value = new Map<string, unknown>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const out = plugin.create({ fields: 'a,b' }).apply(sink(undefined, value));
    expect(out?.keySchema).toBeUndefined();
    expect(out?.key).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect(out?.value).toBe(value);
  });

  it('builds a struct key with the value fields schemas', () => {
    const out = plugin.create({ fields: 'magic,opt' }).apply(sink(outer, outerValue));
    const keySchema = out?.keySchema as Schema;
    expect([keySchema.type, keySchema.name, keySchema.optional]).toEqual(['struct', undefined, false]);
    expect(fieldsOf(keySchema)).toEqual([
      ['magic', Schemas.INT32],
      ['opt', outer.field('opt')?.schema],
    ]);
    expect(valuesOf(out?.key)).toEqual([42, 7]);
    expect(out?.valueSchema).toBe(outer);
    expect(out?.value).toBe(outerValue);
    expect(
      valuesOf(
        plugin
          .create({ fields: 'magic,opt', 'replace.null.with.default': 'false' })
          .apply(sink(outer, outerValue))?.key,
      ),
    ).toEqual([42, null]);
  });

  it('reads nested fields with V2, naming key fields as written', () => {
    const out = plugin
      .create({ fields: 'a.b,magic,a.c', 'field.syntax.version': 'V2' })
      .apply(sink(outer, outerValue));
    expect(fieldsOf(out?.keySchema)).toEqual([
      ['a.b', Schemas.INT64],
      ['magic', Schemas.INT32],
      ['a.c', nested.field('c')?.schema],
    ]);
    expect(valuesOf(out?.key)).toEqual([5, 42, 'dflt']);
    const schemaless = plugin.create({ fields: 'a.b,x.y', 'field.syntax.version': 'V2' }).apply(
      sink(
        undefined,
        new Map<string, unknown>([
          ['a', new Map([['b', 1]])],
          ['c', 3],
        ]),
      ),
    );
    expect(schemaless?.key).toEqual(
      new Map<string, unknown>([
        ['a.b', 1],
        ['x.y', null],
      ]),
    );
  });

  it('fails on a field the value schema lacks', () => {
    for (const [config, missing] of [
      [{ fields: 'magic,nope' }, 'nope'],
      [{ fields: 'a.x', 'field.syntax.version': 'V2' }, 'a.x'],
      [{ fields: 'a.b' }, 'a.b'],
    ] as const) {
      const error = errorOf(() => plugin.create(config).apply(sink(outer, outerValue)));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe(`Field does not exist: ${missing}`);
    }
  });

  it('fails on null values, as Apache does', () => {
    expect(errorOf(() => plugin.create({ fields: 'a' }).apply(sink(undefined, null))).message).toBe(
      'Only Map objects supported in absence of schema for [copying fields from value to key], found: null',
    );
    expect(errorOf(() => plugin.create({ fields: 'a' }).apply(sink(outer, null))).message).toBe(
      'Only Struct objects supported for [copying fields from value to key], found: null',
    );
  });

  it('validates fields as Apache does, dropping repeats', () => {
    const empty = errorOf(() => plugin.create({ fields: '' }));
    expect(empty).toBeInstanceOf(ConfigException);
    expect(empty.message).toBe(
      "Configuration 'fields' must not be empty. Valid values include: any non-empty value",
    );
    expect(errorOf(() => plugin.create({ fields: 'a,' })).message).toBe(
      "Configuration 'fields' values must not be empty.",
    );
    expect(errorOf(() => plugin.create({})).message).toBe(
      'Missing required configuration "fields" which has no default value.',
    );
    const out = plugin.create({ fields: 'magic,magic' }).apply(sink(outer, outerValue));
    expect(fieldsOf(out?.keySchema)).toEqual([['magic', Schemas.INT32]]);
  });
});
