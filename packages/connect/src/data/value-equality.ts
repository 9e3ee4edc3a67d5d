/**
 * Deep equality of Connect values (Java's `Objects.deepEquals` as schemas and structs use it):
 * bytes by content, dates by instant, decimals by value and scale, arrays, maps and structs
 * element by element. An int64 number and the bigint of the same value are equal. A value of a
 * class with its own `equals` (Decimal, Struct) compares itself, as Java's `equals` does: asked
 * that way, this module need not import Struct, which imports it.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (typeof b !== 'number' && typeof b !== 'bigint') return false;
    // NaN equals NaN; 0 and -0 are equal.
    if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
    // biome-ignore lint/suspicious/noDoubleEquals: loose equality compares a bigint and a number by value
    return a == b;
  }
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (hasOwnEquals(a)) return a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  const mapA = asMap(a);
  const mapB = asMap(b);
  if (!mapA || !mapB || mapA.size !== mapB.size) return false;
  for (const [key, value] of mapA) {
    if (mapB.has(key)) {
      if (!valuesEqual(value, mapB.get(key))) return false;
      continue;
    }
    // Keys that are objects (bytes, structs, dates) match by content.
    let found = false;
    for (const [otherKey, otherValue] of mapB) {
      if (valuesEqual(key, otherKey) && valuesEqual(value, otherValue)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function asMap(value: object): ReadonlyMap<unknown, unknown> | undefined {
  if (value instanceof Map) return value;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? new Map(Object.entries(value)) : undefined;
}

/** An instance of a class that defines `equals` (Decimal, Struct); never a plain data object. */
function hasOwnEquals(value: object): value is { equals(other: unknown): boolean } {
  const proto = Object.getPrototypeOf(value);
  return (
    proto !== Object.prototype &&
    proto !== null &&
    typeof (value as { equals?: unknown }).equals === 'function'
  );
}
