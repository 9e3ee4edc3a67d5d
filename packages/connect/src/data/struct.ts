import { DataError } from './data-error.js';
import type { Decimal } from './decimal.js';
import type { Int64 } from './int64.js';
import type { Field, Schema, SchemaType } from './schema.js';
import { schemaEquals } from './schema.js';
import { validateValue } from './validate-value.js';
import { valuesEqual } from './value-equality.js';

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
      if (value !== null) parts.push(`${field.name}=${describeForToString(value)}`);
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

function describeForToString(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${Array.from(value).join(', ')}]`;
  if (Array.isArray(value)) return `[${value.map(describeForToString).join(', ')}]`;
  if (value instanceof Map) {
    return `{${Array.from(value, ([k, v]) => `${describeForToString(k)}=${describeForToString(v)}`).join(', ')}}`;
  }
  return String(value);
}
