import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { Decimal, MAX_DECIMAL_PRECISION, MAX_DECIMAL_SCALE } from './decimal.js';

describe('Decimal', () => {
  it.each([
    ['123.45', 12345n, 2, '123.45', '123.45'],
    ['-0.001', -1n, 3, '-0.001', '-0.001'],
    ['0.0000001', 1n, 7, '1E-7', '0.0000001'],
    ['0.000001', 1n, 6, '0.000001', '0.000001'],
    ['1E+3', 1n, -3, '1E+3', '1000'],
    ['1.5e3', 15n, -2, '1.5E+3', '1500'],
    ['0E-10', 0n, 10, '0E-10', '0.0000000000'],
    ['-0.0', 0n, 1, '0.0', '0.0'],
    ['+7', 7n, 0, '7', '7'],
    ['.5', 5n, 1, '0.5', '0.5'],
    ['5.', 5n, 0, '5', '5'],
    ['007', 7n, 0, '7', '7'],
    [
      '123456789012345678901234567890.5',
      1234567890123456789012345678905n,
      1,
      '123456789012345678901234567890.5',
      '123456789012345678901234567890.5',
    ],
    ['12E-12', 12n, 12, '1.2E-11', '0.000000000012'],
  ])('%s is %s × 10^-%s, printed %s / %s', (text, unscaled, scale, javaText, plain) => {
    const decimal = Decimal.fromString(text);
    expect(decimal.unscaled).toBe(unscaled);
    expect(decimal.scale).toBe(scale);
    expect(decimal.toString()).toBe(javaText);
    expect(decimal.toPlainString()).toBe(plain);
  });

  it('refuses text that is not a number', () => {
    for (const text of ['', '-', '1e', 'abc', '1.2.3', ' 1', 'NaN']) {
      expect(() => Decimal.fromString(text), text).toThrow('Not a decimal number');
    }
  });

  it('compares by value, equals by value and scale', () => {
    expect(Decimal.fromString('1.50').compareTo(Decimal.fromString('1.5'))).toBe(0);
    expect(Decimal.fromString('1.50').equals(Decimal.fromString('1.5'))).toBe(false);
    expect(Decimal.fromString('-2').compareTo(Decimal.fromString('1E+3'))).toBe(-1);
    expect(Decimal.fromString('1.5').signum()).toBe(1);
  });

  it('changes scale exactly, or rounds when told to', () => {
    expect(Decimal.fromString('1.5').setScale(3).toString()).toBe('1.500');
    expect(Decimal.fromString('1.500').setScale(1).toString()).toBe('1.5');
    expect(() => Decimal.fromString('1.25').setScale(1)).toThrow('Rounding necessary');
    expect(Decimal.fromString('1.25').setScale(1, 'HALF_UP').toString()).toBe('1.3');
    expect(Decimal.fromString('-1.25').setScale(1, 'HALF_UP').toString()).toBe('-1.3');
    expect(Decimal.fromString('1.25').setScale(1, 'HALF_EVEN').toString()).toBe('1.2');
    expect(Decimal.fromString('1.35').setScale(1, 'HALF_EVEN').toString()).toBe('1.4');
    expect(Decimal.fromString('-1.29').setScale(1, 'DOWN').toString()).toBe('-1.2');
  });

  it('converts to a number and JSON text', () => {
    expect(Decimal.fromString('12.5').toNumber()).toBe(12.5);
    expect(JSON.stringify({ d: Decimal.fromString('1E+3') })).toBe('{"d":"1E+3"}');
  });
});

describe('Decimal bounds', () => {
  it('takes scales and digits up to the documented bounds', () => {
    expect(new Decimal(1n, MAX_DECIMAL_SCALE).scale).toBe(MAX_DECIMAL_SCALE);
    expect(new Decimal(-1n, -MAX_DECIMAL_SCALE).scale).toBe(-MAX_DECIMAL_SCALE);
    expect(Decimal.fromString(`0.${'1'.repeat(MAX_DECIMAL_SCALE)}`).scale).toBe(MAX_DECIMAL_SCALE);
    expect(new Decimal(10n ** 100_000n).unscaled).toBe(10n ** 100_000n);
  });

  it('refuses larger ones with a DataError, never a RangeError or a huge string', () => {
    expect(() => new Decimal(1n, MAX_DECIMAL_SCALE + 1)).toThrow(DataError);
    expect(() => new Decimal(1n, 400_000_000)).toThrow(/outside the supported range/);
    expect(() => new Decimal(1n, -(2 ** 31))).toThrow(DataError);
    expect(() => new Decimal(10n ** BigInt(MAX_DECIMAL_PRECISION + 10))).toThrow(/more than \d+ digits/);
    expect(() => Decimal.fromString('1e-400000000')).toThrow(DataError);
    expect(() => Decimal.fromString('1e+2147483647')).toThrow(DataError);
  });
});
