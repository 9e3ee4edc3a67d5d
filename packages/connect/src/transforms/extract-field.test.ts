import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { Schemas } from '../data/schemas.js';
import { extractFieldPlugins } from './extract-field.js';
import { errorOf, outer, outerValue, sink } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's ExtractField run on the same inputs.

const [keyPlugin, valuePlugin] = extractFieldPlugins as [
  (typeof extractFieldPlugins)[number],
  (typeof extractFieldPlugins)[number],
];

const value = (config: Record<string, string>) => valuePlugin.create(config);

describe('ExtractField', () => {
  it('is registered as $Key and $Value with Apache config keys', () => {
    expect(extractFieldPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.ExtractField$Key',
      'org.apache.kafka.connect.transforms.ExtractField$Value',
    ]);
    const keys = [...valuePlugin.configDef.keys().values()];
    expect(keys.map((k) => [k.name, k.type, k.defaultValue, k.importance])).toEqual([
      ['field', 'STRING', null, 'MEDIUM'],
      ['replace.null.with.default', 'BOOLEAN', true, 'MEDIUM'],
      ['field.syntax.version', 'STRING', 'V1', 'HIGH'],
    ]);
    expect(keys[0]?.required).toBe(true);
  });

  describe('schemaless', () => {
    it('extracts a map entry', () => {
      const out = value({ field: 'magic' }).apply(
        sink(
          undefined,
          new Map<string, unknown>([
            ['magic', 42],
            ['x', 1],
          ]),
        ),
      );
      expect(out?.valueSchema).toBeUndefined();
      expect(out?.value).toBe(42);
    });

    it('passes null through and gives null for a missing entry', () => {
      expect(value({ field: 'magic' }).apply(sink(undefined, null))?.value).toBeNull();
      expect(value({ field: 'nope' }).apply(sink(undefined, new Map([['magic', 42]])))?.value).toBeNull();
    });

    it('requires a map', () => {
      const error = errorOf(() => value({ field: 'magic' }).apply(sink(undefined, 'str')));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe(
        'Only Map objects supported in absence of schema for [field extraction], found: java.lang.String',
      );
    });

    it('follows nested paths with V2', () => {
      const inner = new Map<string, unknown>([['b', 9]]);
      expect(
        value({ field: 'a.b', 'field.syntax.version': 'V2' }).apply(sink(undefined, new Map([['a', inner]])))
          ?.value,
      ).toBe(9);
      expect(
        errorOf(() =>
          value({ field: 'a.b', 'field.syntax.version': 'V2' }).apply(sink(undefined, new Map([['a', 3]]))),
        ).message,
      ).toBe(
        // A whole number in a schemaless map comes from JSON as a Long in Connect.
        'Only Map objects supported in absence of schema for [nested field access], found: java.lang.Long',
      );
    });
  });

  describe('with schema', () => {
    it('extracts a struct field and its schema', () => {
      const out = value({ field: 'magic' }).apply(sink(outer, outerValue));
      expect(out?.valueSchema).toBe(Schemas.INT32);
      expect(out?.value).toBe(42);
    });

    it('keeps the field schema for a null value', () => {
      const out = value({ field: 'magic' }).apply(sink(outer, null));
      expect(out?.valueSchema).toBe(Schemas.INT32);
      expect(out?.value).toBeNull();
    });

    it('fails on an unknown field, even for a null value', () => {
      for (const v of [outerValue, null]) {
        const error = errorOf(() => value({ field: 'nope' }).apply(sink(outer, v)));
        expect(error.name).toBe('IllegalArgumentException');
        expect(error.message).toBe('Unknown field: nope');
      }
    });

    it('requires a struct', () => {
      expect(errorOf(() => value({ field: 'magic' }).apply(sink(Schemas.INT32, 5))).message).toBe(
        'Only Struct objects supported for [field extraction], found: java.lang.Integer',
      );
      expect(errorOf(() => value({ field: 'magic' }).apply(sink(Schemas.OPTIONAL_INT32, null))).message).toBe(
        'Cannot look up fields on non-struct type',
      );
    });

    it('follows nested paths with V2 only', () => {
      const v2 = value({ field: 'a.b', 'field.syntax.version': 'v2' }).apply(sink(outer, outerValue));
      expect(v2?.valueSchema).toBe(Schemas.INT64);
      expect(v2?.value).toBe(5);
      expect(
        value({ field: '`a`.b', 'field.syntax.version': 'V2' }).apply(sink(outer, outerValue))?.value,
      ).toBe(5);
      expect(errorOf(() => value({ field: 'a.b' }).apply(sink(outer, outerValue))).message).toBe(
        'Unknown field: a.b',
      );
      expect(
        errorOf(() =>
          value({ field: 'magic.x', 'field.syntax.version': 'V2' }).apply(sink(outer, outerValue)),
        ).message,
      ).toBe('Cannot look up fields on non-struct type');
    });

    it('replaces null with the default unless told not to', () => {
      const withDefault = value({ field: 'opt' }).apply(sink(outer, outerValue));
      expect(withDefault?.valueSchema?.defaultValue).toBe(7);
      expect(withDefault?.value).toBe(7);
      expect(
        value({ field: 'opt', 'replace.null.with.default': 'false' }).apply(sink(outer, outerValue))?.value,
      ).toBeNull();
      expect(
        value({ field: 'a.c', 'field.syntax.version': 'V2' }).apply(sink(outer, outerValue))?.value,
      ).toBe('dflt');
      expect(
        value({ field: 'a.c', 'field.syntax.version': 'V2', 'replace.null.with.default': 'false' }).apply(
          sink(outer, outerValue),
        )?.value,
      ).toBeNull();
    });

    it('works on the key', () => {
      const record = { ...sink(undefined, null), keySchema: outer, key: outerValue };
      const out = keyPlugin.create({ field: 'magic' }).apply(record);
      expect(out?.keySchema).toBe(Schemas.INT32);
      expect(out?.key).toBe(42);
      expect(out?.kafkaOffset).toBe(42n);
    });
  });

  describe('config errors', () => {
    it('reports them as Apache does', () => {
      expect(errorOf(() => value({ field: '`a.b', 'field.syntax.version': 'V2' })).message).toBe(
        'Incomplete backtick pair in path: [`a.b], consider adding a backslash before backtick at position 0 to escape it',
      );
      const badVersion = errorOf(() => value({ field: 'a', 'field.syntax.version': 'V3' }));
      expect(badVersion).toBeInstanceOf(ConfigException);
      expect(badVersion.message).toBe(
        'Invalid value V3 for configuration field.syntax.version: String must be one of (case insensitive): V1, V2',
      );
      expect(errorOf(() => value({})).message).toBe(
        'Missing required configuration "field" which has no default value.',
      );
    });
  });
});
