import type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from '../entities.js';
import {
  ConfigException,
  type ConfigType,
  type ConfigValue,
  type Importance,
  Password,
  type Width,
} from './config-types.js';
import { convertToString, parseType } from './parse-type.js';
import type { Validator } from './validators.js';

/** Suggests values and visibility for a key from the other parsed values (Kafka's `Recommender`). */
export interface Recommender {
  validValues(name: string, parsed: ReadonlyMap<string, ConfigValue>): ConfigValue[];
  visible(name: string, parsed: ReadonlyMap<string, ConfigValue>): boolean;
}

export interface ConfigKeyDefinition {
  name: string;
  type: ConfigType;
  /** Leave out (or `undefined`) for a required key; `null` for an optional key without a value. */
  default?: unknown;
  validator?: Validator;
  importance: Importance;
  documentation: string;
  group?: string | null;
  orderInGroup?: number;
  width?: Width;
  displayName?: string;
  dependents?: string[];
  recommender?: Recommender;
}

/** A defined key, its default already parsed into the key's type. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly required: boolean;
  readonly defaultValue: ConfigValue;
  readonly validator: Validator | undefined;
  readonly importance: Importance;
  readonly documentation: string;
  readonly group: string | null;
  readonly orderInGroup: number;
  readonly width: Width;
  readonly displayName: string;
  readonly dependents: readonly string[];
  readonly recommender: Recommender | undefined;
}

/** The outcome for one key: its parsed value and every problem found with it. */
export interface ValidatedValue {
  name: string;
  value: ConfigValue;
  errors: string[];
  recommendedValues: ConfigValue[];
  visible: boolean;
}

export interface ConfigCheckOptions {
  /** Whether a CLASS value names something this worker can load; every name passes when absent. */
  classExists?: (className: string) => boolean;
}

/** Raw config as it arrives over REST or from the config topic; null marks a value someone nulled. */
export type RawConfig = Readonly<Record<string, string | null | undefined>>;

function checkClass(key: ConfigKey, value: ConfigValue, options: ConfigCheckOptions): void {
  if (
    key.type === 'CLASS' &&
    typeof value === 'string' &&
    options.classExists &&
    !options.classExists(value)
  ) {
    throw ConfigException.invalid(key.name, value, `Class ${value} could not be found.`);
  }
}

/**
 * A set of config keys, like Kafka's `ConfigDef`: define keys, parse a string map into typed values,
 * or validate it into Connect's `ConfigInfos` with every problem listed per key. Keys keep their
 * definition order; groups keep the order they first appear in.
 */
export class ConfigDef {
  readonly #keys = new Map<string, ConfigKey>();
  readonly #groups: string[] = [];

  define(definition: ConfigKeyDefinition): this {
    if (this.#keys.has(definition.name)) {
      throw new ConfigException(`Configuration ${definition.name} is defined twice.`);
    }
    return this.#put(definition);
  }

  /** Same as {@link define}, but replaces an existing key of that name in place. */
  override(definition: ConfigKeyDefinition): this {
    return this.#put(definition);
  }

