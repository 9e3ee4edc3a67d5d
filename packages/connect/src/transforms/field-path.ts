import type { ConfigDef, ConfigKeyDefinition, ParsedConfig } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { caseInsensitiveValidString } from '../config/validators.js';
import { DataError } from '../data/data-error.js';
import type { Field, Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { requireMapOrNull, requireStructOrNull } from './requirements.js';

/**
 * KIP-821 field paths (`org.apache.kafka.connect.transforms.field`): how a transformation's field
 * settings name a field, at the root only (`V1`, the default and the pre-KIP behaviour) or nested
 * with dots (`V2`, backticks around a name that holds dots).
 *
 * Apache 4.4.0 ships `FieldSyntaxVersion` and `SingleFieldPath`; of the transformations, only
 * `ExtractField` and `ValueToKey` take `field.syntax.version`. {@link MultiFieldPaths} is the
 * KIP's set-of-paths helper, kept here for transformations that take a list of paths.
 */
export type FieldSyntaxVersion = 'V1' | 'V2';

export const FIELD_SYNTAX_VERSIONS: readonly FieldSyntaxVersion[] = ['V1', 'V2'];
export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version';
export const FIELD_SYNTAX_VERSION_DEFAULT_VALUE: FieldSyntaxVersion = 'V1';
export const FIELD_SYNTAX_VERSION_DOC =
  'Which syntax field names follow. With <code>V1</code> a name is taken as it is and only reaches ' +
  'fields at the top level of the struct or map. With <code>V2</code> dots separate the steps to a ' +
  'nested field (<code>outer.inner</code>); wrap a name that itself contains dots in backticks, e.g. ' +
  '"<code>`a.b`.c</code>" reaches field <code>c</code> inside the field named "a.b".';

/** The `field.syntax.version` key as Apache defines it: STRING, default V1, V1/V2 in any case, HIGH. */
export function fieldSyntaxVersionKey(): ConfigKeyDefinition {
  return {
    name: FIELD_SYNTAX_VERSION_CONFIG,
    type: 'STRING',
    default: FIELD_SYNTAX_VERSION_DEFAULT_VALUE,
    validator: caseInsensitiveValidString(...FIELD_SYNTAX_VERSIONS),
    importance: 'HIGH',
    documentation: FIELD_SYNTAX_VERSION_DOC,
  };
}

/** `FieldSyntaxVersion.appendConfigTo`: adds the key at the end of `configDef` and returns it. */
export function appendFieldSyntaxVersionConfig(configDef: ConfigDef): ConfigDef {
  return configDef.define(fieldSyntaxVersionKey());
}

/** `FieldSyntaxVersion.fromConfig`: the parsed key's value, upper-cased. */
export function fieldSyntaxVersionFromConfig(config: ParsedConfig): FieldSyntaxVersion {
  return parseFieldSyntaxVersion(config.getString(FIELD_SYNTAX_VERSION_CONFIG));
}

export function parseFieldSyntaxVersion(value: string | null | undefined): FieldSyntaxVersion {
  const upper = value?.toUpperCase();
  if (upper === 'V1' || upper === 'V2') return upper;
  throw ConfigException.invalid(FIELD_SYNTAX_VERSION_CONFIG, value, 'Unrecognized field syntax version');
}

const BACKTICK = '`';
const DOT = '.';
const BACKSLASH = '\\';

function incompleteBacktickPair(path: string, backtickAt: number): ConfigException {
  return new ConfigException(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${backtickAt} to escape it`,
  );
}

/**
 * Splits a V2 path into its steps. Dots separate steps. A step starting with a backtick runs to the
 * next backtick that is followed by a dot or ends the path; inside it, `\`` before a dot stands for
 * a backtick (elsewhere a backslash is kept as written). A trailing dot adds an empty last step.
 * An unclosed backtick is a ConfigException with Apache's message.
 */
function splitV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== BACKTICK) {
      const start = idx;
      idx = path.indexOf(DOT, idx);
      if (idx >= 0) {
        steps.push(path.substring(start, idx));
        idx++;
      } else {
        steps.push(path.substring(start));
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let step = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf(BACKTICK, idx);
      if (idx === -1) throw incompleteBacktickPair(path, backtickAt);
      const escaped = path[idx - 1] === BACKSLASH;
      if (idx >= path.length - 1) {
        // The closing backtick ends the path.
        if (escaped) throw incompleteBacktickPair(path, backtickAt);
        steps.push(step + path.substring(start, idx));
        idx++;
        break;
      }
      if (path[idx + 1] !== DOT) {
        // A backtick inside the name: keep looking for one followed by a dot.
        idx++;
        continue;
      }
      if (escaped) {
        // `\`.` inside the name: a backtick, the backslash dropped.
        step += `${path.substring(start, idx - 1)}${BACKTICK}`;
        idx++;
        start = idx;
        continue;
      }
      steps.push(step + path.substring(start, idx));
      idx += 2;
      break;
    }
  }
  if (path.length > 0 && path[path.length - 1] === DOT) steps.push('');
  return steps;
}

/** Java's `Schema.field(name)`: struct schemas only. */
export function schemaFieldOf(schema: Schema, name: string): Field | undefined {
  if (schema.type !== 'struct') throw new DataError('Cannot look up fields on non-struct type');
  return schema.field(name);
}

/**
 * One path to a field (`SingleFieldPath`): one step in V1 (the text as written, dots and all), the
 * dot-separated steps in V2. Lookups return `null` where the path leads nowhere, like Apache's.
 */
export class SingleFieldPath {
  readonly version: FieldSyntaxVersion;
  readonly steps: readonly string[];

  constructor(pathText: string, version: FieldSyntaxVersion) {
    this.version = version;
    this.steps = Object.freeze(version === 'V1' ? [pathText] : splitV2(pathText));
  }

  /** The last step: the field's own name. */
  get lastStep(): string {
    return this.#stepAt(this.steps.length - 1);
  }

  /** The steps leading to the last one (the parents). */
  get parentSteps(): readonly string[] {
    this.#checkNotEmpty();
    return this.steps.slice(0, -1);
  }

  /**
   * The field this path names in a struct schema, or `null` when some step is missing. A step
   * through a non-struct schema throws Apache's DataError (`Cannot look up fields on non-struct type`).
   */
  fieldFrom(schema: Schema | null | undefined): Field | null {
    if (!schema) return null;
    let current = schema;
    for (const step of this.parentSteps) {
      const field = schemaFieldOf(current, step);
      if (!field) return null;
      current = field.schema;
    }
    return schemaFieldOf(current, this.lastStep) ?? null;
  }

  /** The schema of the field this path names, or `null` (see {@link fieldFrom}). */
  schemaFrom(schema: Schema | null | undefined): Schema | null {
    return this.fieldFrom(schema)?.schema ?? null;
  }

  /**
   * The value at this path in a struct, or `null` when a step is missing or a parent is null. With
   * `withDefault` (the default) a null field gives its schema's default, as `Struct.get` does; each
   * parent struct is always read with defaults. A parent that is not a struct throws Apache's
   * `Only Struct objects supported for [nested field access]` error.
   */
  valueFromStruct(struct: Struct | null | undefined, withDefault = true): unknown {
    if (!struct) return null;
    let current: Struct = struct;
    for (const step of this.parentSteps) {
      if (!current.schema.field(step)) return null;
      const next = requireStructOrNull(current.get(step), 'nested field access');
      if (next === null) return null;
      current = next;
    }
    const last = this.lastStep;
    if (!current.schema.field(last)) return null;
    const value = withDefault ? current.get(last) : current.getWithoutDefault(last);
    return value === undefined ? null : value;
  }

  /**
   * The value at this path in a schemaless map, or `null` when absent. A parent that is not a map
   * throws Apache's `Only Map objects supported in absence of schema for [nested field access]`.
   */
  valueFromMap(map: ReadonlyMap<unknown, unknown> | null | undefined): unknown {
    if (!map) return null;
    let current: ReadonlyMap<unknown, unknown> = map;
    for (const step of this.parentSteps) {
      const next = requireMapOrNull(current.get(step), 'nested field access');
      if (next === null) return null;
      current = next;
    }
    const value = current.get(this.lastStep);
    return value === undefined ? null : value;
  }

  /** {@link valueFromStruct} or {@link valueFromMap}, whichever `value` is (null for anything else). */
  valueFrom(value: unknown, withDefault = true): unknown {
    if (value instanceof Map) return this.valueFromMap(value);
    if (value instanceof Struct) return this.valueFromStruct(value, withDefault);
    return null;
  }

  equals(other: unknown): boolean {
    return (
      other instanceof SingleFieldPath &&
      other.steps.length === this.steps.length &&
      other.steps.every((step, i) => step === this.steps[i])
    );
  }

  /** Apache's `toString`: `SingleFieldPath{version=V2, path=a.b}` (steps joined with dots). */
  toString(): string {
    return `SingleFieldPath{version=${this.version}, path=${this.steps.join('.')}}`;
  }

  #checkNotEmpty(): void {
    // An empty V2 path has no steps; Java's subList(0, -1) fails this way.
    if (this.steps.length === 0) throw new Error('fromIndex(0) > toIndex(-1)');
  }

  #stepAt(index: number): string {
    const step = this.steps[index];
    if (step === undefined) throw new Error(`Index ${index} out of bounds for length ${this.steps.length}`);
    return step;
  }
}

