import type { Schema } from '../data/schema.js';

/** A header as Connect models it: key, optional schema, value. */
export interface ConnectHeader {
  key: string;
  schema?: Schema | undefined;
  value: unknown;
}

/** What a source task hands the worker: where it came from (partition/offset) and where it goes. */
export interface SourceRecord {
  sourcePartition: Record<string, unknown>;
  sourceOffset: Record<string, unknown>;
  topic: string;
  kafkaPartition?: number | undefined;
  keySchema?: Schema | undefined;
  key?: unknown;
  valueSchema?: Schema | undefined;
  value?: unknown;
  /** Milliseconds since epoch; the producer's time when absent. */
  timestamp?: number | undefined;
  headers?: ConnectHeader[] | undefined;
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
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
