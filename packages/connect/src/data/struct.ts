import { DataError } from './data-error.js';
import { Decimal } from './decimal.js';
import { type Int64, isInt64 } from './int64.js';
import { javaDoubleToString, javaFloatToString } from './java-number-text.js';
import { type Field, type Schema, type SchemaType, schemaEquals } from './schema.js';
import { valuesEqual } from './value-equality.js';
import { describeValue, isPlainObject, mapEntries } from './value-shapes.js';

/**
 * A struct value: a struct schema and one value per field, `null` where unset (Connect's
 * `Struct`). `put` validates the value against the field's schema; `get` falls back to the
 * field's default value, `getWithoutDefault` does not.
 */
export class Struct {
  readonly schema: Schema;
  readonly #values: unknown[];

  constructor(schema: Schema) {
    if (schema.type !== 'struct') throw new DataError(`Not a struct schema: ${schema.toString()}`);
    this.schema = schema;
    this.#values = new Array(schema.fields.length).fill(null);
  }

  /**
   * A struct holding `values` by field index, trusted to be valid (converters that already
   * checked every value use it to skip a second validation). Not part of the public API.
   */
  static fromValidValues(schema: Schema, values: unknown[]): Struct {
    const struct = new Struct(schema);
    for (let i = 0; i < values.length; i++) struct.#values[i] = values[i];
    return struct;
  }

  get(field: string | Field): unknown {
    const resolved = this.#lookup(field);
    const value = this.#values[resolved.index];
    return value === null ? (resolved.schema.defaultValue ?? null) : value;
  }

  getWithoutDefault(field: string | Field): unknown {
    return this.#values[this.#lookup(field).index];
  }

  put(field: string | Field, value: unknown): this {
    const resolved = this.#lookup(field);
    const stored = value === undefined ? null : value;
    validateValue(resolved.schema, stored, resolved.name);
    this.#values[resolved.index] = stored;
    return this;
  }

  getInt8(field: string): number | null {
    return this.#getChecked(field, 'int8') as number | null;
  }
  getInt16(field: string): number | null {
    return this.#getChecked(field, 'int16') as number | null;
  }
  getInt32(field: string): number | null {
    return this.#getChecked(field, 'int32') as number | null;
  }
  getInt64(field: string): Int64 | null {
    return this.#getChecked(field, 'int64') as Int64 | null;
  }
  getFloat32(field: string): number | null {
    return this.#getChecked(field, 'float32') as number | null;
  }
  getFloat64(field: string): number | null {
    return this.#getChecked(field, 'float64') as number | null;
  }
  getBoolean(field: string): boolean | null {
    return this.#getChecked(field, 'boolean') as boolean | null;
  }
  getString(field: string): string | null {
    return this.#getChecked(field, 'string') as string | null;
  }
  /** Bytes, or a `Decimal` when the field is a Decimal. */
  getBytes(field: string): Uint8Array | Decimal | null {
    return this.#getChecked(field, 'bytes') as Uint8Array | Decimal | null;
  }
  getArray<T = unknown>(field: string): T[] | null {
    return this.#getChecked(field, 'array') as T[] | null;
  }
  getMap<K = unknown, V = unknown>(field: string): Map<K, V> | Record<string, V> | null {
    return this.#getChecked(field, 'map') as Map<K, V> | Record<string, V> | null;
  }
  getStruct(field: string): Struct | null {
    return this.#getChecked(field, 'struct') as Struct | null;
  }

  /** Checks every field: required ones without a default must be set. */
  validate(): void {
    for (const field of this.schema.fields) {
      const value = this.#values[field.index];
      if (value === null && (field.schema.optional || field.schema.defaultValue !== undefined)) continue;
      validateValue(field.schema, value, field.name);
    }
  }

  equals(other: unknown): boolean {
    if (this === other) return true;
    if (!(other instanceof Struct) || !schemaEquals(this.schema, other.schema)) return false;
    for (let i = 0; i < this.#values.length; i++) {
      if (!valuesEqual(this.#values[i], other.#values[i])) return false;
    }
    return true;
  }

  /** `Struct{id=7,name=User4 name}` like Connect, leaving out unset fields. */
  toString(): string {
    const parts: string[] = [];
    for (const field of this.schema.fields) {
      const value = this.#values[field.index];
      if (value !== null) parts.push(`${field.name}=${javaToString(value, field.schema)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }

  #lookup(field: string | Field): Field {
    if (typeof field !== 'string') {
      if (this.schema.fields[field.index] !== field) return this.#lookup(field.name);
      return field;
    }
    const found = this.schema.field(field);
    if (!found) throw new DataError(`${field} is not a valid field name`);
    return found;
  }

  #getChecked(fieldName: string, type: SchemaType): unknown {
    const field = this.#lookup(fieldName);
    if (field.schema.type !== type) {
      throw new DataError(`Field '${fieldName}' is not of type ${type.toUpperCase()}`);
    }
    return this.#values[field.index];
  }
}

// Validation lives with Struct: a struct validates its fields on put, and validating a struct
// value checks the struct (Connect's Struct and ConnectSchema.validateValue call each other).

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

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Java's `Date.toString()` on a JVM in UTC (Connect's logical Date, Time and Timestamp values). */
function javaDateText(date: Date): string {
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad2(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}

/**
 * Java's `toString()` of a Connect value, as `Struct.toString` and Apache's FileStreamSink write
 * it: `Struct{a=1,b=x}`, lists `[a, b]`, maps `{k=v}`, floating-point numbers as Java prints them
 * (`1.0`) when the schema says FLOAT32/FLOAT64 or the number is not whole.
 */
export function javaToString(value: unknown, schema?: Schema): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Struct) return value.toString();
  if (value instanceof Date) return javaDateText(value);
  if (value instanceof Uint8Array) return `[${Array.from(value).join(', ')}]`;
  if (Array.isArray(value)) return `[${value.map((v) => javaToString(v, schema?.valueSchema)).join(', ')}]`;
  if (value instanceof Map) {
    return `{${Array.from(value, ([k, v]) => `${javaToString(k, schema?.keySchema)}=${javaToString(v, schema?.valueSchema)}`).join(', ')}}`;
  }
  if (typeof value === 'number') {
    if (schema?.type === 'float32') return javaFloatToString(value, 'LEGACY');
    if (schema?.type === 'float64' || (schema === undefined && !Number.isInteger(value)))
      return javaDoubleToString(value, 'LEGACY');
  }
  return String(value);
}
