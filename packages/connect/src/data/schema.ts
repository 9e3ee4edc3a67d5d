import { type LogicalKind, logicalKindOf } from './logical-type-names.js';
import { valuesEqual } from './value-equality.js';

/** Connect's schema types (`Schema.Type`), spelled as Connect names them in lower case. */
export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export const SCHEMA_TYPES: readonly SchemaType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
  'bytes',
  'array',
  'map',
  'struct',
];

export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'array' && type !== 'map' && type !== 'struct';
}

/** One field of a struct schema; `index` is its position in the struct. */
export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

/** What a schema is made of; `SchemaBuilder` is the friendlier way to write one. */
export interface SchemaInit {
  type: SchemaType;
  optional?: boolean;
  /** `undefined` (or `null`) means no default. The builder validates it; this constructor does not. */
  defaultValue?: unknown;
  name?: string;
  version?: number;
  doc?: string;
  /** Insertion order is kept: it is the order the JSON converter writes them in. */
  parameters?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Struct fields in order; indexes are assigned from the position. */
  fields?: readonly { readonly name: string; readonly schema: Schema }[];
  keySchema?: Schema;
  valueSchema?: Schema;
}

/**
 * An immutable Connect schema (`ConnectSchema`). Absent attributes are `undefined`; `fields` is
 * empty for every type but struct.
 */
export class Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue: unknown;
  readonly name: string | undefined;
  readonly version: number | undefined;
  readonly doc: string | undefined;
  readonly parameters: ReadonlyMap<string, string> | undefined;
  readonly fields: readonly Field[];
  readonly keySchema: Schema | undefined;
  readonly valueSchema: Schema | undefined;
  /** The logical type the name stands for, looked up once here so converters need not compare names. */
  readonly logical: LogicalKind | undefined;
  readonly #fieldsByName: ReadonlyMap<string, Field> | undefined;

  constructor(init: SchemaInit) {
    this.type = init.type;
    this.optional = init.optional ?? false;
    this.defaultValue = init.defaultValue ?? undefined;
    this.name = init.name;
    this.version = init.version;
    this.doc = init.doc;
    this.parameters = init.parameters === undefined ? undefined : freezeParameters(init.parameters);
    if (init.type === 'struct') {
      const fields: Field[] = [];
      const byName = new Map<string, Field>();
      for (const { name, schema } of init.fields ?? []) {
        const field: Field = Object.freeze({ name, index: fields.length, schema });
        fields.push(field);
        byName.set(name, field);
      }
      this.fields = Object.freeze(fields);
      this.#fieldsByName = byName;
    } else {
      this.fields = Object.freeze([]);
      this.#fieldsByName = undefined;
    }
    this.keySchema = init.keySchema;
    this.valueSchema = init.valueSchema;
    this.logical = logicalKindOf(init.name);
  }

  /** The struct field called `name`, or `undefined` (also for non-struct schemas). */
  field(name: string): Field | undefined {
    return this.#fieldsByName?.get(name);
  }

  toString(): string {
    const type = this.type.toUpperCase();
    return this.name === undefined ? `Schema{${type}}` : `Schema{${this.name}:${type}}`;
  }
}

function freezeParameters(
  parameters: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): ReadonlyMap<string, string> {
  const entries = parameters instanceof Map ? parameters.entries() : Object.entries(parameters);
  return new Map(entries);
}

/**
 * Structural equality like `ConnectSchema.equals`: every attribute, fields, key and value schemas,
 * and the default value compared by content.
 */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    a.fields.length !== b.fields.length ||
    !parametersEqual(a.parameters, b.parameters) ||
    !schemaEquals(a.keySchema, b.keySchema) ||
    !schemaEquals(a.valueSchema, b.valueSchema) ||
    !valuesEqual(a.defaultValue, b.defaultValue)
  ) {
    return false;
  }
  for (let i = 0; i < a.fields.length; i++) {
    const fa = a.fields[i] as Field;
    const fb = b.fields[i] as Field;
    if (fa.name !== fb.name || !schemaEquals(fa.schema, fb.schema)) return false;
  }
  return true;
}

function parametersEqual(
  a: ReadonlyMap<string, string> | undefined,
  b: ReadonlyMap<string, string> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
