import { describe, expect, it } from 'vitest';
import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import {
  appendFieldSyntaxVersionConfig,
  FIELD_SYNTAX_VERSION_CONFIG,
  fieldSyntaxVersionFromConfig,
  MultiFieldPaths,
  SingleFieldPath,
} from './field-path.js';
import { errorOf } from './test-records.js';

const v1 = (path: string) => new SingleFieldPath(path, 'V1').steps;
const v2 = (path: string) => new SingleFieldPath(path, 'V2').steps;

describe('field.syntax.version', () => {
  it('is defined as Apache defines it', () => {
    const def = appendFieldSyntaxVersionConfig(new ConfigDef());
    const key = def.key(FIELD_SYNTAX_VERSION_CONFIG);
    expect(def.keys().size).toBe(1);
    expect(key?.type).toBe('STRING');
    expect(key?.defaultValue).toBe('V1');
    expect(key?.importance).toBe('HIGH');
    expect(key?.validator?.description).toBe('(case insensitive) [V1, V2]');
  });

  it('cannot be appended twice', () => {
    const def = appendFieldSyntaxVersionConfig(new ConfigDef());
    expect(errorOf(() => appendFieldSyntaxVersionConfig(def)).message).toBe(
      'Configuration field.syntax.version is defined twice.',
    );
  });

  it.each([
    ['v1', 'V1'],
    ['v2', 'V2'],
    ['V1', 'V1'],
    ['V2', 'V2'],
  ])('reads %s as %s', (input, expected) => {
    const config = appendFieldSyntaxVersionConfig(new ConfigDef()).parse({
      [FIELD_SYNTAX_VERSION_CONFIG]: input,
    });
    expect(fieldSyntaxVersionFromConfig(config)).toBe(expected);
  });

  it('defaults to V1', () => {
    expect(fieldSyntaxVersionFromConfig(appendFieldSyntaxVersionConfig(new ConfigDef()).parse({}))).toBe(
      'V1',
    );
  });

  it.each(['v3', 'V 1', 'v', 'V 2', '2', '1'])('rejects %s', (input) => {
    const error = errorOf(() =>
      appendFieldSyntaxVersionConfig(new ConfigDef()).parse({ [FIELD_SYNTAX_VERSION_CONFIG]: input }),
    );
    expect(error).toBeInstanceOf(ConfigException);
    expect(error.message).toBe(
      `Invalid value ${input} for configuration field.syntax.version: String must be one of (case insensitive): V1, V2`,
    );
  });
});

