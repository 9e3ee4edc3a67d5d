import type { ConnectRecord } from '../api/records.js';
import type { ConfigDef } from '../config/config-def.js';

/**
 * A transformation sees a record as a `ConnectRecord` (api/records.ts) and returns a new one made
 * with {@link withChanges}, so the fields it does not know (source partition and offset, Kafka
 * offset) travel on unchanged.
 */
export type { ConnectRecord };

/** A record like `record` with some of its Connect fields replaced (Connect's `newRecord`). */
export function withChanges<R extends ConnectRecord>(record: R, changes: Partial<ConnectRecord>): R {
  return { ...record, ...changes };
}

/**
 * A single message transform (`org.apache.kafka.connect.transforms.Transformation`). `apply`
 * returns the transformed record, or `null` to drop it. It throws a `DataError` for a record it
 * cannot handle; the worker's error handling (stage TRANSFORMATION) decides what happens then.
 */
export interface Transformation {
  apply<R extends ConnectRecord>(record: R): R | null;
  close?(): void;
}

/** A condition a transformation can be made conditional on (`…transforms.predicates.Predicate`). */
export interface Predicate {
  test(record: ConnectRecord): boolean;
  close?(): void;
}

/** The configs a transformation or predicate receives: its alias's keys, the prefix taken off. */
export type PluginConfig = Readonly<Record<string, string>>;

interface PluginBase {
  /** Apache's class name, with `$Key` / `$Value` for the variants: what users write in `.type`. */
  readonly className: string;
  /** The keys the plugin takes, as Apache defines them (names, types, defaults, docs, validators). */
  readonly configDef: ConfigDef;
  readonly version: string;
}

export interface TransformationPlugin extends PluginBase {
  readonly kind: 'transformation';
  /** Throws a `ConfigException` when the config is invalid, with Apache's message. */
  create(config: PluginConfig): Transformation;
}

export interface PredicatePlugin extends PluginBase {
  readonly kind: 'predicate';
  /** Throws a `ConfigException` when the config is invalid, with Apache's message. */
  create(config: PluginConfig): Predicate;
}
