/**
 * The decimal digits Java 8–18 prints for a double or float (`Double.toString` and
 * `Float.toString` through `jdk.internal.math.FloatingDecimal`). That algorithm is not always the
 * shortest: Java 17 prints `2e23` as `1.9999999999999998E23` and the float `4.9601768E7` where
 * `4.960177E7` would do. Jackson, and so Kafka's JsonConverter, writes numbers with those
 * methods, so matching a JVM of those versions byte for byte means reproducing this algorithm,
 * which this file does step for step, including its int and long overflow behaviour. Java 19 and
 * later print the shortest digits instead (see `shortest-decimal.ts`).
 *
 * Input: a positive finite non-zero value. Output: digits `d1 d2 … dn` and `decExponent` such
 * that the value is `0.d1d2…dn × 10^decExponent`.
 */
export interface DecimalDigits {
  digits: number[];
  decExponent: number;
}

const TWO_POW_52 = 2 ** 52;
const TWO_POW_32 = 2 ** 32;
/** 5^0 … 5^26 (Java's `FDBigInteger.LONG_5_POW`); 5^0 … 5^13 is `SMALL_5_POW`. */
const LONG_5_POW: readonly bigint[] = Array.from({ length: 27 }, (_, i) => 5n ** BigInt(i));
const FIVE_POW: readonly number[] = Array.from({ length: 23 }, (_, i) => 5 ** i);
/** Approximately ceil(log2(5^i)). */
const N_5_BITS = [
  0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61,
];
const INSIGNIFICANT_DIGITS_NUMBER = [
  0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10,
  10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18,
  18, 19,
];
const MAX_SMALL_BIN_EXP = 62;
const MIN_SMALL_BIN_EXP = -21;

const float64 = new Float64Array(1);
const float64Words = new Uint32Array(float64.buffer);
const float32 = new Float32Array(1);
const float32Bits = new Uint32Array(float32.buffer);
const HI = 1;
const LO = 0;

/** Digits of a positive finite non-zero double, as Java 8–18 `Double.toString` develops them. */
export function legacyDoubleDigits(value: number): DecimalDigits {
  float64[0] = value;
  const hi = float64Words[HI] as number;
  const lo = float64Words[LO] as number;
  let fractBits = (hi & 0xfffff) * TWO_POW_32 + lo;
  let binExp = (hi >>> 20) & 0x7ff;
  let nSignificantBits: number;
  if (binExp === 0) {
    const bitLength = fractBits >= TWO_POW_32 ? 64 - Math.clz32(hi & 0xfffff) : 32 - Math.clz32(lo);
    const shift = 53 - bitLength;
    fractBits *= 2 ** shift;
    binExp = 1 - shift;
    nSignificantBits = bitLength;
  } else {
    fractBits += TWO_POW_52;
    nSignificantBits = 53;
  }
  return dtoa(binExp - 1023, fractBits, nSignificantBits);
}

/** Digits of a positive finite non-zero float32 value, as Java 8–18 `Float.toString` develops them. */
export function legacyFloatDigits(value: number): DecimalDigits {
  float32[0] = value;
  const bits = float32Bits[0] as number;
  let fractBits = bits & 0x7fffff;
  let binExp = (bits >>> 23) & 0xff;
  let nSignificantBits: number;
  if (binExp === 0) {
    const leadingZeros = Math.clz32(fractBits);
    const shift = leadingZeros - 8;
    fractBits <<= shift;
    binExp = 1 - shift;
    nSignificantBits = 32 - leadingZeros;
  } else {
    fractBits |= 0x800000;
    nSignificantBits = 24;
  }
  return dtoa(binExp - 127, fractBits * 2 ** 29, nSignificantBits);
}

