/** How Connect values look in JavaScript, for checks and error messages across data, converters and transforms. */

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Entries of a map value, whether a `Map` or a plain object. */
export function mapEntries(value: object): Iterable<[unknown, unknown]> {
  return value instanceof Map ? value.entries() : Object.entries(value);
}

/** A short description of a value for error messages: `string`, `number 1.5`, `Date`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object': {
      if (value === null) return 'null';
      const name = (value as object).constructor?.name;
      return name ? `object ${name}` : 'object';
    }
    default:
      return typeof value;
  }
}
