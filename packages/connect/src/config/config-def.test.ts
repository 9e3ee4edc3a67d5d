import { describe, expect, it } from 'vitest';
import { ConfigDef } from './config-def.js';
import { ConfigException, Password } from './config-types.js';
import { convertToString, parseType } from './parse-type.js';
import {
  atLeast,
  between,
  caseInsensitiveValidString,
  nonEmptyStringWithoutControlChars,
  validList,
  validString,
} from './validators.js';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

describe('parseType', () => {
  it('parses each type with Kafka rules', () => {
    expect(parseType('k', ' 42 ', 'INT')).toBe(42);
    expect(parseType('k', '-2147483648', 'INT')).toBe(-2147483648);
    expect(parseType('k', '9007199254740991', 'LONG')).toBe(9007199254740991);
    expect(parseType('k', ' TRUE ', 'BOOLEAN')).toBe(true);
    expect(parseType('k', 'False', 'BOOLEAN')).toBe(false);
    expect(parseType('k', '1.5e3', 'DOUBLE')).toBe(1500);
    expect(parseType('k', ' a , b,c ', 'LIST')).toEqual(['a', 'b', 'c']);
    expect(parseType('k', '   ', 'LIST')).toEqual([]);
    expect(parseType('k', '  text ', 'STRING')).toBe('text');
    expect(parseType('k', 'org.example.Foo', 'CLASS')).toBe('org.example.Foo');
    expect(parseType('k', null, 'INT')).toBeNull();
    const password = parseType('k', ' s3cret ', 'PASSWORD');
    expect(password).toBeInstanceOf(Password);
    expect((password as Password).value()).toBe('s3cret');
    expect(String(password)).toBe('[hidden]');
    expect(JSON.stringify({ password })).toBe('{"password":"[hidden]"}');
  });

  it('rejects what Java would not parse, in ConfigException wording', () => {
    expect(errorOf(() => parseType('tasks.max', '1.0', 'INT'))).toBe(
      'Invalid value 1.0 for configuration tasks.max: Not a number of type INT',
    );
    expect(errorOf(() => parseType('k', '2147483648', 'INT'))).toBe(
      'Invalid value 2147483648 for configuration k: Not a number of type INT',
    );
    expect(errorOf(() => parseType('k', '40000', 'SHORT'))).toContain('Not a number of type SHORT');
    expect(errorOf(() => parseType('k', 'yes', 'BOOLEAN'))).toBe(
      'Invalid value yes for configuration k: Expected value to be either true or false',
    );
    expect(errorOf(() => parseType('k', 'abc', 'DOUBLE'))).toContain('Not a number of type DOUBLE');
    expect(() => parseType('k', '1', 'INT')).not.toThrow();
  });

  it('converts back to text as Connect shows values', () => {
    expect(convertToString(['a', 'b'], 'LIST')).toBe('a,b');
    expect(convertToString(new Password('x'), 'PASSWORD')).toBe('[hidden]');
    expect(convertToString(2, 'DOUBLE')).toBe('2.0');
    expect(convertToString(0.25, 'DOUBLE')).toBe('0.25');
    expect(convertToString(null, 'STRING')).toBeNull();
    expect(convertToString(false, 'BOOLEAN')).toBe('false');
  });
});