/** `BinaryToASCIIBuffer.dtoa`; fractBits has its high-order bit (2^52) set. */
function dtoa(binExp: number, fractBits: number, nSignificantBits: number): DecimalDigits {
  const tailZeros = trailingZeros(fractBits);
  const nFractBits = 53 - tailZeros;
  const nTinyBits = Math.max(0, nFractBits - binExp - 1);
  if (binExp <= MAX_SMALL_BIN_EXP && binExp >= MIN_SMALL_BIN_EXP) {
    if (
      nTinyBits < LONG_5_POW.length &&
      nFractBits + (N_5_BITS[nTinyBits] as number) < 64 &&
      nTinyBits === 0
    ) {
      const insignificant =
        binExp > nSignificantBits ? insignificantDigitsForPow2(binExp - nSignificantBits - 1) : 0;
      const lvalue =
        binExp >= 52 ? BigInt(fractBits) << BigInt(binExp - 52) : BigInt(fractBits / 2 ** (52 - binExp));
      return developLongDigits(lvalue, insignificant);
    }
  }
  let decExp = estimateDecExp(fractBits, binExp);
  const B5 = Math.max(0, -decExp);
  let B2 = B5 + nTinyBits + binExp;
  const S5 = Math.max(0, decExp);
  let S2 = S5 + nTinyBits;
  const M5 = B5;
  let M2 = B2 - nSignificantBits;

  const fract = fractBits / 2 ** tailZeros;
  B2 -= nFractBits - 1;
  const common2factor = Math.min(B2, S2);
  B2 -= common2factor;
  S2 -= common2factor;
  M2 -= common2factor;
  if (nFractBits === 1) M2 -= 1;
  if (M2 < 0) {
    B2 -= M2;
    S2 -= M2;
    M2 = 0;
  }

  const digits: number[] = [];
  let low: boolean;
  let high: boolean;
  let lowDigitDifference: number | bigint;
  const bBits = nFractBits + B2 + (B5 < N_5_BITS.length ? (N_5_BITS[B5] as number) : B5 * 3);
  const tenSBits = S2 + 1 + (S5 + 1 < N_5_BITS.length ? (N_5_BITS[S5 + 1] as number) : (S5 + 1) * 3);
  // Java picks int, long or FDBigInteger arithmetic by size; the int and long variants test
  // `b + m > tens` and let `m` overflow, the big one tests `b + m >= tens`. Each is kept.
  if (bBits < 32 && tenSBits < 32) {
    let b = fract * (FIVE_POW[B5] as number) * 2 ** B2;
    const s = (FIVE_POW[S5] as number) * 2 ** S2;
    let m = (FIVE_POW[M5] as number) * 2 ** M2;
    const tens = s * 10;
    let q = Math.trunc(b / s);
    b = 10 * (b % s);
    m = Math.imul(m, 10);
    low = b < m;
    high = ((b + m) | 0) > tens;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (decExp < -3 || decExp >= 8) high = low = false;
    while (!low && !high) {
      q = Math.trunc(b / s);
      b = 10 * (b % s);
      m = Math.imul(m, 10);
      if (m > 0) {
        low = b < m;
        high = ((b + m) | 0) > tens;
      } else {
        low = high = true;
      }
      digits.push(q);
    }
    lowDigitDifference = ((b << 1) - tens) | 0;
  } else if (bBits <= 53 && tenSBits <= 53) {
    // Java's long arithmetic, done in doubles: every value stays below 2^53 while it matters.
    let b = fract * (FIVE_POW[B5] as number) * 2 ** B2;
    const s = (FIVE_POW[S5] as number) * 2 ** S2;
    let m = (FIVE_POW[M5] as number) * 2 ** M2;
    const tens = s * 10;
    let r = b % s;
    let q = (b - r) / s;
    b = 10 * r;
    m *= 10;
    low = b < m;
    high = b + m > tens;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (decExp < -3 || decExp >= 8) high = low = false;
    while (!low && !high) {
      r = b % s;
      q = (b - r) / s;
      b = 10 * r;
      m *= 10;
      low = b < m;
      high = b + m > tens;
      digits.push(q);
    }
    lowDigitDifference = 2 * b - tens;
  } else if (bBits < 64 && tenSBits < 64) {
    let b = (BigInt(fract) * (LONG_5_POW[B5] as bigint)) << BigInt(B2);
    const s = (LONG_5_POW[S5] as bigint) << BigInt(S2);
    let m = (LONG_5_POW[M5] as bigint) << BigInt(M2);
    const tens = s * 10n;
    let q = Number(b / s);
    b = 10n * (b % s);
    m = BigInt.asIntN(64, m * 10n);
    low = b < m;
    high = BigInt.asIntN(64, b + m) > tens;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (decExp < -3 || decExp >= 8) high = low = false;
    while (!low && !high) {
      q = Number(b / s);
      b = 10n * (b % s);
      m = BigInt.asIntN(64, m * 10n);
      if (m > 0n) {
        low = b < m;
        high = BigInt.asIntN(64, b + m) > tens;
      } else {
        low = high = true;
      }
      digits.push(q);
    }
    lowDigitDifference = BigInt.asIntN(64, (b << 1n) - tens);
  } else {
    const s = (5n ** BigInt(S5)) << BigInt(S2);
    let b = (BigInt(fract) * 5n ** BigInt(B5)) << BigInt(B2);
    let m = (5n ** BigInt(M5 + 1)) << BigInt(M2 + 1);
    const tens = s * 10n;
    let q = Number(b / s);
    b = 10n * (b % s);
    low = b < m;
    high = b + m >= tens;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (decExp < -3 || decExp >= 8) high = low = false;
    while (!low && !high) {
      q = Number(b / s);
      b = 10n * (b % s);
      m *= 10n;
      low = b < m;
      high = b + m >= tens;
      digits.push(q);
    }
    lowDigitDifference = high && low ? (b << 1n) - tens : 0n;
  }

  const result: DecimalDigits = { digits, decExponent: decExp + 1 };
  if (high) {
    if (low) {
      if (lowDigitDifference === 0 || lowDigitDifference === 0n) {
        if (((digits[digits.length - 1] as number) & 1) !== 0) roundup(result);
      } else if (lowDigitDifference > 0) {
        roundup(result);
      }
    } else {
      roundup(result);
    }
  }
  return result;
}

