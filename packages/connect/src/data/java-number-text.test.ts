import { describe, expect, it } from 'vitest';
import { javaDoubleToString, javaFloatToString } from './java-number-text.js';

// Expected texts are what Java 17 (LEGACY) and Java 19+ (SHORTEST) print; the compatibility test
// in test/converters checks thousands more against real JVMs.
describe('javaDoubleToString', () => {
  it.each([
    [1, '1.0'],
    [-1, '-1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [0.1, '0.1'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1e-7, '1.0E-7'],
    [1234567, '1234567.0'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1e10, '1.0E10'],
    [1e21, '1.0E21'],
    [-123.456, '-123.456'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('%s prints %s on every JVM', (value, text) => {
    expect(javaDoubleToString(value, 'LEGACY')).toBe(text);
    expect(javaDoubleToString(value, 'SHORTEST')).toBe(text);
  });

  it.each([
    [2e23, '1.9999999999999998E23', '2.0E23'],
    [5e-324, '4.9E-324', '4.9E-324'],
    [1.0e23, '9.999999999999999E22', '1.0E23'],
    [2.82879384806159e17, '2.82879384806159008E17', '2.82879384806159E17'],
  ])('%s prints %s on Java 17 and %s on Java 19+', (value, legacy, shortest) => {
    expect(javaDoubleToString(value, 'LEGACY')).toBe(legacy);
    expect(javaDoubleToString(value, 'SHORTEST')).toBe(shortest);
  });
});

describe('javaFloatToString', () => {
  it.each([
    [0.1, '0.1', '0.1'],
    [1, '1.0', '1.0'],
    [3.4028235e38, '3.4028235E38', '3.4028235E38'],
    [1.4e-45, '1.4E-45', '1.4E-45'],
    [1e-7, '1.0E-7', '1.0E-7'],
    [16777217, '1.6777216E7', '1.6777216E7'],
    [49601768, '4.9601768E7', '4.960177E7'],
    [-339606.125, '-339606.12', '-339606.12'],
    [Number.NaN, 'NaN', 'NaN'],
  ])('%s prints %s on Java 17 and %s on Java 19+', (value, legacy, shortest) => {
    expect(javaFloatToString(value, 'LEGACY')).toBe(legacy);
    expect(javaFloatToString(value, 'SHORTEST')).toBe(shortest);
  });

  it('rounds a double to the nearest float first', () => {
    expect(javaFloatToString(0.30000001192092896, 'LEGACY')).toBe('0.3');
    expect(javaFloatToString(-0, 'SHORTEST')).toBe('-0.0');
  });
});
