import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { replaceFieldPlugins } from './replace-field.js';
import { errorOf, fieldsOf, sink, valuesOf } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's ReplaceField run on the same inputs.

const [keyPlugin, valuePlugin] = replaceFieldPlugins as [
  (typeof replaceFieldPlugins)[number],
  (typeof replaceFieldPlugins)[number],
];

const etc = SchemaBuilder.string().optional().defaultValue('E').build();
const schema = SchemaBuilder.struct()
  .name('r')
  .version(3)
  .field('dont', Schemas.STRING)
  .field('abc', Schemas.INT32)
  .field('foo', Schemas.BOOLEAN)
  .field('etc', etc)
  .build();
const structValue = () => new Struct(schema).put('dont', 'whatever').put('abc', 42).put('foo', true);
const replace = (config: Record<string, string>, value: unknown = structValue(), s: Schema | null = schema) =>
  valuePlugin.create(config).apply(sink(s ?? undefined, value));

describe('ReplaceField', () => {
  it('is registered with Apache 4.4 config keys (no blacklist/whitelist)', () => {
    expect(replaceFieldPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.ReplaceField$Key',
      'org.apache.kafka.connect.transforms.ReplaceField$Value',
    ]);
    const keys = [...valuePlugin.configDef.keys().values()];
    expect(keys.map((k) => [k.name, k.type, k.defaultValue, k.importance])).toEqual([
      ['exclude', 'LIST', [], 'MEDIUM'],
      ['include', 'LIST', [], 'MEDIUM'],
      ['renames', 'LIST', [], 'MEDIUM'],
      ['replace.null.with.default', 'BOOLEAN', true, 'MEDIUM'],
    ]);
    expect(keys[2]?.validator?.description).toBe(
      'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    );
    // Unknown keys such as the removed blacklist are ignored.
    expect(() => valuePlugin.create({ blacklist: 'a' })).not.toThrow();
  });

  it('excludes and renames struct fields, keeping the schema metadata', () => {
    const out = replace({ exclude: 'dont', renames: 'abc:xyz,foo:bar' });
    const s = out?.valueSchema as Schema;
    expect([s.name, s.version]).toEqual(['r', 3]);
    expect(fieldsOf(s)).toEqual([
      ['xyz', Schemas.INT32],
      ['bar', Schemas.BOOLEAN],
      ['etc', etc],
    ]);
    expect(valuesOf(out?.value)).toEqual([42, true, 'E']);
    expect(fieldsOf(replace({ include: 'abc,foo,etc', renames: 'abc:xyz,foo:bar' })?.valueSchema)).toEqual(
      fieldsOf(s),
    );
  });

  it('keeps nulls when told not to replace them with defaults', () => {
    const out = replace({ include: 'abc,etc', 'replace.null.with.default': 'false' });
    expect(valuesOf(out?.value)).toEqual([42, null]);
  });

  it('filters and renames map entries; exclude wins over include', () => {
    const value = new Map<string, unknown>([
      ['dont', 'w'],
      ['abc', 42],
      ['foo', true],
      ['etc', 'e'],
    ]);
    const out = replace({ exclude: 'dont', include: 'dont,abc', renames: 'abc:xyz' }, value, null);
    expect(out?.valueSchema).toBeUndefined();
    expect(out?.value).toEqual(new Map([['xyz', 42]]));
  });

  it('passes null values through', () => {
    const withSchema = sink(schema, null);
    expect(valuePlugin.create({ exclude: 'dont' }).apply(withSchema)).toBe(withSchema);
    const schemaless = sink(undefined, null);
    expect(valuePlugin.create({ exclude: 'dont' }).apply(schemaless)).toBe(schemaless);
  });

  it('parses renames as Java splits them', () => {
    for (const [renames, shown, bad] of [
      ['a:b,c', '[a:b, c]', 'c'],
      ['a:b:c', '[a:b:c]', 'a:b:c'],
      ['abc:', '[abc:]', 'abc:'],
    ]) {
      const error = errorOf(() => valuePlugin.create({ renames: renames as string }));
      expect(error).toBeInstanceOf(ConfigException);
      expect(error.message).toBe(
        `Invalid value ${shown} for configuration renames: Invalid rename mapping: ${bad}`,
      );
    }
    const value = new Map<string, unknown>([
      ['abc', 1],
      ['', 2],
    ]);
    expect(replace({ renames: 'abc:x:,:y' }, value, null)?.value).toEqual(
      new Map([
        ['x', 1],
        ['y', 2],
      ]),
    );
  });

  it('validates the include/exclude lists as Apache does', () => {
    expect(() => valuePlugin.create({ exclude: 'a,a' })).not.toThrow();
    expect(errorOf(() => valuePlugin.create({ include: 'a,,b' })).message).toBe(
      "Configuration 'include' values must not be empty.",
    );
  });

  it('resolves renames that collide as Apache does', () => {
    expect(errorOf(() => replace({ renames: 'abc:foo' })).message).toBe(
      'Cannot create field because of field name duplication foo',
    );
    const value = () =>
      new Map<string, unknown>([
        ['abc', 1],
        ['foo', 2],
      ]);
    expect(replace({ renames: 'abc:foo' }, value(), null)?.value).toEqual(new Map([['foo', 2]]));
    expect(replace({ renames: 'abc:z,foo:z' }, value(), null)?.value).toEqual(new Map([['z', 2]]));
    const reversed = new Map<string, unknown>([
      ['foo', 2],
      ['abc', 1],
    ]);
    expect(replace({ renames: 'foo:z,abc:z' }, reversed, null)?.value).toEqual(new Map([['z', 2]]));
    // Both old names map to z; Java's HashMap order makes `dont` the source of z, a string in an int32 field.
    for (const renames of ['abc:z,dont:z', 'dont:z,abc:z']) {
      expect(() => replace({ renames, exclude: 'dont' })).toThrow(/field: "z"/);
    }
    const out = replace({ renames: 'abc:z,foo:z', exclude: 'abc' });
    expect(fieldsOf(out?.valueSchema)).toEqual([
      ['dont', Schemas.STRING],
      ['z', Schemas.BOOLEAN],
      ['etc', etc],
    ]);
    expect(valuesOf(out?.value)).toEqual(['whatever', true, 'E']);
  });

  it('requires a struct with a schema', () => {
    expect(errorOf(() => replace({ exclude: 'dont' }, 1, Schemas.INT32)).message).toBe(
      'Only Struct objects supported for [field replacement], found: java.lang.Integer',
    );
  });

  it('works on the key', () => {
    const out = keyPlugin
      .create({ exclude: 'dont' })
      .apply({ ...sink(undefined, null), keySchema: schema, key: structValue() });
    expect(fieldsOf(out?.keySchema)?.map(([name]) => name)).toEqual(['abc', 'foo', 'etc']);
    expect(valuesOf(out?.key)).toEqual([42, true, 'E']);
  });
});