describe('SingleFieldPath notation', () => {
  it('V1 keeps the text as one step', () => {
    for (const path of ['foo.bar.baz', 'foo`bar`', 'foo.`bar.baz`', '']) expect(v1(path)).toEqual([path]);
  });

  it('V2 keeps empty names', () => {
    expect(v2('..')).toEqual(['', '', '']);
    expect(v2('foo..')).toEqual(['foo', '', '']);
    expect(v2('.bar.')).toEqual(['', 'bar', '']);
    expect(v2('..baz')).toEqual(['', '', 'baz']);
  });

  it('V2: an empty path has no steps', () => {
    expect(v2('')).toEqual([]);
  });

  it('V2 splits on dots', () => {
    expect(v2('foobarbaz')).toEqual(['foobarbaz']);
    expect(v2('foo.bar.baz')).toEqual(['foo', 'bar', 'baz']);
    expect(v2('foo`bar`baz')).toEqual(['foo`bar`baz']);
  });

  it('V2 unwraps backtick pairs', () => {
    expect(v2('`foo.bar.baz`')).toEqual(['foo.bar.baz']);
    expect(v2('foo.`bar.baz`')).toEqual(['foo', 'bar.baz']);
    expect(v2('`foo.bar`.baz')).toEqual(['foo.bar', 'baz']);
    expect(v2('foo.`bar`.baz')).toEqual(['foo', 'bar', 'baz']);
  });

  it('V2 keeps backticks that do not wrap', () => {
    expect(v2('foo.``bar.baz`')).toEqual(['foo', '`bar.baz']);
    expect(v2('foo.`bar.baz``')).toEqual(['foo', 'bar.baz`']);
    expect(v2('foo.`ba`r.baz`')).toEqual(['foo', 'ba`r.baz']);
    expect(v2('foo.ba`r.baz')).toEqual(['foo', 'ba`r', 'baz']);
    expect(v2('foo.``bar``.baz')).toEqual(['foo', '`bar`', 'baz']);
    expect(v2('``foo.bar.baz``')).toEqual(['`foo.bar.baz`']);
  });

  it('V2 unescapes backticks before dots', () => {
    expect(v2('foo.`bar\\`.baz`')).toEqual(['foo', 'bar`.baz']);
    expect(v2('foo.`bar.`baz`')).toEqual(['foo', 'bar.`baz']);
    expect(v2('foo.`bar\\`.`baz`')).toEqual(['foo', 'bar`.`baz']);
    expect(v2('foo.`bar\\\\`.\\`baz`')).toEqual(['foo', 'bar\\`.\\`baz']);
  });

  it.each([
    ['`foo.bar.baz', 0],
    ['foo.`bar.baz', 4],
    ['foo.bar.`baz', 8],
    ['foo.bar.`baz\\`', 8],
  ])('V2 rejects the unclosed backtick in %s', (path, position) => {
    const error = errorOf(() => new SingleFieldPath(path, 'V2'));
    expect(error).toBeInstanceOf(ConfigException);
    expect(error.message).toBe(
      `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${position} to escape it`,
    );
  });

  it('prints like Apache', () => {
    expect(new SingleFieldPath('`a.b`.c', 'V2').toString()).toBe('SingleFieldPath{version=V2, path=a.b.c}');
  });

  it('compares by steps', () => {
    expect(new SingleFieldPath('a.b', 'V2').equals(new SingleFieldPath('`a`.b', 'V2'))).toBe(true);
    expect(new SingleFieldPath('a.b', 'V1').equals(new SingleFieldPath('a.b', 'V2'))).toBe(false);
  });
});

