import { Decimal, type Int64, normalizeInt64 } from '../../data/index.js';
import type { JsonReader } from './json-reader.js';

/**
 * Connect values from the number token a `JsonReader` just read, converted the way Kafka's
 * JsonConverter converts Jackson's number nodes: integers exactly, fractions dropped toward zero
 * and high bits dropped when an integer type is too small (Java's `intValue`/`longValue`),
 * floating point correctly rounded from the decimal text. JSON cannot hold -0: `-0` and `-0.0`
 * read as 0, as Java's `BigDecimal` has no negative zero either.
 */
export function int32FromNumber(reader: JsonReader): number {
  const small = reader.smallIntegerValue();
  if (small !== undefined && small >= -2147483648 && small <= 2147483647) return small === 0 ? 0 : small;
  return Number(BigInt.asIntN(32, integerPart(reader)));
}

export function int64FromNumber(reader: JsonReader): Int64 {
  const small = reader.smallIntegerValue();
  if (small !== undefined) return small === 0 ? 0 : small;
  return normalizeInt64(BigInt.asIntN(64, integerPart(reader)));
}

export function float64FromNumber(reader: JsonReader): number {
  const small = reader.smallIntegerValue();
  const value = small ?? Number(reader.numberText());
  return value === 0 ? 0 : value;
}

export function float32FromNumber(reader: JsonReader): number {
  const small = reader.smallIntegerValue();
  if (small !== undefined && Math.abs(small) <= 16777216) return small === 0 ? 0 : small;
  return decimalTextToFloat32(reader.numberText());
}

export function decimalFromNumber(reader: JsonReader): Decimal {
  return Decimal.fromString(reader.numberText());
}

/** The integer part of the number token (truncated toward zero), exactly. */
function integerPart(reader: JsonReader): bigint {
  const text = reader.numberText();
  if (reader.numberIntegral) return BigInt(text);
  const { unscaled, scale } = Decimal.fromString(text);
  if (scale <= 0) {
    // 10^k has k factors of two, so beyond 64 of them no low-order bit survives.
    return -scale >= 64 ? 0n : unscaled * 10n ** BigInt(-scale);
  }
  const magnitude = unscaled < 0n ? -unscaled : unscaled;
  if (scale > magnitude.toString().length) return 0n;
  return unscaled / 10n ** BigInt(scale);
}

const float32Buffer = new Float32Array(1);
const float32Bits = new Uint32Array(float32Buffer.buffer);

/**
 * The float32 value nearest to a decimal text, rounding once (like Java's
 * `BigDecimal.floatValue`). Rounding to a double first and then to a float goes wrong only
 * when the double lands exactly halfway between two floats; that case is settled exactly.
 */
export function decimalTextToFloat32(text: string): number {
  const double = Number(text);
  const float = Math.fround(double);
  if (float === double || !Number.isFinite(double)) return float === 0 ? 0 : float;
  const magnitude = Math.abs(double);
  const lower = Math.abs(float) <= magnitude ? Math.abs(float) : previousFloat(Math.abs(float));
  const upper = nextFloat(lower);
  const midpoint = upper === Number.POSITIVE_INFINITY ? lower + 2 ** 103 : (lower + upper) / 2;
  if (magnitude !== midpoint) return float === 0 ? 0 : float;
  const side = compareDecimalWithDouble(text.startsWith('-') ? text.slice(1) : text, midpoint);
  const chosen = side > 0 ? upper : side < 0 ? lower : Math.fround(midpoint);
  const result = double < 0 ? -chosen : chosen;
  return result === 0 ? 0 : result;
}

function nextFloat(positive: number): number {
  float32Buffer[0] = positive;
  float32Bits[0] = (float32Bits[0] as number) + 1;
  return float32Buffer[0] as number;
}

function previousFloat(positive: number): number {
  float32Buffer[0] = positive;
  float32Bits[0] = (float32Bits[0] as number) - 1;
  return float32Buffer[0] as number;
}

/** Sign of (decimal text − double), both positive, compared exactly. */
function compareDecimalWithDouble(text: string, double: number): number {
  const { unscaled, scale } = Decimal.fromString(text);
  let mantissa = double;
  let exponent2 = 0;
  while (!Number.isInteger(mantissa)) {
    mantissa *= 2;
    exponent2--;
  }
  let left = unscaled;
  let right = BigInt(mantissa);
  if (scale >= 0) right *= 10n ** BigInt(scale);
  else left *= 10n ** BigInt(-scale);
  if (exponent2 >= 0) right <<= BigInt(exponent2);
  else left <<= BigInt(-exponent2);
  return left > right ? 1 : left < right ? -1 : 0;
}