export function parseSingleFieldPath(pathText: string, version: FieldSyntaxVersion): SingleFieldPath {
  return new SingleFieldPath(pathText, version);
}

interface TrieNode {
  /** The path ending at this node, when one does. */
  path: SingleFieldPath | undefined;
  readonly children: Map<string, TrieNode>;
}

function newNode(): TrieNode {
  return { path: undefined, children: new Map() };
}

/**
 * A set of field paths (KIP-821's `MultiFieldPaths`), for settings that list several fields. Paths
 * keep the order they were first given in; a path given twice counts once. The trie answers which
 * paths go through or end at a step, so a transformation can walk a struct once.
 */
export class MultiFieldPaths {
  readonly paths: readonly SingleFieldPath[];
  readonly #root: TrieNode = newNode();

  constructor(paths: Iterable<SingleFieldPath>) {
    const unique: SingleFieldPath[] = [];
    for (const path of paths) {
      let node = this.#root;
      for (const step of path.steps) {
        let child = node.children.get(step);
        if (!child) {
          child = newNode();
          node.children.set(step, child);
        }
        node = child;
      }
      if (node.path === undefined) {
        node.path = path;
        unique.push(path);
      }
    }
    this.paths = Object.freeze(unique);
  }

  /** Paths parsed from a list setting's entries in one syntax version. */
  static of(fields: Iterable<string>, version: FieldSyntaxVersion): MultiFieldPaths {
    return new MultiFieldPaths(Array.from(fields, (field) => new SingleFieldPath(field, version)));
  }

  get size(): number {
    return this.paths.length;
  }

  /** The path that ends exactly at `steps`, if there is one. */
  pathAt(steps: readonly string[]): SingleFieldPath | undefined {
    return this.#node(steps)?.path;
  }

  /** Whether some path ends at `steps`. */
  contains(steps: readonly string[]): boolean {
    return this.pathAt(steps) !== undefined;
  }

  /** Whether some path goes further down from `steps` (a nested field under it is named). */
  hasPathsBelow(steps: readonly string[]): boolean {
    const node = this.#node(steps);
    return node !== undefined && node.children.size > 0;
  }

  /** The next steps named below `steps`, in the order first given. */
  stepsBelow(steps: readonly string[]): string[] {
    return [...(this.#node(steps)?.children.keys() ?? [])];
  }

  #node(steps: readonly string[]): TrieNode | undefined {
    let node: TrieNode | undefined = this.#root;
    for (const step of steps) {
      node = node.children.get(step);
      if (!node) return undefined;
    }
    return node;
  }
}

export function parseMultiFieldPaths(fields: Iterable<string>, version: FieldSyntaxVersion): MultiFieldPaths {
  return MultiFieldPaths.of(fields, version);
}
