import type { Schema } from '../data/schema.js';

/** A header as Connect models it: key, optional schema, value. */
export interface ConnectHeader {
  key: string;
  schema?: Schema | undefined;
  value: unknown;
}

/**
 * What every record has (Connect's `ConnectRecord`): `SourceRecord` and `SinkRecord` are both one,
 * and single message transforms work on this shape.
 */
export interface ConnectRecord {
  topic: string;
  kafkaPartition?: number | undefined;
  keySchema?: Schema | undefined;
  key?: unknown;
  valueSchema?: Schema | undefined;
  value?: unknown;
  /** Milliseconds since epoch; for a source record, the producer's time when absent. */
  timestamp?: number | undefined;
  headers?: ConnectHeader[] | undefined;
}

/** What a source task hands the worker: where it came from (partition/offset) and where it goes. */
export interface SourceRecord extends ConnectRecord {
  sourcePartition: Record<string, unknown>;
  sourceOffset: Record<string, unknown>;
}

/** What the worker hands a sink task: a converted record with its Kafka coordinates. */
export interface SinkRecord {
  topic: string;
  kafkaPartition: number;
  kafkaOffset: bigint;
  keySchema: Schema | undefined;
  key: unknown;
  valueSchema: Schema | undefined;
  value: unknown;
  timestamp: number | undefined;
  headers: ConnectHeader[];
  /**
   * Where the record was read from, whatever transformations did to `topic` and the rest since
   * (Connect's `SinkRecord.originalTopic()` etc., KIP-793): what offsets are tracked by. Absent in
   * records made outside the worker, where the plain fields are the originals.
   */
  originalTopic?: string;
  originalKafkaPartition?: number;
  originalKafkaOffset?: bigint;
}

/** The Kafka coordinates a sink record was consumed at, before any transformation. */
export function consumedAt(record: SinkRecord): { topic: string; partition: number; offset: bigint } {
  return {
    topic: record.originalTopic ?? record.topic,
    partition: record.originalKafkaPartition ?? record.kafkaPartition,
    offset: record.originalKafkaOffset ?? record.kafkaOffset,
  };
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
