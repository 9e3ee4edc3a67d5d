import { randomInt } from 'node:crypto';
import { createConsumer, FetchIsolationLevels, type Message, type RawConsumer } from '@msa-sync/kafka';

/** A record as read, untouched: key, value and header values are the bytes Kafka holds. */
export type RawRecord = Message<Buffer | undefined, Buffer | undefined, string, Buffer>;

/** Where to start reading a partition. */
export type ReadStart = { last: number } | { offset: bigint } | { timestamp: bigint };

export interface PartitionRead {
  /** Log start offset and end offset (high watermark) of the partition when it was read. */
  earliest: bigint;
  end: bigint;
  /** The offset the read started at. */
  from: bigint;
  records: RawRecord[];
}

export interface PartitionReadOptions {
  bootstrap: string[];
  topic: string;
  partition: number;
  start: ReadStart;
  /** Most records returned (default 50). */
  limit?: number;
  /** Give up waiting for records that should be there after this long (default 10 s). */
  timeoutMs?: number;
  clientId?: string;
}

/** Earliest and end offsets (high watermark, uncommitted records included) of every partition. */
export async function partitionOffsets(
  consumer: RawConsumer,
  topics: string[],
): Promise<Map<string, { earliest: bigint[]; end: bigint[] }>> {
  const result = new Map<string, { earliest: bigint[]; end: bigint[] }>();
  if (topics.length === 0) return result;
  const level = FetchIsolationLevels.READ_UNCOMMITTED;
  const [earliest, end] = await Promise.all([
    consumer.listOffsets({ topics, timestamp: -2n, isolationLevel: level }),
    consumer.listOffsets({ topics, timestamp: -1n, isolationLevel: level }),
  ]);
  for (const topic of topics) {
    result.set(topic, { earliest: earliest.get(topic) ?? [], end: end.get(topic) ?? [] });
  }
  return result;
}

/** The offset a read starts at, clamped into [earliest, end]. */
export function startOffset(start: ReadStart, earliest: bigint, end: bigint, atTime?: bigint): bigint {
  let offset: bigint;
  if ('last' in start) offset = end - BigInt(start.last);
  else if ('offset' in start) offset = start.offset;
  else offset = atTime === undefined || atTime < 0n ? end : atTime;
  if (offset < earliest) return earliest;
  if (offset > end) return end;
  return offset;
}

/**
 * Up to `limit` records of one partition from a start (the last n, an offset, or the first record
 * at or after a time), as `msa-sync consume` reads them but without a group's committed offsets:
 * a consumer of its own that commits nothing. Stops at the end offset seen when called.
 */
export async function readPartitionRecords(options: PartitionReadOptions): Promise<PartitionRead> {
  const { topic, partition } = options;
  const limit = options.limit ?? 50;
  const consumer = createConsumer({
    bootstrapServers: options.bootstrap,
    clientId: options.clientId ?? 'msa-sync-partition-reader',
    groupId: `msa-sync-reader-${Date.now()}-${randomInt(1_000_000)}`,
    connectTimeoutMs: 3000,
    maxWaitTime: 200,
    isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
  });
  try {
    const offsets = (await partitionOffsets(consumer, [topic])).get(topic);
    if (!offsets || partition < 0 || partition >= offsets.end.length) {
      throw new RangeError(`Topic '${topic}' has no partition ${partition}`);
    }
    const earliest = offsets.earliest[partition] ?? 0n;
    const end = offsets.end[partition] ?? 0n;
    let atTime: bigint | undefined;
    if ('timestamp' in options.start) {
      const found = await consumer.listOffsets({
        topics: [topic],
        partitions: { [topic]: [partition] },
        timestamp: options.start.timestamp,
        isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
      });
      atTime = found.get(topic)?.[partition];
    }
    const from = startOffset(options.start, earliest, end, atTime);
    const stop = from + BigInt(limit) < end ? from + BigInt(limit) : end;
    const records: RawRecord[] = [];
    if (from >= stop) return { earliest, end, from, records };
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'manual',
      // Every other partition starts at its end: nothing of it is fetched.
      offsets: offsets.end.map((partitionEnd, p) => ({
        topic,
        partition: p,
        offset: p === partition ? from : partitionEnd,
      })),
      autocommit: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`read ${records.length} records of ${topic}-${partition} in time`)),
          options.timeoutMs ?? 10_000,
        );
        const reached = () => (stream.offsetsToFetch.get(`${topic}:${partition}`) ?? 0n) >= stop;
        const check = setInterval(() => {
          if (reached()) done();
        }, 50);
        const done = () => {
          clearTimeout(timer);
          clearInterval(check);
          resolve();
        };
        stream.on('data', (record: RawRecord) => {
          if (record.partition !== partition || record.offset >= stop) return;
          records.push(record);
          if (record.offset >= stop - 1n) done();
        });
        stream.on('error', (error: unknown) => {
          clearTimeout(timer);
          clearInterval(check);
          reject(error);
        });
      });
    } finally {
      await stream.close().catch(() => {});
    }
    return { earliest, end, from, records };
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
