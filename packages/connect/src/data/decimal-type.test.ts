import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.js';
import { bigintToTwosComplement, DecimalType, twosComplementToBigint } from './decimal-type.js';
import { SchemaBuilder } from './schema-builder.js';

describe('Decimal logical type', () => {
  it('has Connect’s schema shape', () => {
    const schema = DecimalType.schema(2);
    expect(schema.type).toBe('bytes');
    expect(schema.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(schema.version).toBe(1);
    expect([...(schema.parameters ?? [])]).toEqual([['scale', '2']]);
    expect(schema.logical).toBe('decimal');
    expect(DecimalType.scaleOf(DecimalType.schema(-3))).toBe(-3);
  });

  // Expected bytes are Java's BigInteger.toByteArray().
  it.each([
    [0n, '00'],
    [1n, '01'],
    [127n, '7f'],
    [128n, '0080'],
    [255n, '00ff'],
    [256n, '0100'],
    [-1n, 'ff'],
    [-128n, '80'],
    [-129n, 'ff7f'],
    [-32768n, '8000'],
    [32767n, '7fff'],
    [2n ** 47n - 1n, '7fffffffffff'],
    [2n ** 47n, '00800000000000'],
    [-(2n ** 47n), '800000000000'],
    [-(2n ** 47n) - 1n, 'ff7fffffffffff'],
    [2n ** 63n, '008000000000000000'],
    [-(2n ** 63n), '8000000000000000'],
    [12345678901234567890123456789n, '27e41b3246bec9b16e398115'],
  ])('%s ⇄ %s', (value, hex) => {
    expect(bigintToTwosComplement(value).toString('hex')).toBe(hex);
    expect(twosComplementToBigint(Buffer.from(hex, 'hex'))).toBe(value);
  });

  it('round-trips random values of every size', () => {
    for (let bits = 1; bits < 300; bits += 7) {
      for (const sign of [1n, -1n]) {
        const value = sign * (2n ** BigInt(bits) - 3n);
        expect(twosComplementToBigint(bigintToTwosComplement(value))).toBe(value);
      }
    }
  });

  it('converts values of the schema’s scale only', () => {
    const schema = DecimalType.schema(2);
    const bytes = DecimalType.fromLogical(schema, Decimal.fromString('-5.53'));
    expect(bytes.toString('base64')).toBe('/dc=');
    expect(DecimalType.toLogical(schema, bytes).toString()).toBe('-5.53');
    expect(() => DecimalType.fromLogical(schema, Decimal.fromString('1.5'))).toThrow(
      'Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1.',
    );
  });

  it('reports a missing or bad scale', () => {
    const noScale = SchemaBuilder.bytes().name(DecimalType.LOGICAL_NAME).build();
    expect(() => DecimalType.scaleOf(noScale)).toThrow('scale parameter not found');
    const badScale = SchemaBuilder.bytes().name(DecimalType.LOGICAL_NAME).parameter('scale', 'two').build();
    expect(() => DecimalType.scaleOf(badScale)).toThrow('Invalid scale parameter');
    expect(() => twosComplementToBigint(Buffer.alloc(0))).toThrow('zero length');
  });
});

describe('Decimal logical type bounds', () => {
  it('refuses a schema scale or a byte length past the bounds with a DataError', () => {
    const schema = SchemaBuilder.bytes()
      .name(DecimalType.LOGICAL_NAME)
      .parameter('scale', '400000000')
      .build();
    expect(() => DecimalType.toLogical(schema, Buffer.from([1]))).toThrow(/outside the supported range/);
    expect(() => DecimalType.toLogical(DecimalType.schema(2), Buffer.alloc(1_000_000, 0x7f))).toThrow(
      /more than \d+ digits/,
    );
    expect(DecimalType.toLogical(DecimalType.schema(16_383), Buffer.from([5])).scale).toBe(16_383);
  });
});
