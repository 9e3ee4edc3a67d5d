import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { type Validator, validList } from '../config/validators.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { distinctValues } from './distinct-values.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { requireMap, requireStruct } from './requirements.js';
import { copySchemaBasics, schemaCache } from './schema-copy.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const EXCLUDE = 'exclude';
const INCLUDE = 'include';
const RENAMES = 'renames';
const REPLACE_NULL_WITH_DEFAULT = 'replace.null.with.default';
const PURPOSE = 'field replacement';

/** Java's `String.split(":")`: no match gives the whole string; trailing empty parts are dropped. */
function splitOnColon(text: string): string[] {
  const parts = text.split(':');
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `old:new` pairs as a Map (a later pair for the same old name wins); throws on any other shape. */
function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = splitOnColon(mapping);
    if (parts.length !== 2)
      throw ConfigException.invalid(RENAMES, mappings, `Invalid rename mapping: ${mapping}`);
    renames.set(parts[0] as string, parts[1] as string);
  }
  return renames;
}

const renamesValidator: Validator = {
  description: 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
  ensureValid(_name, value) {
    parseRenameMappings(Array.isArray(value) ? value : []);
  },
};

export const REPLACE_FIELD_CONFIG_DEF = new ConfigDef()
  .define({
    name: EXCLUDE,
    type: 'LIST',
    default: [],
    validator: distinctValues(validList([], { emptyAllowed: true })),
    importance: 'MEDIUM',
    documentation: 'Fields to drop. A field listed here is dropped even when it is also included.',
  })
  .define({
    name: INCLUDE,
    type: 'LIST',
    default: [],
    validator: distinctValues(validList([], { emptyAllowed: true })),
    importance: 'MEDIUM',
    documentation: 'Fields to keep. When not empty, every field not listed is dropped.',
  })
  .define({
    name: RENAMES,
    type: 'LIST',
    default: [],
    validator: renamesValidator,
    importance: 'MEDIUM',
    documentation: 'Renames, each as <code>old:new</code>.',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'When copying a null field whose schema has a default, write the default (true) or keep null (false).',
  });

/** Java's `String.hashCode`. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The order a `java.util.HashMap` filled with `keys` in this order (default capacity) iterates them:
 * by bucket of the spread hash, insertion order within a bucket. Apache's outcome depends on it
 * where two entries collide (two fields renamed to one name); everywhere else order is immaterial.
 */
function javaHashMapOrder<K>(keys: readonly K[]): K[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const bucket = (key: K): number => {
    if (typeof key !== 'string') return 0;
    const hash = javaStringHash(key);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return keys
    .map((key, index) => ({ key, index, bucket: bucket(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.key);
}

/** `ReplaceField.invert`: new name → old name; when two old names share a new one, Java's HashMap order decides. */
function invert(renames: ReadonlyMap<string, string>): Map<string, string> {
  const inverted = new Map<string, string>();
  for (const from of javaHashMapOrder([...renames.keys()])) inverted.set(renames.get(from) as string, from);
  return inverted;
}

/**
 * `ReplaceField$Key` / `$Value`: keeps the fields `include` lists (all when empty) minus those
 * `exclude` lists, and renames fields per `renames`. With a schema, the struct schema keeps its name,
 * version, doc and parameters and the kept fields in order. A null key/value passes through.
 */
function createReplaceField(side: RecordSide, props: PluginConfig): Transformation {
  const config = REPLACE_FIELD_CONFIG_DEF.parse(props);
  const exclude = new Set(config.getList(EXCLUDE) ?? []);
  const include = new Set(config.getList(INCLUDE) ?? []);
  const renames = parseRenameMappings(config.getList(RENAMES) ?? []);
  const reverseRenames = invert(renames);
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT) === true;
  const cache = schemaCache();

  const keep = (name: string): boolean => !exclude.has(name) && (include.size === 0 || include.has(name));
  const renamed = (name: string): string => renames.get(name) ?? name;
  const reverseRenamed = (name: string): string => reverseRenames.get(name) ?? name;

  function makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) if (keep(field.name)) builder.field(renamed(field.name), field.schema);
    return builder.build();
  }

  return {
    apply(record) {
      const original = operatingValue(record, side);
      if (original === null) return record;
      const schema = operatingSchema(record, side);
      if (!schema) {
        const value = requireMap(original, PURPOSE);
        const updated = new Map<unknown, unknown>();
        const keys = renames.size > 0 ? javaHashMapOrder([...value.keys()]) : value.keys();
        for (const key of keys) {
          if (keep(key)) updated.set(renamed(key), value.get(key));
        }
        return withSide(record, side, undefined, updated);
      }
      const value = requireStruct(original, PURPOSE);
      let updatedSchema = cache.get(value.schema);
      if (!updatedSchema) {
        updatedSchema = makeUpdatedSchema(value.schema);
        cache.set(value.schema, updatedSchema);
      }
      const updated = new Struct(updatedSchema);
      for (const field of updatedSchema.fields) {
        const source = reverseRenamed(field.name);
        updated.put(field.name, replaceNullWithDefault ? value.get(source) : value.getWithoutDefault(source));
      }
      return withSide(record, side, updatedSchema, updated);
    },
  };
}

export const replaceFieldPlugins: TransformationPlugin[] = keyValuePlugins(
  'ReplaceField',
  REPLACE_FIELD_CONFIG_DEF,
  createReplaceField,
);
