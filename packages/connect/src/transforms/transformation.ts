import type { ConnectHeader } from '../api/records.js';
import type { ConfigDef } from '../config/config-def.js';
import type { Schema } from '../data/schema.js';

/**
 * What a transformation sees of a record (Connect's `ConnectRecord`): both `SourceRecord` and
 * `SinkRecord` fit. A transformation returns a new record made with {@link withChanges}, so the
 * fields it does not know (source partition and offset, Kafka offset) travel on unchanged.
 */
export interface ConnectRecord {
  topic: string;
  kafkaPartition?: number | undefined;
  keySchema?: Schema | undefined;
  key?: unknown;
  valueSchema?: Schema | undefined;
  value?: unknown;
  /** Milliseconds since epoch. */
  timestamp?: number | undefined;
  headers?: ConnectHeader[] | undefined;
}

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