/** `developLongDigits`: the value is the integer `lvalue`, less its insignificant low digits. */
function developLongDigits(lvalue: bigint, insignificantDigits: number): DecimalDigits {
  let decExponent = 0;
  let value = lvalue;
  if (insignificantDigits !== 0) {
    const pow10 = 10n ** BigInt(insignificantDigits);
    const residue = value % pow10;
    value /= pow10;
    decExponent += insignificantDigits;
    if (residue >= pow10 >> 1n) value++;
  }
  const text = value.toString();
  let end = text.length;
  while (end > 1 && text.charCodeAt(end - 1) === 48) end--;
  const digits: number[] = [];
  for (let i = 0; i < end; i++) digits.push(text.charCodeAt(i) - 48);
  return { digits, decExponent: decExponent + text.length };
}

/** Adds one to the last digit, carrying; a carry out of the first digit becomes `1` and exponent + 1. */
function roundup(result: DecimalDigits): void {
  const { digits } = result;
  let i = digits.length - 1;
  let q = digits[i] as number;
  if (q === 9) {
    while (q === 9 && i > 0) {
      digits[i] = 0;
      q = digits[--i] as number;
    }
    if (q === 9) {
      result.decExponent += 1;
      digits[0] = 1;
      return;
    }
  }
  digits[i] = q + 1;
}

/** floor(log10(value)), estimated the way Java does in double arithmetic (may be one too high). */
function estimateDecExp(fractBits: number, binExp: number): number {
  const d2 = fractBits / TWO_POW_52;
  const d = (d2 - 1.5) * 0.289529654 + 0.176091259 + binExp * 0.301029995663981;
  return Math.floor(d);
}

function insignificantDigitsForPow2(p2: number): number {
  return p2 > 1 && p2 < INSIGNIFICANT_DIGITS_NUMBER.length ? (INSIGNIFICANT_DIGITS_NUMBER[p2] as number) : 0;
}

function trailingZeros(value: number): number {
  const lo = value % TWO_POW_32;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(value / TWO_POW_32);
  return 32 + 31 - Math.clz32(hi & -hi);
}