  #put(definition: ConfigKeyDefinition): this {
    const required = definition.default === undefined;
    const defaultValue = required ? null : parseType(definition.name, definition.default, definition.type);
    if (!required && definition.validator) definition.validator.ensureValid(definition.name, defaultValue);
    const group = definition.group ?? null;
    if (group !== null && !this.#groups.includes(group)) this.#groups.push(group);
    this.#keys.set(definition.name, {
      name: definition.name,
      type: definition.type,
      required,
      defaultValue,
      validator: definition.validator,
      importance: definition.importance,
      documentation: definition.documentation,
      group,
      orderInGroup: definition.orderInGroup ?? -1,
      width: definition.width ?? 'NONE',
      displayName: definition.displayName ?? definition.name,
      dependents: definition.dependents ?? [],
      recommender: definition.recommender,
    });
    return this;
  }

  keys(): ReadonlyMap<string, ConfigKey> {
    return this.#keys;
  }

  key(name: string): ConfigKey | undefined {
    return this.#keys.get(name);
  }

  groups(): readonly string[] {
    return this.#groups;
  }

  /** A new ConfigDef with only the named keys of this one, in this one's order. */
  subset(...names: string[]): ConfigDef {
    const picked = new ConfigDef();
    for (const [name, key] of this.#keys) {
      if (!names.includes(name)) continue;
      if (key.group !== null && !picked.#groups.includes(key.group)) picked.#groups.push(key.group);
      picked.#keys.set(name, key);
    }
    return picked;
  }

  /**
   * A new ConfigDef with this one's keys followed by the others'. A key defined again by a later
   * def (a connector redefining a common key) takes the later definition, in its first position.
   */
  merge(...others: ConfigDef[]): ConfigDef {
    const merged = new ConfigDef();
    for (const def of [this, ...others]) {
      for (const group of def.#groups) if (!merged.#groups.includes(group)) merged.#groups.push(group);
      for (const [name, key] of def.#keys) merged.#keys.set(name, key);
    }
    return merged;
  }

  /** Parses every defined key; throws a {@link ConfigException} on the first problem. */
  parse(props: RawConfig, options: ConfigCheckOptions = {}): ParsedConfig {
    const values = new Map<string, ConfigValue>();
    for (const key of this.#keys.values()) {
      let value: ConfigValue;
      if (props[key.name] !== undefined) value = parseType(key.name, props[key.name], key.type);
      else if (key.required) throw ConfigException.missing(key.name);
      else value = key.defaultValue;
      key.validator?.ensureValid(key.name, value);
      checkClass(key, value, options);
      values.set(key.name, value);
    }
    return new ParsedConfig(this, values, props);
  }

  /**
   * Validates every defined key and keeps going: each key gets all of its problems (a value that
   * fails to parse is validated as null, as Kafka does). Keys not defined here are not reported.
   */
  validateAll(props: RawConfig, options: ConfigCheckOptions = {}): Map<string, ValidatedValue> {
    const results = new Map<string, ValidatedValue>();
    const parsed = new Map<string, ConfigValue>();
    for (const key of this.#keys.values()) {
      const result: ValidatedValue = {
        name: key.name,
        value: null,
        errors: [],
        recommendedValues: [],
        visible: true,
      };
      if (props[key.name] !== undefined) {
        try {
          result.value = parseType(key.name, props[key.name], key.type);
        } catch (error) {
          result.errors.push((error as Error).message);
        }
      } else if (key.required) {
        result.errors.push(ConfigException.missing(key.name).message);
      } else {
        result.value = key.defaultValue;
      }
      for (const check of [
        () => key.validator?.ensureValid(key.name, result.value),
        () => checkClass(key, result.value, options),
      ]) {
        try {
          check();
        } catch (error) {
          result.errors.push((error as Error).message);
        }
      }
      results.set(key.name, result);
      parsed.set(key.name, result.value);
    }
    for (const key of this.#keys.values()) {
      if (!key.recommender) continue;
      const result = results.get(key.name) as ValidatedValue;
      try {
        result.recommendedValues = key.recommender.validValues(key.name, parsed);
        result.visible = key.recommender.visible(key.name, parsed);
      } catch (error) {
        result.errors.push((error as Error).message);
      }
    }
    return results;
  }

  /** {@link validateAll} shaped as Connect's `ConfigInfos`, named after the connector class. */
  validate(props: RawConfig, name: string, options: ConfigCheckOptions = {}): ConfigInfos {
    return toConfigInfos(name, this, this.validateAll(props, options));
  }
}

/** A key's definition as Connect's `ConfigKeyInfo` shows it. */
export function configKeyInfo(key: ConfigKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: key.required,
    default_value: key.required ? null : convertToString(key.defaultValue, key.type),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    order_in_group: key.orderInGroup,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
  };
}

function configValueInfo(result: ValidatedValue, type: ConfigType): ConfigValueInfo {
  return {
    name: result.name,
    value: convertToString(result.value, type),
    recommended_values: result.recommendedValues.map(
      (v) => convertToString(v, type === 'LIST' ? 'STRING' : type) ?? '',
    ),
    errors: [...result.errors],
    visible: result.visible,
  };
}

/** What Connect shows for a key with errors but no definition: its `definition` is empty there. */
function undefinedKeyInfo(name: string): ConfigKeyInfo {
  return {
    name,
    type: 'STRING',
    required: false,
    default_value: null,
    importance: 'LOW',
    documentation: '',
    group: null,
    order_in_group: -1,
    width: 'NONE',
    display_name: name,
    dependents: [],
  };
}

/**
 * Connect's `ConfigInfos`: one entry per defined key in definition order, `error_count` the total
 * number of messages. Results for keys `def` does not define (problems a connector's own checks
 * found) come first, as in Connect, with a placeholder definition.
 */
export function toConfigInfos(
  name: string,
  def: ConfigDef,
  results: ReadonlyMap<string, ValidatedValue>,
): ConfigInfos {
  let errorCount = 0;
  const configs: ConfigInfo[] = [];
  for (const result of results.values()) {
    if (def.keys().has(result.name)) continue;
    errorCount += result.errors.length;
    configs.push({ definition: undefinedKeyInfo(result.name), value: configValueInfo(result, 'STRING') });
  }
  for (const key of def.keys().values()) {
    const result = results.get(key.name) ?? {
      name: key.name,
      value: key.defaultValue,
      errors: [],
      recommendedValues: [],
      visible: true,
    };
    errorCount += result.errors.length;
    configs.push({ definition: configKeyInfo(key), value: configValueInfo(result, key.type) });
  }
  return { name, error_count: errorCount, groups: [...def.groups()], configs };
}

/** Parsed values of a {@link ConfigDef}, with typed getters; keys nobody defined are kept as given. */
export class ParsedConfig {
  readonly #def: ConfigDef;
  readonly #values: ReadonlyMap<string, ConfigValue>;
  readonly #originals: RawConfig;

  constructor(def: ConfigDef, values: ReadonlyMap<string, ConfigValue>, originals: RawConfig) {
    this.#def = def;
    this.#values = values;
    this.#originals = { ...originals };
  }

  get(name: string): ConfigValue {
    if (!this.#values.has(name)) throw new ConfigException(`Unknown configuration '${name}'`);
    return this.#values.get(name) ?? null;
  }

  #typed<T>(name: string, check: (v: ConfigValue) => v is T & ConfigValue, what: string): T | null {
    const value = this.get(name);
    if (value === null || check(value)) return value as T | null;
    throw new ConfigException(`Configuration '${name}' is not ${what}`);
  }

  getString(name: string): string | null {
    return this.#typed(name, (v): v is string => typeof v === 'string', 'a string');
  }

  getNumber(name: string): number | null {
    return this.#typed(name, (v): v is number => typeof v === 'number', 'a number');
  }

  getBoolean(name: string): boolean | null {
    return this.#typed(name, (v): v is boolean => typeof v === 'boolean', 'a boolean');
  }

  getList(name: string): string[] | null {
    return this.#typed(name, (v): v is string[] => Array.isArray(v), 'a list');
  }

  getPassword(name: string): Password | null {
    return this.#typed(name, (v): v is Password => v instanceof Password, 'a password');
  }

  /** Everything as given, defined keys or not. */
  originals(): Record<string, string | null | undefined> {
    return { ...this.#originals };
  }

  /** The given keys this def does not define (connector-specific keys, client overrides...). */
  unknown(): Record<string, string | null | undefined> {
    return Object.fromEntries(Object.entries(this.#originals).filter(([k]) => !this.#def.keys().has(k)));
  }

  /** Given keys starting with `prefix`, the prefix stripped: `producer.override.` → client configs. */
  originalsWithPrefix(prefix: string): Record<string, string | null | undefined> {
    return Object.fromEntries(
      Object.entries(this.#originals)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  }

  /** Parsed values as display text, passwords as `[hidden]`: safe to log. */
  toDisplayMap(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const [name, value] of this.#values) out[name] = convertToString(value, this.#def.key(name)?.type);
    return out;
  }
}
