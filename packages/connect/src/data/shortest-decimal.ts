import type { DecimalDigits } from './floating-decimal.js';

/**
 * The decimal digits Java 19 and later print for a double or float (`Double.toString` after
 * JDK-4511638): the shortest decimal that rounds back to the value, the closest one if several
 * qualify; when one digit would do, the closest of the one- and two-digit decimals (so the
 * smallest double prints as `4.9E-324`, not `5E-324`).
 *
 * JavaScript's own number-to-text conversion already finds the shortest closest digits for a
 * double; for a float32 value the digits are searched for by length.
 */
export function shortestDoubleDigits(value: number): DecimalDigits {
  const result = parseExponential(value.toExponential());
  if (result.digits.length === 1) {
    const two = parseExponential(value.toExponential(1));
    if (two.digits[1] !== 0 && Number(value.toExponential(1)) === value) return two;
  }
  return result;
}

/** Shortest digits of a positive finite non-zero float32 value. */
export function shortestFloatDigits(value: number): DecimalDigits {
  // A length that works keeps working when longer, so search for the shortest; 9 always works.
  let low = 1;
  let high = 9;
  let found = closestOfLength(value, 9) as DecimalDigits;
  while (low < high) {
    const middle = (low + high) >> 1;
    const candidate = closestOfLength(value, middle);
    if (candidate === undefined) {
      low = middle + 1;
    } else {
      high = middle;
      found = candidate;
    }
  }
  if (high === 1) {
    const two = closestOfLength(value, 2);
    if (two !== undefined && two.digits[1] !== 0) return two;
  }
  return found;
}

/** The decimal of `length` significant digits closest to `value` that still rounds to it as a float. */
function closestOfLength(value: number, length: number): DecimalDigits | undefined {
  const nearestText = value.toExponential(length - 1);
  if (Math.fround(Number(nearestText)) === value) {
    const nearest = parseExponential(nearestText);
    // toExponential rounds a tie up; Java takes the even neighbour.
    if ((nearest.digits[length - 1] as number) % 2 === 1 && isTie(value, length)) {
      const lower = lowerNeighbour(nearest, length);
      if (Math.fround(Number(`${lower.digits.join('')}e${lower.decExponent - length}`)) === value) {
        return trimmed(lower);
      }
    }
    return trimmed(nearest);
  }
  // Just below a power of two the float spacing halves, so the nearest candidate can miss while
  // its neighbour on the far side still rounds to the value.
  const nearest = parseExponential(nearestText);
  const exponent = nearest.decExponent - length;
  const mantissa = Number(nearest.digits.join(''));
  let best: { text: string; distance: number } | undefined;
  for (const neighbour of [mantissa - 1, mantissa + 1]) {
    const text = `${neighbour}e${exponent}`;
    const parsed = Number(text);
    if (Math.fround(parsed) !== value) continue;
    const distance = Math.abs(parsed - value);
    if (!best || distance < best.distance) best = { text, distance };
  }
  return best && trimmed(parseExponential(Number(best.text).toExponential(length - 1)));
}

/** Whether `value` lies exactly halfway between two decimals of `length` significant digits. */
function isTie(value: number, length: number): boolean {
  const longer = parseExponential(value.toExponential(length));
  if (longer.digits[length] !== 5) return false;
  // Exact check: value = m·2^e (a float32) against n·10^k.
  const n = BigInt(longer.digits.join(''));
  const k = longer.decExponent - length - 1;
  let e = 0;
  let m = value;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  let left = BigInt(m);
  let right = n;
  if (k >= 0) right *= 10n ** BigInt(k);
  else left *= 10n ** BigInt(-k);
  if (e >= 0) left <<= BigInt(e);
  else right <<= BigInt(-e);
  return left === right;
}

/** The decimal one unit lower in the last of `length` digits (the value stays positive). */
function lowerNeighbour(nearest: DecimalDigits, length: number): DecimalDigits {
  const mantissa = Number(nearest.digits.join('')) - 1;
  const text = String(mantissa);
  const digits = Array.from(text, (c) => c.charCodeAt(0) - 48);
  return { digits, decExponent: nearest.decExponent - (length - text.length) };
}

function trimmed(result: DecimalDigits): DecimalDigits {
  const { digits } = result;
  while (digits.length > 1 && digits[digits.length - 1] === 0) digits.pop();
  return result;
}

/** `d.ddde±n` to digits and the exponent of `0.dddd × 10^e`. */
function parseExponential(text: string): DecimalDigits {
  const e = text.indexOf('e');
  const digits: number[] = [];
  for (let i = 0; i < e; i++) {
    const code = text.charCodeAt(i);
    if (code !== 46) digits.push(code - 48);
  }
  return { digits, decExponent: Number(text.slice(e + 1)) + 1 };
}
