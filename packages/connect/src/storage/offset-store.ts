import type { ClientSettings, KafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { KafkaBasedLog } from './kafka-based-log.js';

export type SourcePartition = Record<string, unknown>;
export type SourceOffset = Record<string, unknown>;

/** Where source offsets live: the offsets topic (distributed) or a file (standalone). */
export interface OffsetBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Catches up with what other writers stored. */
  refresh(): Promise<void>;
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  list(connector: string): { partition: SourcePartition; offset: SourceOffset | null }[];
  /** Writes offsets (null resets one); resolves when all are durable. */
  set(
    connector: string,
    entries: { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void>;
}

export interface OffsetEntry {
  connector: string;
  partition: SourcePartition;
  offset: SourceOffset;
}

/** The offsets a store has read, found by connector and partition content. */
export class OffsetMap {
  readonly #entries = new Map<string, OffsetEntry>();

  /** Records one offset; null forgets it (a reset). */
  put(connector: string, partition: SourcePartition, offset: SourceOffset | null): void {
    const canonical = offsetKey(connector, partition);
    if (offset === null) this.#entries.delete(canonical);
    else this.#entries.set(canonical, { connector, partition, offset });
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.#entries.get(offsetKey(connector, partition))?.offset ?? null;
  }

  list(connector: string): { partition: SourcePartition; offset: SourceOffset | null }[] {
    return [...this.#entries.values()]
      .filter((entry) => entry.connector === connector)
      .map(({ partition, offset }) => ({ partition, offset }));
  }

  entries(): OffsetEntry[] {
    return [...this.#entries.values()];
  }
}

/**
 * Source offsets in the compacted offsets topic. Key and value are schemaless JSON exactly as
 * Apache Kafka Connect writes them: key `["<connector>", {partition}]`, value `{offset}`, null
 * value when an offset is reset.
 */
export class KafkaOffsetBackingStore implements OffsetBackingStore {
  readonly #log: KafkaBasedLog;
  readonly #offsets = new OffsetMap();
  readonly topic: string;

  constructor(options: { topic: string; client: ClientSettings; logger: Logger; clients?: KafkaClients }) {
    this.topic = options.topic;
    const logger = options.logger.child({ store: 'offsets' });
    this.#log = new KafkaBasedLog({
      topic: options.topic,
      ...(options.clients ? { clients: options.clients } : {}),
      client: { ...options.client, clientId: `${options.client.clientId}-offsets` },
      logger,
      onRecord: (record) => {
        if (!record.key) return;
        try {
          const key = JSON.parse(record.key.toString('utf8')) as unknown;
          if (
            !Array.isArray(key) ||
            typeof key[0] !== 'string' ||
            typeof key[1] !== 'object' ||
            key[1] === null
          )
            return;
          const [connector, partition] = key as [string, SourcePartition];
          const offset = record.value ? (JSON.parse(record.value.toString('utf8')) as SourceOffset) : null;
          this.#offsets.put(connector, partition, offset);
        } catch (error) {
          logger.warn({ err: error }, 'skipping unreadable offset record');
        }
      },
    });
  }

  start(): Promise<void> {
    return this.#log.start();
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  /** Re-reads to the end of the topic, so offsets written by other workers are seen. */
  refresh(): Promise<void> {
    return this.#log.readToEnd();
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.#offsets.get(connector, partition);
  }

  /** Every partition with an offset for this connector. */
  list(connector: string): { partition: SourcePartition; offset: SourceOffset | null }[] {
    return this.#offsets.list(connector);
  }

  /** Writes offsets (null resets one); resolves when all are durable. */
  async set(
    connector: string,
    entries: { partition: SourcePartition; offset: SourceOffset | null }[],
  ): Promise<void> {
    await Promise.all(
      entries.map(({ partition, offset }) =>
        this.#log.send(
          JSON.stringify([connector, partition]),
          offset === null ? null : JSON.stringify(offset),
        ),
      ),
    );
  }
}

/** Offsets are found by partition content, whatever order its keys were written in. */
export function offsetKey(connector: string, partition: SourcePartition): string {
  return JSON.stringify([connector, sortKeys(partition)]);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
