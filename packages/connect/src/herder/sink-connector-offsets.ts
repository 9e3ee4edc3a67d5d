import { badRequest } from '../errors/connect-error.js';
import type { ConnectorOffset } from './types.js';

/**
 * A sink connector's offsets are its consumer group's (`connect-<name>`) committed offsets, keyed
 * `{kafka_topic, kafka_partition}` with `{kafka_offset}` (Connect's `SinkUtils`). A null offset (or
 * a null `kafka_offset`) removes that partition's committed offset, so the task starts it over from
 * `consumer.auto.offset.reset`.
 */
export const KAFKA_TOPIC_KEY = 'kafka_topic';
export const KAFKA_PARTITION_KEY = 'kafka_partition';
export const KAFKA_OFFSET_KEY = 'kafka_offset';

export interface SinkOffsetChanges {
  /** Offsets to commit, per topic (the client's `alterConsumerGroupOffsets` shape). */
  alter: { name: string; partitionOffsets: { partition: number; offset: bigint }[] }[];
  /** Partitions whose committed offset is removed (`deleteConsumerGroupOffsets` shape). */
  remove: { name: string; partitionIndexes: number[] }[];
}

/** Java's Integer/Long parsed from a JSON number or a string of digits, never negative. */
function nonNegativeInteger(value: unknown, max: bigint): bigint | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 && BigInt(value) <= max ? BigInt(value) : undefined;
  }
  if (typeof value === 'string' && /^\+?\d{1,19}$/.test(value)) {
    const parsed = BigInt(value);
    return parsed <= max ? parsed : undefined;
  }
  return undefined;
}

const INT32_MAX = 2_147_483_647n;
const INT64_MAX = 9_223_372_036_854_775_807n;

/**
 * Checks a `PATCH /connectors/{sink}/offsets` body the way Connect's
 * `SinkUtils.parseSinkConnectorOffsets` does and sorts it into commits and removals. Every problem
 * is a 400 naming the entry; nothing reaches the broker unless every entry is valid.
 */
export function parseSinkConnectorOffsets(offsets: readonly ConnectorOffset[]): SinkOffsetChanges {
  const alter = new Map<string, Map<number, bigint>>();
  const remove = new Map<string, Set<number>>();
  for (const { partition, offset } of offsets) {
    const topic = partition[KAFKA_TOPIC_KEY];
    const rawPartition = partition[KAFKA_PARTITION_KEY];
    if (topic === undefined || rawPartition === undefined) {
      throw badRequest(
        `The partition for a sink connector offset must contain the keys '${KAFKA_TOPIC_KEY}' and '${KAFKA_PARTITION_KEY}', but was: ${JSON.stringify(partition)}`,
      );
    }
    if (typeof topic !== 'string' || topic === '') {
      throw badRequest(
        `Kafka topic names must be valid strings and may not be empty: ${JSON.stringify(topic)}`,
      );
    }
    const partitionIndex = nonNegativeInteger(rawPartition, INT32_MAX);
    if (partitionIndex === undefined) {
      throw badRequest(
        `Kafka partitions must be valid numbers and may not be negative: ${JSON.stringify(rawPartition)}`,
      );
    }
    const index = Number(partitionIndex);
    const rawOffset = offset === null ? null : offset[KAFKA_OFFSET_KEY];
    if (rawOffset === undefined) {
      throw badRequest(
        `The offset for a sink connector should either be null or contain the key '${KAFKA_OFFSET_KEY}', but was: ${JSON.stringify(offset)}`,
      );
    }
    if (rawOffset === null) {
      if (!remove.has(topic)) remove.set(topic, new Set());
      remove.get(topic)?.add(index);
      alter.get(topic)?.delete(index);
      continue;
    }
    const committed = nonNegativeInteger(rawOffset, INT64_MAX);
    if (committed === undefined) {
      throw badRequest(
        `Kafka offsets must be valid numbers and may not be negative: ${JSON.stringify(rawOffset)}`,
      );
    }
    if (!alter.has(topic)) alter.set(topic, new Map());
    alter.get(topic)?.set(index, committed);
    remove.get(topic)?.delete(index);
  }
  return {
    alter: [...alter]
      .filter(([, partitions]) => partitions.size > 0)
      .map(([name, partitions]) => ({
        name,
        partitionOffsets: [...partitions].map(([partition, offset]) => ({ partition, offset })),
      })),
    remove: [...remove]
      .filter(([, partitions]) => partitions.size > 0)
      .map(([name, partitions]) => ({ name, partitionIndexes: [...partitions] })),
  };
}