describe('SingleFieldPath lookups', () => {
  const bazSchema = SchemaBuilder.struct().field('inner', Schemas.STRING).optional().build();
  const barSchema = SchemaBuilder.struct().field('bar', Schemas.INT32).field('baz', bazSchema).build();
  const schema = SchemaBuilder.struct().field('foo', barSchema).build();
  const struct = new Struct(schema).put('foo', new Struct(barSchema).put('bar', 42).put('baz', null));
  const map = new Map<string, unknown>([
    [
      'foo',
      new Map<string, unknown>([
        ['bar', 42],
        ['baz', null],
      ]),
    ],
  ]);
  const path = (p: string) => new SingleFieldPath(p, 'V2');

  it('finds fields in a schema', () => {
    expect(path('foo.bar').fieldFrom(schema)).toBe(barSchema.field('bar'));
    expect(path('foo').fieldFrom(schema)).toBe(schema.field('foo'));
    expect(path('foo.baz.inner').schemaFrom(schema)).toBe(Schemas.STRING);
  });

  it('gives null for missing fields', () => {
    expect(path('un.known').fieldFrom(schema)).toBeNull();
    expect(path('foo.unknown').fieldFrom(schema)).toBeNull();
    expect(path('unknown').fieldFrom(schema)).toBeNull();
    expect(path('test').fieldFrom(null)).toBeNull();
  });

  it("throws Apache's error when a step goes through a non-struct schema", () => {
    const error = errorOf(() => path('foo.bar.x').fieldFrom(schema));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('Cannot look up fields on non-struct type');
    expect(errorOf(() => path('x').fieldFrom(Schemas.INT32)).message).toBe(
      'Cannot look up fields on non-struct type',
    );
  });

  it('finds values in a map', () => {
    expect(path('foo.bar').valueFromMap(map)).toBe(42);
    expect(path('foo.baz').valueFromMap(map)).toBeNull();
    expect(path('un.known').valueFromMap(map)).toBeNull();
    expect(path('foo.unknown').valueFromMap(map)).toBeNull();
    expect(path('unknown').valueFromMap(map)).toBeNull();
    expect(path('foo.baz.inner').valueFromMap(map)).toBeNull();
    expect(path('x').valueFromMap(null)).toBeNull();
    expect(path('foo.bar').valueFrom(map)).toBe(42);
  });

  it('requires maps on the way down', () => {
    expect(errorOf(() => path('foo.bar.x').valueFromMap(map)).message).toBe(
      // A whole number in a schemaless map comes from JSON as a Long in Connect.
      'Only Map objects supported in absence of schema for [nested field access], found: java.lang.Long',
    );
  });

  it('finds values in a struct', () => {
    expect(path('foo.bar').valueFromStruct(struct)).toBe(42);
    expect(path('foo.baz').valueFromStruct(struct)).toBeNull();
    expect(path('un.known').valueFromStruct(struct)).toBeNull();
    expect(path('foo.unknown').valueFromStruct(struct)).toBeNull();
    expect(path('unknown').valueFromStruct(struct)).toBeNull();
    expect(path('foo.baz.inner').valueFromStruct(struct)).toBeNull();
    expect(path('foo.bar').valueFrom(struct)).toBe(42);
  });

  it('requires structs on the way down', () => {
    expect(errorOf(() => path('foo.bar.x').valueFromStruct(struct)).message).toBe(
      'Only Struct objects supported for [nested field access], found: java.lang.Integer',
    );
  });

  it('reads defaults unless told not to', () => {
    const withDefault = SchemaBuilder.struct()
      .field('n', SchemaBuilder.int32().optional().defaultValue(7).build())
      .build();
    const value = new Struct(withDefault);
    expect(path('n').valueFromStruct(value)).toBe(7);
    expect(path('n').valueFromStruct(value, false)).toBeNull();
  });

  it('V1 reads a dotted name as one field', () => {
    const dotted = SchemaBuilder.struct().field('a.b', Schemas.INT32).build();
    expect(new SingleFieldPath('a.b', 'V1').valueFromStruct(new Struct(dotted).put('a.b', 1))).toBe(1);
    expect(new SingleFieldPath('a.b', 'V2').fieldFrom(dotted)).toBeNull();
    expect(new SingleFieldPath('`a.b`', 'V2').fieldFrom(dotted)).toBe(dotted.field('a.b'));
  });

  it('an empty V2 path fails on use as Java does', () => {
    expect(errorOf(() => path('').fieldFrom(schema)).message).toBe('fromIndex(0) > toIndex(-1)');
  });
});

describe('MultiFieldPaths', () => {
  it('keeps first-given order and drops repeats', () => {
    const paths = MultiFieldPaths.of(['a.b', 'c', '`a`.b', 'a.d'], 'V2');
    expect(paths.size).toBe(3);
    expect(paths.paths.map((p) => p.steps)).toEqual([['a', 'b'], ['c'], ['a', 'd']]);
  });

  it('answers trie questions', () => {
    const paths = MultiFieldPaths.of(['a.b', 'c'], 'V2');
    expect(paths.contains(['a', 'b'])).toBe(true);
    expect(paths.contains(['a'])).toBe(false);
    expect(paths.hasPathsBelow(['a'])).toBe(true);
    expect(paths.hasPathsBelow(['c'])).toBe(false);
    expect(paths.stepsBelow([])).toEqual(['a', 'c']);
    expect(paths.pathAt(['c'])?.toString()).toBe('SingleFieldPath{version=V2, path=c}');
  });
});
