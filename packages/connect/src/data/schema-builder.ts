import { SchemaBuilderError } from './data-error.js';
import { Schema, type SchemaType } from './schema.js';
import { validateValue } from './struct.js';

/** A built schema or a builder still being filled (built when used). */
export type SchemaLike = Schema | SchemaBuilder;

/**
 * Fluent construction of a `Schema`, like Connect's `SchemaBuilder`:
 *
 * ```ts
 * const users = SchemaBuilder.struct().name('users1')
 *   .field('id', Schemas.INT32)
 *   .field('name', Schemas.OPTIONAL_STRING)
 *   .field('created_at', TimestampType.builder().optional())
 *   .build();
 * ```
 *
 * Each attribute can be set once (setting it again to another value throws). A default value is
 * validated against the schema when it is set.
 */
export class SchemaBuilder {
  readonly type: SchemaType;
  #optional: boolean | undefined;
  #defaultValue: unknown;
  #name: string | undefined;
  #version: number | undefined;
  #doc: string | undefined;
  #parameters: Map<string, string> | undefined;
  readonly #fields: { name: string; schema: Schema }[] = [];
  #keySchema: Schema | undefined;
  #valueSchema: Schema | undefined;

  constructor(type: SchemaType) {
    this.type = type;
  }

  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type);
  }
  static int8(): SchemaBuilder {
    return new SchemaBuilder('int8');
  }
  static int16(): SchemaBuilder {
    return new SchemaBuilder('int16');
  }
  static int32(): SchemaBuilder {
    return new SchemaBuilder('int32');
  }
  static int64(): SchemaBuilder {
    return new SchemaBuilder('int64');
  }
  static float32(): SchemaBuilder {
    return new SchemaBuilder('float32');
  }
  static float64(): SchemaBuilder {
    return new SchemaBuilder('float64');
  }
  static bool(): SchemaBuilder {
    return new SchemaBuilder('boolean');
  }
  static string(): SchemaBuilder {
    return new SchemaBuilder('string');
  }
  static bytes(): SchemaBuilder {
    return new SchemaBuilder('bytes');
  }
  static struct(): SchemaBuilder {
    return new SchemaBuilder('struct');
  }
  static array(valueSchema: SchemaLike): SchemaBuilder {
    const builder = new SchemaBuilder('array');
    builder.#valueSchema = resolve(valueSchema, 'valueSchema');
    return builder;
  }
  static map(keySchema: SchemaLike, valueSchema: SchemaLike): SchemaBuilder {
    const builder = new SchemaBuilder('map');
    builder.#keySchema = resolve(keySchema, 'keySchema');
    builder.#valueSchema = resolve(valueSchema, 'valueSchema');
    return builder;
  }

  get isOptional(): boolean {
    return this.#optional ?? false;
  }

  optional(): this {
    this.#optional = checkCanSet('optional', this.#optional, true);
    return this;
  }

  required(): this {
    this.#optional = checkCanSet('optional', this.#optional, false);
    return this;
  }

  name(name: string): this {
    this.#name = checkCanSet('name', this.#name, name);
    return this;
  }

  version(version: number): this {
    if (!Number.isInteger(version) || version < -(2 ** 31) || version >= 2 ** 31) {
      throw new SchemaBuilderError(
        `Invalid SchemaBuilder call: version must be a 32-bit integer, got ${version}`,
      );
    }
    this.#version = checkCanSet('version', this.#version, version);
    return this;
  }

  doc(doc: string): this {
    this.#doc = checkCanSet('doc', this.#doc, doc);
    return this;
  }

  parameter(name: string, value: string): this {
    this.#parameters ??= new Map();
    this.#parameters.set(name, value);
    return this;
  }

  /** Adds parameters in their iteration order; an empty set adds nothing. */
  parameters(parameters: ReadonlyMap<string, string> | Readonly<Record<string, string>>): this {
    const entries = parameters instanceof Map ? [...parameters] : Object.entries(parameters);
    for (const [name, value] of entries) this.parameter(name, value);
    return this;
  }

  /**
   * The value used when the value is null. Checked against the schema built so far, so set
   * `optional()` and parameters (a Decimal's scale) first. Structs cannot have a default, as in
   * Connect.
   */
  defaultValue(value: unknown): this {
    if (value === null || value === undefined) return this;
    if (this.#defaultValue !== undefined) {
      throw new SchemaBuilderError('Invalid SchemaBuilder call: default has already been set.');
    }
    if (this.type === 'struct')
      throw new SchemaBuilderError('Invalid default value: a struct schema cannot have one');
    try {
      validateValue(this.#build(undefined), value);
    } catch (error) {
      throw new SchemaBuilderError(`Invalid default value: ${(error as Error).message}`, { cause: error });
    }
    this.#defaultValue = value;
    return this;
  }

  field(name: string, schema: SchemaLike): this {
    if (this.type !== 'struct')
      throw new SchemaBuilderError(`Cannot create fields on type ${this.type.toUpperCase()}`);
    if (!name) throw new SchemaBuilderError('fieldName cannot be null.');
    const fieldSchema = resolve(schema, `fieldSchema for field ${name}`);
    if (this.#fields.some((field) => field.name === name)) {
      throw new SchemaBuilderError(`Cannot create field because of field name duplication ${name}`);
    }
    this.#fields.push({ name, schema: fieldSchema });
    return this;
  }

  build(): Schema {
    return this.#build(this.#defaultValue);
  }

  #build(defaultValue: unknown): Schema {
    return new Schema({
      type: this.type,
      optional: this.#optional ?? false,
      defaultValue,
      name: this.#name,
      version: this.#version,
      doc: this.#doc,
      parameters: this.#parameters,
      fields: this.type === 'struct' ? this.#fields : undefined,
      keySchema: this.#keySchema,
      valueSchema: this.#valueSchema,
    });
  }
}

function resolve(schema: SchemaLike | null | undefined, what: string): Schema {
  if (schema === null || schema === undefined) throw new SchemaBuilderError(`${what} cannot be null.`);
  return schema instanceof SchemaBuilder ? schema.build() : schema;
}

function checkCanSet<T>(attribute: string, current: T | undefined, next: T): T {
  if (current !== undefined && current !== next) {
    throw new SchemaBuilderError(`Invalid SchemaBuilder call: ${attribute} has already been set.`);
  }
  return next;
}
