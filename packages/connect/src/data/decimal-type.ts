import { DataError } from './data-error.js';
import { checkDecimalScale, Decimal, MAX_DECIMAL_PRECISION } from './decimal.js';
import { DECIMAL_LOGICAL_NAME } from './logical-type-names.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

const SCALE_FIELD = 'scale';
/** Two's complement bytes of the largest unscaled value MAX_DECIMAL_PRECISION digits hold. */
const MAX_DECIMAL_BYTES = Math.ceil((MAX_DECIMAL_PRECISION * Math.log2(10)) / 8) + 1;

/**
 * Decimal: bytes holding the unscaled value as big-endian two's complement (Java's
 * `BigInteger.toByteArray`), with the scale in the schema's `scale` parameter
 * (`org.apache.kafka.connect.data.Decimal`). Values are `Decimal`s of exactly that scale.
 */
export const DecimalType = Object.freeze({
  LOGICAL_NAME: DECIMAL_LOGICAL_NAME,
  SCALE_FIELD,
  builder: (scale: number): SchemaBuilder =>
    SchemaBuilder.bytes().name(DECIMAL_LOGICAL_NAME).parameter(SCALE_FIELD, String(scale)).version(1),
  schema: (scale: number): Schema => DecimalType.builder(scale).build(),
  /** The scale parameter of a Decimal schema. */
  scaleOf(schema: Schema): number {
    const text = schema.parameters?.get(SCALE_FIELD);
    if (text === undefined) throw new DataError('Invalid Decimal schema: scale parameter not found.');
    const scale = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(scale) || scale < -(2 ** 31) || scale >= 2 ** 31) {
      throw new DataError(`Invalid scale parameter found in Decimal schema: ${JSON.stringify(text)}`);
    }
    checkDecimalScale(scale);
    return scale;
  },
  fromLogical(schema: Schema, value: Decimal): Buffer {
    const scale = DecimalType.scaleOf(schema);
    if (value.scale !== scale) {
      throw new DataError(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${scale}, value has scale ${value.scale}.`,
      );
    }
    return bigintToTwosComplement(value.unscaled);
  },
  toLogical(schema: Schema, bytes: Uint8Array): Decimal {
    return new Decimal(twosComplementToBigint(bytes), DecimalType.scaleOf(schema));
  },
});

/** Minimal big-endian two's complement bytes, as `BigInteger.toByteArray` (0 is one zero byte). */
export function bigintToTwosComplement(value: bigint): Buffer {
  if (value >= -140737488355328n && value < 140737488355328n) {
    // Fits 6 bytes: the fast path through Buffer's integer writer.
    const n = Number(value);
    const magnitude = n < 0 ? -n - 1 : n;
    let length = 1;
    while (length < 6 && magnitude >= 2 ** (8 * length - 1)) length++;
    const bytes = Buffer.allocUnsafe(length);
    bytes.writeIntBE(n, 0, length);
    return bytes;
  }
  const magnitude = value < 0n ? -value - 1n : value;
  const length = Math.floor(bitLength(magnitude) / 8) + 1;
  const hex = BigInt.asUintN(length * 8, value)
    .toString(16)
    .padStart(length * 2, '0');
  return Buffer.from(hex, 'hex');
}

/** The integer in big-endian two's complement bytes (`new BigInteger(bytes)`). */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new DataError('Invalid Decimal bytes: zero length');
  // Refused before any BigInt is built: more bytes than the largest supported Decimal needs.
  if (bytes.length > MAX_DECIMAL_BYTES) {
    throw new DataError(
      `Decimal has more than ${MAX_DECIMAL_PRECISION} digits, the most this worker supports`,
    );
  }
  if (bytes.length <= 6) {
    return BigInt(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readIntBE(0, bytes.length));
  }
  const unsigned = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}`);
  return BigInt.asIntN(bytes.length * 8, unsigned);
}

function bitLength(value: bigint): number {
  if (value === 0n) return 0;
  const hex = value.toString(16);
  return (hex.length - 1) * 4 + Math.floor(Math.log2(Number.parseInt(hex[0] as string, 16))) + 1;
}
