import type { ConnectorOffset } from '../entities.js';
import { badRequest } from '../errors/connect-error.js';

/**
 * A sink connector's offsets are its consumer group's (`connect-<name>`) committed offsets, keyed
 * `{kafka_topic, kafka_partition}` with `{kafka_offset}` (Connect's `SinkUtils`). A null offset
 * removes that partition's committed offset, so the task starts it over from
 * `consumer.auto.offset.reset`; a null `kafka_offset` is refused, as Connect refuses it.
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

/**
 * Java's `Long.parseLong(String.valueOf(value))`, as `SinkUtils` reads both `10` and `"10"`:
 * undefined when that would throw (not a whole number, or out of range). A JSON number beyond
 * 2^53 already lost its exact value in JSON.parse, so it is refused rather than guessed at.
 */
function parseJavaInteger(value: unknown, min: bigint, max: bigint): bigint | undefined {
  let parsed: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return undefined;
    parsed = BigInt(value);
  } else if (typeof value === 'string' && /^[+-]?\d{1,19}$/.test(value)) {
    parsed = BigInt(value);
  } else {
    return undefined;
  }
  return parsed >= min && parsed <= max ? parsed : undefined;
}

/** How Connect's message quotes the value (Java's String.valueOf of what Jackson read). */
function quoted(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const INT32_MAX = 2_147_483_647n;
const INT32_MIN = -2_147_483_648n;
const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

/**
 * Checks a `PATCH /connectors/{sink}/offsets` body the way Connect's
 * `SinkUtils.parseSinkConnectorOffsets` does and sorts it into commits and removals. Every problem
 * is a 400 naming the entry; nothing reaches the broker unless every entry is valid.
 */
export function parseSinkConnectorOffsets(offsets: readonly ConnectorOffset[]): SinkOffsetChanges {
  const alter = new Map<string, Map<number, bigint>>();
  const remove = new Map<string, Set<number>>();
  for (const { partition, offset } of offsets) {
    // The messages are Connect's (SinkUtils), so scripts written against Apache read them alike.
    if (!(KAFKA_TOPIC_KEY in partition) || !(KAFKA_PARTITION_KEY in partition)) {
      throw badRequest(
        `The partition for a sink connector offset must contain the keys '${KAFKA_TOPIC_KEY}' and '${KAFKA_PARTITION_KEY}'`,
      );
    }
    const topic = partition[KAFKA_TOPIC_KEY];
    const rawPartition = partition[KAFKA_PARTITION_KEY];
    if (topic === null) throw badRequest('Kafka topic names must be valid strings and may not be null');
    if (rawPartition === null) throw badRequest('Kafka partitions must be valid numbers and may not be null');
    // Connect would take String.valueOf(anything) and let the broker fail on it later (a 500):
    // a topic that is not a non-empty string is the caller's mistake.
    if (typeof topic !== 'string' || topic === '') {
      throw badRequest(
        `Kafka topic names must be valid strings and may not be empty: ${JSON.stringify(topic)}`,
      );
    }
    const partitionIndex = parseJavaInteger(rawPartition, INT32_MIN, INT32_MAX);
    if (partitionIndex === undefined) {
      throw badRequest(
        `Failed to parse the following Kafka partition value in the provided offsets: '${quoted(rawPartition)}'. Partition values for sink connectors need to be integers.`,
      );
    }
    // Connect sends a negative partition to the broker and answers its refusal with a 500; it is
    // bad input, so a 400 before anything is sent.
    if (partitionIndex < 0n) {
      throw badRequest(
        `Kafka partitions must be valid numbers and may not be negative: ${quoted(rawPartition)}`,
      );
    }
    const index = Number(partitionIndex);
    if (offset === null) {
      if (!remove.has(topic)) remove.set(topic, new Set());
      remove.get(topic)?.add(index);
      alter.get(topic)?.delete(index);
      continue;
    }
    if (!(KAFKA_OFFSET_KEY in offset)) {
      throw badRequest(
        `The offset for a sink connector should either be null or contain the key '${KAFKA_OFFSET_KEY}'`,
      );
    }
    const rawOffset = offset[KAFKA_OFFSET_KEY];
    const committed = parseJavaInteger(rawOffset, INT64_MIN, INT64_MAX);
    if (committed === undefined) {
      throw badRequest(
        `Failed to parse the following Kafka offset value in the provided offsets: '${quoted(rawOffset)}'. Offset values for sink connectors need to be integers.`,
      );
    }
    // Connect fails on it in OffsetAndMetadata (IllegalArgumentException, answered 500); it is
    // bad input, so a 400 before anything is sent.
    if (committed < 0n) {
      throw badRequest(`Kafka offsets must be valid numbers and may not be negative: ${quoted(rawOffset)}`);
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
