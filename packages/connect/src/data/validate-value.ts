import { DataError } from './data-error.js';
import { Decimal } from './decimal.js';
import { isInt64 } from './int64.js';
import { type Schema, schemaEquals } from './schema.js';
import { Struct } from './struct.js';

/**
 * Checks that `value` fits `schema` (`ConnectSchema.validateValue`): null only where optional,
 * the JavaScript representation the type calls for, and the same down arrays, maps and structs.
 * Throws a `DataError` naming the field (or `value` when none is given).
 *
 * Representations: int8/int16/int32 integral numbers in range; int64 an integral number or a
 * bigint in range; float32/float64 numbers; boolean; string; bytes a `Uint8Array` (`Buffer`);
 * array an `Array`; map a `Map` (or a plain object for string keys); struct a `Struct` of an
 * equal schema. Logical types: Decimal a `Decimal`; Date, Time and Timestamp a valid `Date`.
 */
export function validateValue(schema: Schema, value: unknown, field?: string): void {
  validateAt(schema, value, field === undefined ? 'value' : `field: "${field}"`);
}

function validateAt(schema: Schema, value: unknown, location: string): void {
  if (value === null || value === undefined) {
    if (!schema.optional) {
      throw new DataError(
        `Invalid value: null used for required ${location}, schema type: ${schema.type.toUpperCase()}`,
      );
    }
    return;
  }
  if (!hasExpectedRepresentation(schema, value)) {
    const named = schema.name === undefined ? '' : ` "${schema.name}"`;
    throw new DataError(
      `Invalid value for schema${named} with type ${schema.type.toUpperCase()}: ${describeValue(value)} for ${location}`,
    );
  }
  switch (schema.type) {
    case 'struct': {
      const struct = value as Struct;
      if (!schemaEquals(struct.schema, schema))
        throw new DataError(`Struct schemas do not match for ${location}`);
      struct.validate();
      return;
    }
    case 'array': {
      const elementSchema = requireSchema(schema.valueSchema, `element of array ${location}`);
      for (const element of value as readonly unknown[]) {
        validateAt(elementSchema, element, `element of array ${location}`);
      }
      return;
    }
    case 'map': {
      const keySchema = requireSchema(schema.keySchema, `key of map ${location}`);
      const valueSchema = requireSchema(schema.valueSchema, `value of map ${location}`);
      for (const [key, entry] of mapEntries(value as object)) {
        validateAt(keySchema, key, `key of map ${location}`);
        validateAt(valueSchema, entry, `value of map ${location}`);
      }
      return;
    }
    default:
      return;
  }
}

function requireSchema(schema: Schema | undefined, location: string): Schema {
  if (!schema) throw new DataError(`No schema defined for ${location}`);
  return schema;
}

/** Whether a non-null value has the JavaScript form the schema's (logical) type calls for. */
export function hasExpectedRepresentation(schema: Schema, value: unknown): boolean {
  switch (schema.logical) {
    case 'decimal':
      return value instanceof Decimal;
    case 'date':
    case 'time':
    case 'timestamp':
      return value instanceof Date && !Number.isNaN(value.getTime());
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
      return isIntegerIn(value, -128, 127);
    case 'int16':
      return isIntegerIn(value, -32768, 32767);
    case 'int32':
      return isIntegerIn(value, -2147483648, 2147483647);
    case 'int64':
      return isInt64(value);
    case 'float32':
    case 'float64':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'array':
      return Array.isArray(value);
    case 'map':
      return value instanceof Map || isPlainObject(value);
    case 'struct':
      return value instanceof Struct;
  }
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

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
