import { describe, expect, it } from 'vitest';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { headerBytes } from './header-bytes.js';

const text = (schema: Parameters<typeof headerBytes>[0]['schema'], value: unknown) =>
  headerBytes({ key: 'h', schema, value }).toString('utf8');

describe("a source header's bytes (SimpleHeaderConverter's text)", () => {
  it('writes strings, booleans and numbers as Java prints them', () => {
    expect(text(Schemas.STRING, 'msa-sync')).toBe('msa-sync');
    expect(text(Schemas.BOOLEAN, true)).toBe('true');
    expect(text(Schemas.INT32, 42)).toBe('42');
    expect(text(Schemas.INT64, 2n ** 62n)).toBe('4611686018427387904');
    expect(text(Schemas.FLOAT64, 1)).toBe('1.0');
    expect(text(Schemas.FLOAT64, 1.5e10)).toBe('1.5E10');
    expect(text(Schemas.FLOAT32, 0.1)).toBe('0.1');
    expect(text(undefined, 2.5)).toBe('2.5');
  });

  it('writes bytes as they are', () => {
    expect([...headerBytes({ key: 'h', schema: Schemas.BYTES, value: new Uint8Array([0, 255]) })]).toEqual([
      0, 255,
    ]);
  });

  it('refuses what it would write differently from Apache, and null', () => {
    const struct = SchemaBuilder.struct().field('a', Schemas.INT32).build();
    expect(() => text(struct, new Map())).toThrow(
      /header converter writes strings, numbers, booleans and bytes only/,
    );
    expect(() => text(Schemas.STRING, null)).toThrow(/null value/);
  });
});
