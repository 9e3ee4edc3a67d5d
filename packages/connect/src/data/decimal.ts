import { DataError } from './data-error.js';

export type DecimalRounding = 'UNNECESSARY' | 'HALF_UP' | 'HALF_EVEN' | 'DOWN';

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/**
 * The largest scale (either sign) and the most digits a Decimal may have. Java's BigDecimal takes
 * any 32-bit scale, but a value of scale 400,000,000 is a 400 MB string when written out, and
 * past ~2^30 digits V8 throws a RangeError. The bounds are PostgreSQL numeric's, the widest of the
 * databases we write to (16,383 digits after the point, 131,072 before); MariaDB's DECIMAL is far
 * narrower (65 digits, scale 30). A value outside them is a DataError: a per-record failure that
 * errors.tolerance=all sends to the dead letter queue, and that fails the task under none.
 */
export const MAX_DECIMAL_SCALE = 16_383;
export const MAX_DECIMAL_PRECISION = 131_072 + 16_383;
/** Bits of the largest unscaled value of MAX_DECIMAL_PRECISION digits. */
const MAX_UNSCALED_BITS = Math.ceil(MAX_DECIMAL_PRECISION * Math.log2(10));
const SMALL_LIMIT = 1n << 1024n;

/**
 * An exact decimal number, `unscaled × 10^-scale`, like Java's `BigDecimal`: the scale is part of
 * the value (`1.50` and `1.5` are different values that compare equal), and `toString` writes
 * what `BigDecimal.toString` writes, which is also what the JSON converter's NUMERIC format emits.
 */
export class Decimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale = 0) {
    checkDecimalScale(scale);
    const magnitude = unscaled < 0n ? -unscaled : unscaled;
    // Only a large value pays for the check; its hex length bounds the bit length in one pass.
    if (magnitude >= SMALL_LIMIT && magnitude.toString(16).length * 4 > MAX_UNSCALED_BITS) {
      throw new DataError(
        `Decimal has more than ${MAX_DECIMAL_PRECISION} digits, the most this worker supports`,
      );
    }
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /** Parses Java `BigDecimal` text: `-12.345`, `1E+3`, `0.00`, `1.5e-7`. */
  static fromString(text: string): Decimal {
    const match = DECIMAL_TEXT.exec(text);
    const [, sign = '', whole = '', fraction = '', exponent] = match ?? [];
    if (!match || whole.length + fraction.length === 0) {
      throw new DataError(`Not a decimal number: ${JSON.stringify(text)}`);
    }
    const scale = fraction.length - (exponent === undefined ? 0 : Number(exponent));
    checkDecimalScale(scale);
    if (whole.length + fraction.length > MAX_DECIMAL_PRECISION + MAX_DECIMAL_SCALE) {
      throw new DataError(
        `Decimal has more than ${MAX_DECIMAL_PRECISION} digits, the most this worker supports`,
      );
    }
    const unscaled = BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}`);
    return new Decimal(unscaled, scale);
  }

  /** Java's `BigDecimal.toString`: plain unless the exponent is large, then `1.23E+5` / `1E-7`. */
  toString(): string {
    if (this.scale === 0) return this.unscaled.toString();
    const negative = this.unscaled < 0n;
    const coefficient = (negative ? -this.unscaled : this.unscaled).toString();
    const adjusted = coefficient.length - 1 - this.scale;
    let text: string;
    if (this.scale > 0 && adjusted >= -6) {
      const pad = this.scale - coefficient.length;
      text =
        pad >= 0
          ? `0.${'0'.repeat(pad)}${coefficient}`
          : `${coefficient.slice(0, -this.scale)}.${coefficient.slice(-this.scale)}`;
    } else {
      text = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
      if (adjusted !== 0) text += adjusted > 0 ? `E+${adjusted}` : `E${adjusted}`;
    }
    return negative ? `-${text}` : text;
  }

  /** Java's `BigDecimal.toPlainString`: never an exponent. */
  toPlainString(): string {
    if (this.scale === 0) return this.unscaled.toString();
    if (this.scale < 0) {
      return this.unscaled === 0n ? '0' : this.unscaled.toString() + '0'.repeat(-this.scale);
    }
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString().padStart(this.scale + 1, '0');
    const text = `${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`;
    return negative ? `-${text}` : text;
  }

  toJSON(): string {
    return this.toString();
  }

  /** Nearest JavaScript number (inexact beyond 15–17 significant digits). */
  toNumber(): number {
    return Number(this.toString());
  }

  signum(): -1 | 0 | 1 {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** Same unscaled value and same scale, like `BigDecimal.equals`. */
  equals(other: unknown): boolean {
    return other instanceof Decimal && other.unscaled === this.unscaled && other.scale === this.scale;
  }

  /** Numeric order, ignoring scale (`1.50` equals `1.5` here). */
  compareTo(other: Decimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.unscaled * 10n ** BigInt(scale - this.scale);
    const b = other.unscaled * 10n ** BigInt(scale - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /**
   * The same number with another scale. Lowering the scale drops digits; that throws unless the
   * dropped digits are zero or a rounding mode says how to round.
   */
  setScale(scale: number, rounding: DecimalRounding = 'UNNECESSARY'): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    const quotient = this.unscaled / divisor;
    const remainder = this.unscaled % divisor;
    if (remainder === 0n) return new Decimal(quotient, scale);
    const away = this.unscaled < 0n ? -1n : 1n;
    const twice = (remainder < 0n ? -remainder : remainder) * 2n;
    switch (rounding) {
      case 'UNNECESSARY':
        throw new DataError(`Rounding necessary to set the scale of ${this.toString()} to ${scale}`);
      case 'DOWN':
        return new Decimal(quotient, scale);
      case 'HALF_UP':
        return new Decimal(twice >= divisor ? quotient + away : quotient, scale);
      case 'HALF_EVEN': {
        const up = twice > divisor || (twice === divisor && quotient % 2n !== 0n);
        return new Decimal(up ? quotient + away : quotient, scale);
      }
    }
  }
}

/** Throws a DataError unless `scale` is an integer within ±MAX_DECIMAL_SCALE. */
export function checkDecimalScale(scale: number): void {
  if (!Number.isInteger(scale) || Math.abs(scale) > MAX_DECIMAL_SCALE) {
    throw new DataError(
      `Decimal scale ${scale} is outside the supported range -${MAX_DECIMAL_SCALE}..${MAX_DECIMAL_SCALE}`,
    );
  }
}
