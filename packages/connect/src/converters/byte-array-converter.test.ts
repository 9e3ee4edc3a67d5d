import { describe, expect, it } from 'vitest';
import { Schemas } from '../data/index.js';
import { ByteArrayConverter } from './byte-array-converter.js';

describe('ByteArrayConverter', () => {
  it('passes bytes through', () => {
    const converter = new ByteArrayConverter();
    const bytes = Buffer.from([0, 1, 255]);
    expect(converter.fromConnectData('t', Schemas.BYTES, bytes)).toBe(bytes);
    expect([...(converter.fromConnectData('t', null, new Uint8Array([7])) ?? [])]).toEqual([7]);
    expect(converter.fromConnectData('t', Schemas.OPTIONAL_BYTES, null)).toBeNull();
    expect(converter.toConnectData('t', bytes)).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: bytes });
    expect(converter.toConnectData('t', null)).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: null });
  });

  it('refuses other schemas and values, with Connect’s messages', () => {
    const converter = new ByteArrayConverter();
    expect(() => converter.fromConnectData('t', Schemas.STRING, 'x')).toThrow(
      'Invalid schema type for ByteArrayConverter: STRING',
    );
    expect(() => converter.fromConnectData('t', null, 'x')).toThrow(
      'ByteArrayConverter is not compatible with objects of type string',
    );
  });
});
