import { type DecimalDigits, legacyDoubleDigits, legacyFloatDigits } from './floating-decimal.js';
import { shortestDoubleDigits, shortestFloatDigits } from './shortest-decimal.js';

/**
 * Which JVM's `Double.toString`/`Float.toString` digits to reproduce: `LEGACY` for Java 8–18
 * (what a Connect worker on Java 17 writes), `SHORTEST` for Java 19 and later. The two differ
 * for about 0.3% of random doubles and 1–10% of floats; both read back to the same value.
 */
export type FloatFormat = 'LEGACY' | 'SHORTEST';

/** Java's `Double.toString(value)`: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `-0.0`, `NaN`, `Infinity`. */
export function javaDoubleToString(value: number, format: FloatFormat): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  const digits = format === 'LEGACY' ? legacyDoubleDigits(magnitude) : shortestDoubleDigits(magnitude);
  return layout(value < 0, digits);
}

/** Java's `Float.toString` of the float32 value nearest to `value`. */
export function javaFloatToString(value: number, format: FloatFormat): string {
  const float = Math.fround(value);
  if (!Number.isFinite(float)) return nonFinite(float);
  if (float === 0) return Object.is(float, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(float);
  const digits = format === 'LEGACY' ? legacyFloatDigits(magnitude) : shortestFloatDigits(magnitude);
  return layout(float < 0, digits);
}

function nonFinite(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Java's layout of the digits `0.d1d2… × 10^e`: plain for 10^-3 <= |x| < 10^7 with at least one
 * digit after the point, otherwise `d1.d2…E±n` with at least one digit after the point.
 */
function layout(negative: boolean, { digits, decExponent }: DecimalDigits): string {
  let text = negative ? '-' : '';
  const n = digits.length;
  if (decExponent > 0 && decExponent < 8) {
    const whole = Math.min(n, decExponent);
    for (let i = 0; i < whole; i++) text += digits[i];
    if (whole < decExponent) {
      text += `${'0'.repeat(decExponent - whole)}.0`;
    } else if (whole < n) {
      text += '.';
      for (let i = whole; i < n; i++) text += digits[i];
    } else {
      text += '.0';
    }
  } else if (decExponent <= 0 && decExponent > -3) {
    text += `0.${'0'.repeat(-decExponent)}`;
    for (let i = 0; i < n; i++) text += digits[i];
  } else {
    text += `${digits[0]}.`;
    if (n > 1) for (let i = 1; i < n; i++) text += digits[i];
    else text += '0';
    text += `E${decExponent - 1}`;
  }
  return text;
}
