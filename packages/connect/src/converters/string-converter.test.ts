import { describe, expect, it } from 'vitest';
import { Decimal, SchemaBuilder, Schemas, Struct } from '../data/index.js';
import { StringConverter } from './string-converter.js';

describe('StringConverter', () => {
  it('writes any value as its text', () => {
    const converter = new StringConverter();
    expect(converter.fromConnectData('t', Schemas.STRING, 'héllo')?.toString('utf8')).toBe('héllo');
    expect(converter.fromConnectData('t', null, 42)?.toString()).toBe('42');
    expect(converter.fromConnectData('t', Schemas.FLOAT64, 1)?.toString()).toBe('1.0');
    expect(converter.fromConnectData('t', null, 2n ** 64n)?.toString()).toBe('18446744073709551616');
    expect(converter.fromConnectData('t', null, Decimal.fromString('1E+3'))?.toString()).toBe('1E+3');
    expect(converter.fromConnectData('t', null, new Date(1680643371000))?.toString()).toBe(
      'Tue Apr 04 21:22:51 UTC 2023',
    );
    const schema = SchemaBuilder.struct().field('a', Schemas.INT32).build();
    expect(converter.fromConnectData('t', schema, new Struct(schema).put('a', 1))?.toString()).toBe(
      'Struct{a=1}',
    );
    expect(converter.fromConnectData('t', Schemas.OPTIONAL_STRING, null)).toBeNull();
  });

  it('reads bytes as an optional string', () => {
    const converter = new StringConverter();
    expect(converter.toConnectData('t', Buffer.from('한글'))).toEqual({
      schema: Schemas.OPTIONAL_STRING,
      value: '한글',
    });
    expect(converter.toConnectData('t', null)).toEqual({ schema: Schemas.OPTIONAL_STRING, value: null });
  });

  it('honours converter.encoding', () => {
    const converter = new StringConverter();
    converter.configure({ 'converter.encoding': 'ISO-8859-1' }, true);
    expect([...(converter.fromConnectData('t', null, 'é') ?? [])]).toEqual([0xe9]);
    expect(converter.toConnectData('t', Buffer.from([0xe9])).value).toBe('é');
    expect(() => converter.configure({ 'converter.encoding': 'EBCDIC' }, false)).toThrow(
      'converter.encoding',
    );
  });
});
