import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../../../api/records.js';
import { SchemaBuilder, Schemas, Struct } from '../../../data/index.js';
import {
  extractFields,
  impossibleIdentifier,
  keyValues,
  nonKeyValues,
  RecordShapeError,
} from './fields-metadata.js';

const value = SchemaBuilder.struct()
  .name('users1')
  .field('id', Schemas.INT32)
  .field('name', Schemas.OPTIONAL_STRING)
  .field('pwd', Schemas.OPTIONAL_STRING)
  .build();
const keyStruct = SchemaBuilder.struct().field('id', Schemas.INT32).field('region', Schemas.STRING).build();
const settings = (
  pkMode: 'none' | 'kafka' | 'record_key' | 'record_value',
  pkFields: string[] = [],
  fieldsWhitelist: string[] = [],
) => ({
  pkMode,
  pkFields,
  fieldsWhitelist,
});

function record(key: unknown, keySchema: typeof value | undefined): SinkRecord {
  return {
    topic: 'users',
    kafkaPartition: 2,
    kafkaOffset: 41n,
    keySchema,
    key,
    valueSchema: value,
    value: new Struct(value).put('id', 7).put('name', 'User4 name').put('pwd', 'x'),
    timestamp: undefined,
    headers: [],
  };
}

describe('extractFields (Confluent FieldsMetadata)', () => {
  it('none: every value field, in value order', () => {
    const f = extractFields('t', settings('none'), undefined, value);
    expect(f.keyFieldNames).toEqual([]);
    expect([...f.allFields.keys()]).toEqual(['id', 'name', 'pwd']);
  });

  it('kafka: the three coordinates as key, default names first after value fields by name', () => {
    const f = extractFields('t', settings('kafka'), undefined, value);
    expect(f.keyFieldNames).toEqual(['__connect_topic', '__connect_partition', '__connect_offset']);
    expect([...f.allFields.keys()]).toEqual([
      'id',
      'name',
      'pwd',
      '__connect_offset',
      '__connect_partition',
      '__connect_topic',
    ]);
    expect(keyValues(record(null, undefined), 'kafka', f)).toEqual(['users', 2, 41n]);
    expect(() => extractFields('t', settings('kafka', ['a', 'b']), undefined, value)).toThrow(/exactly 3/);
  });

  it('record_key: struct key fields (all, or the named ones), value fields minus key names', () => {
    const f = extractFields('t', settings('record_key'), keyStruct, value);
    expect(f.keyFieldNames).toEqual(['id', 'region']);
    expect(f.nonKeyFieldNames).toEqual(['name', 'pwd']);
    const key = new Struct(keyStruct).put('id', 7).put('region', 'eu');
    expect(keyValues(record(key, keyStruct), 'record_key', f)).toEqual([7, 'eu']);
    expect(nonKeyValues(record(key, keyStruct), f)).toEqual(['User4 name', 'x']);
    expect(extractFields('t', settings('record_key', ['region']), keyStruct, value).keyFieldNames).toEqual([
      'region',
    ]);
    expect(() => extractFields('t', settings('record_key', ['nope']), keyStruct, value)).toThrow(
      /does not contain field: nope/,
    );
  });

  it('record_key: a primitive key needs exactly one pk.fields name', () => {
    const f = extractFields('t', settings('record_key', ['user_key']), Schemas.STRING, value);
    expect(f.keyFieldNames).toEqual(['user_key']);
    expect(keyValues(record('k-1', Schemas.STRING as typeof value), 'record_key', f)).toEqual(['k-1']);
    expect(() => extractFields('t', settings('record_key'), Schemas.STRING, value)).toThrow(
      /exactly one PK column/,
    );
    expect(() => extractFields('t', settings('record_key'), undefined, value)).toThrow(
      /record key schema is missing/,
    );
  });

  it('record_value: named value fields as key; whitelist filters the rest', () => {
    const f = extractFields('t', settings('record_value', ['id'], ['name']), undefined, value);
    expect(f.keyFieldNames).toEqual(['id']);
    expect(f.nonKeyFieldNames).toEqual(['name']);
    expect(keyValues(record(null, undefined), 'record_value', f)).toEqual([7]);
  });

  it('refuses non-struct values and nested fields with a message naming them', () => {
    expect(() => extractFields('t', settings('none'), undefined, Schemas.STRING)).toThrow(
      /Value schema must be of type Struct/,
    );
    const nested = SchemaBuilder.struct()
      .field('id', Schemas.INT32)
      .field('address', SchemaBuilder.struct().field('c', Schemas.STRING).build())
      .build();
    expect(() => extractFields('t', settings('none'), undefined, nested)).toThrow(/Field 'address'.*STRUCT/);
    const bad = { ...record(null, undefined), value: 'plain text' };
    const f = extractFields('t', settings('none'), undefined, value);
    expect(() => nonKeyValues(bad, f)).toThrow(/non-null Struct value.*offset=41/);
  });
});

describe('impossible column names', () => {
  it.each([
    ['na\u0000me', /NUL character/],
    ['  ', /empty/],
    ['a\uD800b', /unpaired UTF-16 surrogate/],
  ])('%j is a RecordShapeError', (name, message) => {
    expect(impossibleIdentifier(name)).toMatch(message);
    const value = SchemaBuilder.struct().field('id', Schemas.INT32).field(name, Schemas.STRING).build();
    const settings = { pkMode: 'none' as const, pkFields: [], fieldsWhitelist: [] };
    expect(() => extractFields('t', settings, undefined, value)).toThrow(RecordShapeError);
  });

  it('an empty name is impossible too (the schema builder already refuses it)', () => {
    expect(impossibleIdentifier('')).toMatch(/empty/);
  });

  it('accepts names any database can hold, quotes and emoji included', () => {
    for (const name of ['id', 'order id', 'a"b', "o'k", 'naïve', '😀', 'x'.repeat(200)]) {
      expect(impossibleIdentifier(name)).toBeUndefined();
    }
  });
});
