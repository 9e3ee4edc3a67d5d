import { describe, expect, it } from 'vitest';
import { DataError } from '../data/data-error.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { hoistFieldPlugins } from './hoist-field.js';
import { asStruct, errorOf, sink } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's HoistField run on the same inputs.

const [keyPlugin, valuePlugin] = hoistFieldPlugins as [
  (typeof hoistFieldPlugins)[number],
  (typeof hoistFieldPlugins)[number],
];

describe('HoistField', () => {
  it('is registered with Apache config keys', () => {
    expect(hoistFieldPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.HoistField$Key',
      'org.apache.kafka.connect.transforms.HoistField$Value',
    ]);
    const keys = [...valuePlugin.configDef.keys().values()];
    expect(keys.map((k) => [k.name, k.type, k.required, k.importance])).toEqual([
      ['field', 'STRING', true, 'MEDIUM'],
    ]);
  });

  it('wraps a schemaless value in a map, null included', () => {
    const out = valuePlugin.create({ field: 'magic' }).apply(sink(undefined, 42));
    expect(out?.valueSchema).toBeUndefined();
    expect(out?.value).toEqual(new Map([['magic', 42]]));
    expect(valuePlugin.create({ field: 'magic' }).apply(sink(undefined, null))?.value).toEqual(
      new Map([['magic', null]]),
    );
    expect(valuePlugin.create({ field: '' }).apply(sink(undefined, 1))?.value).toEqual(new Map([['', 1]]));
    expect(valuePlugin.create({ field: ' x ' }).apply(sink(undefined, 1))?.value).toEqual(
      new Map([['x', 1]]),
    );
  });

  it('wraps a schemaful value in a one-field struct', () => {
    const out = valuePlugin.create({ field: 'magic' }).apply(sink(Schemas.INT32, 42));
    const schema = out?.valueSchema as Schema;
    expect(schema.type).toBe('struct');
    expect(schema.name).toBeUndefined();
    expect(schema.optional).toBe(false);
    expect(schema.fields.map((f) => [f.name, f.schema])).toEqual([['magic', Schemas.INT32]]);
    expect(asStruct(out?.value).get('magic')).toBe(42);
  });

  it('wraps null under an optional schema, fails under a required one', () => {
    const out = valuePlugin.create({ field: 'magic' }).apply(sink(Schemas.OPTIONAL_INT32, null));
    expect(asStruct(out?.value).get('magic')).toBeNull();
    const error = errorOf(() => valuePlugin.create({ field: 'magic' }).apply(sink(Schemas.INT32, null)));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('Invalid value: null used for required field: "magic", schema type: INT32');
  });

  it('rejects an empty field name with a schema', () => {
    expect(errorOf(() => valuePlugin.create({ field: '' }).apply(sink(Schemas.INT32, 1))).message).toBe(
      'fieldName cannot be null.',
    );
  });

  it('wraps a struct key', () => {
    const inner = SchemaBuilder.struct().name('inner').field('b', Schemas.INT64).build();
    const key = new Struct(inner).put('b', 5);
    const out = keyPlugin.create({ field: 'k' }).apply({ ...sink(undefined, null), keySchema: inner, key });
    expect(out?.keySchema?.fields[0]?.schema).toBe(inner);
    expect(asStruct(out?.key).get('k')).toBe(key);
    expect(out?.value).toBeNull();
  });

  it('reuses the wrapped schema for the same input schema', () => {
    const t = valuePlugin.create({ field: 'f' });
    expect(t.apply(sink(Schemas.STRING, 'a'))?.valueSchema).toBe(
      t.apply(sink(Schemas.STRING, 'b'))?.valueSchema,
    );
  });
});
