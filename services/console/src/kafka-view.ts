import {
  listTopics,
  partitionOffsets,
  type ReadStart,
  readPartitionRecords,
  topicDetails,
  withAdmin,
} from '@msa-sync/cli/kafka';
import { type Admin, createConsumer, describeKafkaError, type RawConsumer } from '@msa-sync/kafka';
import { ApiError } from './api-error.js';
import { type RecordView, recordView } from './record-view.js';

export interface BrokerSummary {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
  controller: boolean;
}

export interface TopicSummary {
  name: string;
  internal: boolean;
  replicationFactor: number;
  partitions: {
    partition: number;
    leader: number | null;
    replicas: number[];
    isr: number[];
    earliest: string;
    end: string;
  }[];
  /** Records between log start and end, summed over partitions. */
  records: string;
  /** Bytes on disk of one replica of each partition (the largest), summed; null when the brokers do not say. */
  sizeBytes: string | null;
}

export interface RecordsPage {
  topic: string;
  partition: number;
  earliest: string;
  end: string;
  from: string;
  records: RecordView[];
}

/** What the console reads from Kafka; the server takes it as a parameter so unit tests need no broker. */
export interface KafkaView {
  readonly bootstrap: string[];
  cluster(): Promise<{ clusterId: string; brokers: BrokerSummary[] }>;
  topics(includeInternal: boolean): Promise<TopicSummary[]>;
  /** End offsets by partition of the named topics (missing topics are absent). */
  endOffsets(topics: string[]): Promise<Map<string, bigint[]>>;
  records(topic: string, partition: number, start: ReadStart, limit: number): Promise<RecordsPage>;
  close(): Promise<void>;
}

/** Bytes on disk per topic: for each partition its largest replica, summed (DescribeLogDirs). */
export async function topicSizes(
  admin: Admin,
  topics: { name: string; partitions: number[] }[],
): Promise<Map<string, bigint>> {
  const largest = new Map<string, bigint>();
  if (topics.length === 0) return new Map();
  for (const broker of await admin.describeLogDirs({ topics })) {
    for (const dir of broker.results) {
      for (const topic of dir.topics) {
        for (const p of topic.partitions) {
          const key = `${topic.name}\u0000${p.partitionIndex}`;
          if (p.partitionSize > (largest.get(key) ?? -1n)) largest.set(key, p.partitionSize);
        }
      }
    }
  }
  const sizes = new Map<string, bigint>();
  for (const [key, bytes] of largest) {
    const name = key.slice(0, key.indexOf('\u0000'));
    sizes.set(name, (sizes.get(name) ?? 0n) + bytes);
  }
  return sizes;
}

/** Internal topics by Kafka's rule (names starting with "__"). */
const isInternal = (name: string) => name.startsWith('__');

/** The real Kafka side: the CLI's own topic and record functions over a bootstrap list. */
export class BrokerKafkaView implements KafkaView {
  readonly bootstrap: string[];
  private consumer: RawConsumer | undefined;

  constructor(bootstrap: string[]) {
    this.bootstrap = bootstrap;
  }

  private offsetsClient(): RawConsumer {
    this.consumer ??= createConsumer({
      bootstrapServers: this.bootstrap,
      clientId: 'msa-sync-console',
      groupId: `msa-sync-console-${process.pid}`,
      connectTimeoutMs: 3000,
    });
    return this.consumer;
  }

  private async kafka<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ApiError || error instanceof RangeError) throw error;
      throw new ApiError(502, describeKafkaError(error, this.bootstrap));
    }
  }

  cluster() {
    return this.kafka(() =>
      withAdmin(this.bootstrap, async (admin) => {
        const metadata = await admin.metadata({ topics: [] });
        const brokers = [...metadata.brokers].map(([nodeId, b]) => ({
          nodeId,
          host: b.host,
          port: b.port,
          rack: b.rack ?? null,
          controller: nodeId === metadata.controllerId,
        }));
        return { clusterId: metadata.id, brokers: brokers.sort((a, b) => a.nodeId - b.nodeId) };
      }),
    );
  }

  topics(includeInternal: boolean) {
    return this.kafka(async () => {
      const details = await withAdmin(this.bootstrap, async (admin) =>
        topicDetails(admin, await listTopics(admin, includeInternal)),
      );
      const offsets = await partitionOffsets(
        this.offsetsClient(),
        details.map((d) => d.name),
      );
      const sizes = await withAdmin(this.bootstrap, (admin) =>
        topicSizes(
          admin,
          details.map((d) => ({ name: d.name, partitions: d.partitions.map((p) => p.partition) })),
        ),
      ).catch(() => new Map<string, bigint>());
      return details.map((d): TopicSummary => {
        const o = offsets.get(d.name);
        let records = 0n;
        const partitions = d.partitions.map((p) => {
          const earliest = o?.earliest[p.partition] ?? 0n;
          const end = o?.end[p.partition] ?? 0n;
          records += end - earliest;
          return { ...p, earliest: earliest.toString(), end: end.toString() };
        });
        return {
          name: d.name,
          internal: isInternal(d.name),
          replicationFactor: d.replicationFactor,
          partitions,
          records: records.toString(),
          sizeBytes: sizes.get(d.name)?.toString() ?? null,
        };
      });
    });
  }

  endOffsets(topics: string[]) {
    return this.kafka(async () => {
      const result = new Map<string, bigint[]>();
      const existing = new Set(await withAdmin(this.bootstrap, (admin) => listTopics(admin, true)));
      const names = topics.filter((t) => existing.has(t));
      for (const [topic, o] of await partitionOffsets(this.offsetsClient(), names)) result.set(topic, o.end);
      return result;
    });
  }

  records(topic: string, partition: number, start: ReadStart, limit: number) {
    return this.kafka(async () => {
      try {
        const read = await readPartitionRecords({
          bootstrap: this.bootstrap,
          topic,
          partition,
          start,
          limit,
          clientId: 'msa-sync-console-reader',
        });
        return {
          topic,
          partition,
          earliest: read.earliest.toString(),
          end: read.end.toString(),
          from: read.from.toString(),
          records: read.records.map(recordView),
        };
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError(404, error.message);
        throw error;
      }
    });
  }

  async close() {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}
