/**
 * An int64 value. Numbers are exact only up to 2^53, so values beyond that are bigints; readers
 * produce a number whenever the value is a safe integer, and a bigint otherwise.
 */
export type Int64 = number | bigint;

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
const TWO_POW_63 = 2 ** 63;

/** True for a bigint in the int64 range or an integral number in that range. */
export function isInt64(value: unknown): value is Int64 {
  if (typeof value === 'number') return Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63;
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX;
  return false;
}

/** The canonical form: a number when it is a safe integer, a bigint otherwise. */
export function normalizeInt64(value: bigint): Int64 {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}

/** Exact decimal text of an int64 (numbers beyond 2^53 are printed from their exact binary value). */
export function int64ToString(value: Int64): string {
  return typeof value === 'number' && !Number.isSafeInteger(value) ? BigInt(value).toString() : String(value);
}