describe('validators', () => {
  it('speak Kafka’s messages', () => {
    expect(errorOf(() => atLeast(1).ensureValid('tasks.max', 0))).toBe(
      'Invalid value 0 for configuration tasks.max: Value must be at least 1',
    );
    expect(errorOf(() => between(1, 10).ensureValid('k', 11))).toBe(
      'Invalid value 11 for configuration k: Value must be no more than 10',
    );
    expect(errorOf(() => atLeast(1).ensureValid('k', null))).toBe(
      'Invalid value null for configuration k: Value must be non-null',
    );
    expect(errorOf(() => validString('none', 'all').ensureValid('errors.tolerance', 'some'))).toBe(
      'Invalid value some for configuration errors.tolerance: String must be one of: none, all',
    );
    expect(() => caseInsensitiveValidString('upsert', 'insert').ensureValid('k', 'UPSERT')).not.toThrow();
    expect(errorOf(() => caseInsensitiveValidString('a').ensureValid('k', 'b'))).toBe(
      'Invalid value b for configuration k: String must be one of (case insensitive): A',
    );
    expect(errorOf(() => validList(['a', 'b']).ensureValid('k', ['a', 'a']))).toBe(
      "Configuration 'k' values must not be duplicated.",
    );
    expect(errorOf(() => validList(['a', 'b']).ensureValid('k', ['c']))).toBe(
      'Invalid value c for configuration k: String must be one of: a, b',
    );
    expect(errorOf(() => nonEmptyStringWithoutControlChars().ensureValid('name', 'a\nb\tc'))).toBe(
      'Invalid value a\nb\tc for configuration name: String may not contain control sequences but had the following ASCII chars: 10, 9',
    );
    expect(() => nonEmptyStringWithoutControlChars().ensureValid('name', null)).not.toThrow();
  });
});

describe('ConfigDef', () => {
  const def = () =>
    new ConfigDef()
      .define({
        name: 'connection.url',
        type: 'STRING',
        importance: 'HIGH',
        documentation: 'JDBC URL.',
        group: 'Connection',
        orderInGroup: 1,
        width: 'LONG',
        displayName: 'JDBC URL',
      })
      .define({
        name: 'connection.password',
        type: 'PASSWORD',
        default: null,
        importance: 'HIGH',
        documentation: 'Password.',
        group: 'Connection',
        orderInGroup: 2,
      })
      .define({
        name: 'batch.size',
        type: 'INT',
        default: 3000,
        validator: atLeast(1),
        importance: 'MEDIUM',
        documentation: 'Rows per batch.',
        group: 'Writes',
      })
      .define({
        name: 'insert.mode',
        type: 'STRING',
        default: 'insert',
        validator: caseInsensitiveValidString('insert', 'upsert', 'update'),
        importance: 'HIGH',
        documentation: 'How rows are written.',
        group: 'Writes',
        recommender: { validValues: () => ['insert', 'upsert', 'update'], visible: () => true },
      });

  it('parses into typed values, keeps unknown keys, hides passwords when shown', () => {
    const parsed = def().parse({
      'connection.url': 'jdbc:sqlite:.data/a.db',
      'connection.password': 'pw',
      'batch.size': '500',
      'auto.create': 'true',
    });
    expect(parsed.getString('connection.url')).toBe('jdbc:sqlite:.data/a.db');
    expect(parsed.getNumber('batch.size')).toBe(500);
    expect(parsed.getPassword('connection.password')?.value()).toBe('pw');
    expect(parsed.getString('insert.mode')).toBe('insert');
    expect(parsed.unknown()).toEqual({ 'auto.create': 'true' });
    expect(parsed.toDisplayMap()).toEqual({
      'connection.url': 'jdbc:sqlite:.data/a.db',
      'connection.password': '[hidden]',
      'batch.size': '500',
      'insert.mode': 'insert',
    });
    expect(() => parsed.getBoolean('batch.size')).toThrow(ConfigException);
  });

  it('parse throws the first problem', () => {
    expect(errorOf(() => def().parse({}))).toBe(
      'Missing required configuration "connection.url" which has no default value.',
    );
    expect(errorOf(() => def().parse({ 'connection.url': 'x', 'batch.size': '0' }))).toBe(
      'Invalid value 0 for configuration batch.size: Value must be at least 1',
    );
  });

  it('validate lists every problem per key and sums error_count', () => {
    const infos = def().validate(
      { 'batch.size': 'lots', 'insert.mode': 'merge', 'connection.password': 'pw' },
      'Jdbc',
    );
    expect(infos.name).toBe('Jdbc');
    expect(infos.groups).toEqual(['Connection', 'Writes']);
    const byName = Object.fromEntries(infos.configs.map((c) => [c.definition.name, c]));
    expect(byName['connection.url']?.value.errors).toEqual([
      'Missing required configuration "connection.url" which has no default value.',
    ]);
    expect(byName['batch.size']?.value.errors).toEqual([
      'Invalid value lots for configuration batch.size: Not a number of type INT',
      'Invalid value null for configuration batch.size: Value must be non-null',
    ]);
    expect(byName['insert.mode']?.value.errors).toEqual([
      'Invalid value merge for configuration insert.mode: String must be one of (case insensitive): INSERT, UPSERT, UPDATE',
    ]);
    expect(byName['insert.mode']?.value.recommended_values).toEqual(['insert', 'upsert', 'update']);
    expect(byName['connection.password']?.value.value).toBe('[hidden]');
    expect(infos.error_count).toBe(4);
    expect(byName['batch.size']?.definition).toEqual({
      name: 'batch.size',
      type: 'INT',
      required: false,
      default_value: '3000',
      importance: 'MEDIUM',
      documentation: 'Rows per batch.',
      group: 'Writes',
      order_in_group: -1,
      width: 'NONE',
      display_name: 'batch.size',
      dependents: [],
    });
  });

  it('checks CLASS values against what the worker can load when asked to', () => {
    const classes = new ConfigDef().define({
      name: 'value.converter',
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation: 'Converter.',
    });
    const results = classes.validateAll(
      { 'value.converter': 'com.example.Missing' },
      { classExists: (name) => name === 'org.apache.kafka.connect.json.JsonConverter' },
    );
    expect(results.get('value.converter')?.errors).toEqual([
      'Invalid value com.example.Missing for configuration value.converter: Class com.example.Missing could not be found.',
    ]);
  });

  it('refuses a key defined twice and a default its validator rejects', () => {
    expect(() =>
      def().define({ name: 'batch.size', type: 'INT', importance: 'LOW', documentation: '' }),
    ).toThrow('Configuration batch.size is defined twice.');
    expect(() =>
      new ConfigDef().define({
        name: 'k',
        type: 'INT',
        default: 0,
        validator: atLeast(1),
        importance: 'LOW',
        documentation: '',
      }),
    ).toThrow('Value must be at least 1');
  });

  it('merge keeps order, later definitions win, groups are unioned', () => {
    const other = new ConfigDef()
      .define({ name: 'batch.size', type: 'INT', default: 10, importance: 'LOW', documentation: 'Smaller.' })
      .define({
        name: 'extra',
        type: 'BOOLEAN',
        default: true,
        importance: 'LOW',
        documentation: 'x',
        group: 'Extra',
      });
    const merged = def().merge(other);
    expect([...merged.keys().keys()]).toEqual([
      'connection.url',
      'connection.password',
      'batch.size',
      'insert.mode',
      'extra',
    ]);
    expect(merged.key('batch.size')?.defaultValue).toBe(10);
    expect(merged.groups()).toEqual(['Connection', 'Writes', 'Extra']);
  });
});

describe('ConfigDef.subset', () => {
  it('keeps only the named keys, in definition order, with their groups', () => {
    const def = new ConfigDef()
      .define({ name: 'a', type: 'INT', default: 1, importance: 'LOW', documentation: '', group: 'G1' })
      .define({ name: 'b', type: 'STRING', importance: 'LOW', documentation: '', group: 'G2' })
      .define({
        name: 'c',
        type: 'BOOLEAN',
        default: true,
        importance: 'LOW',
        documentation: '',
        group: 'G3',
      });
    const picked = def.subset('c', 'a');
    expect([...picked.keys().keys()]).toEqual(['a', 'c']);
    expect(picked.groups()).toEqual(['G1', 'G3']);
    // The required key left out is not asked for.
    expect(picked.parse({}).get('c')).toBe(true);
  });
});
