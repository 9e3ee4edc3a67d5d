import type { ClientSettings, KafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { ensureInternalTopics } from './internal-topics.js';
import {
  KafkaOffsetBackingStore,
  type OffsetBackingStore,
  offsetKey,
  type SourceOffset,
  type SourcePartition,
} from './offset-store.js';

/** The worker's store: its offsets topic in distributed mode, its offsets file in standalone mode. */
export type WorkerOffsetStore = OffsetBackingStore & { readonly topic?: string };

export type OffsetEntry = { partition: SourcePartition; offset: SourceOffset | null };

/**
 * The source offsets one connector reads and writes, as Apache's ConnectorOffsetBackingStore: the
 * worker's offsets topic alone, or (with `offsets.storage.topic`) the connector's own topic first
 * and the worker's topic as fallback. Writes go to the connector's topic, then a copy to the
 * worker's, so a connector whose own topic is dropped from its config still finds its offsets.
 */
export class ConnectorOffsetBackingStore {
  readonly #worker: WorkerOffsetStore;
  readonly #own: KafkaOffsetBackingStore | undefined;
  readonly #log: Logger;

  constructor(options: { worker: WorkerOffsetStore; own?: KafkaOffsetBackingStore; logger: Logger }) {
    this.#worker = options.worker;
    this.#own = options.own;
    this.#log = options.logger;
  }

  /**
   * Where offsets are written, and where an exactly-once task writes them in its transactions;
   * undefined for a standalone worker's file.
   */
  get primaryTopic(): string | undefined {
    return (this.#own ?? this.#worker).topic;
  }

  /** Whether this connector has its own offsets topic besides the worker's. */
  get hasOwnTopic(): boolean {
    return this.#own !== undefined;
  }

  async refresh(): Promise<void> {
    await Promise.all([this.#worker.refresh(), this.#own?.refresh()]);
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.#own?.get(connector, partition) ?? this.#worker.get(connector, partition);
  }

  /** The connector's partitions in either topic, each with the offset {@link get} answers. */
  list(connector: string): { partition: SourcePartition; offset: SourceOffset | null }[] {
    const partitions = new Map<string, SourcePartition>();
    for (const store of [this.#worker, this.#own]) {
      for (const { partition } of store?.list(connector) ?? []) {
        partitions.set(offsetKey(connector, partition), partition);
      }
    }
    return [...partitions.values()].map((partition) => ({
      partition,
      offset: this.get(connector, partition),
    }));
  }

  /**
   * Writes offsets (null removes one); resolves when the primary write is durable. With a topic of
   * its own, as Apache (KAFKA-15018): removals go to the worker's topic first, so a failure cannot
   * leave an offset there that the fallback would bring back; the copy of the other offsets to the
   * worker's topic afterwards is best effort.
   */
  async set(connector: string, entries: OffsetEntry[]): Promise<void> {
    if (!this.#own) {
      await this.#worker.set(connector, entries);
      return;
    }
    const removals = entries.filter((e) => e.offset === null);
    if (removals.length > 0) await this.#worker.set(connector, removals);
    await this.#own.set(connector, entries);
    await this.copyToWorkerTopic(
      connector,
      entries.filter((e) => e.offset !== null),
    );
  }

  /**
   * The secondary copy of offsets already durable in the connector's own topic (an exactly-once
   * task wrote them in its transaction). A failure is logged: the primary holds the truth.
   */
  async copyToWorkerTopic(connector: string, entries: OffsetEntry[]): Promise<void> {
    if (!this.#own || entries.length === 0) return;
    await this.#worker.set(connector, entries).catch((error: unknown) => {
      this.#log.warn({ err: error, connector }, "copying offsets to the worker's offsets topic failed");
    });
  }

  /** Stops the connector's own store; the worker's is shared and stays. */
  async close(): Promise<void> {
    await this.#own?.stop();
  }
}

export interface ConnectorOffsetStoreOptions {
  /** The worker's store (its offset.storage.topic, or standalone's file), already started. */
  worker: WorkerOffsetStore;
  /** The connector's offsets.storage.topic, if set. */
  connectorTopic: string | undefined;
  client: ClientSettings;
  /** How the worker creates its offsets topic: a connector's own is created alike. */
  partitions: number;
  replicationFactor: number;
  logger: Logger;
  /** Builds the own topic's clients; default the real ones. */
  clients?: KafkaClients;
}

/**
 * The store for one connector: the worker's alone when the connector names no topic of its own (or
 * names the worker's), else its own topic, created compacted when missing, read to its end.
 */
export async function connectorOffsetStore(
  options: ConnectorOffsetStoreOptions,
): Promise<ConnectorOffsetBackingStore> {
  const topic = options.connectorTopic?.trim();
  if (!topic || topic === options.worker.topic) {
    return new ConnectorOffsetBackingStore({ worker: options.worker, logger: options.logger });
  }
  if (options.worker.topic === undefined) {
    // Validation refuses it in standalone mode; a config stored otherwise fails here, never ignored.
    throw new Error(
      `offsets.storage.topic (${topic}) needs a distributed worker; this one keeps offsets in a file`,
    );
  }
  await ensureInternalTopics(
    options.client,
    [{ name: topic, partitions: options.partitions, replicationFactor: options.replicationFactor }],
    options.logger,
    options.clients,
  );
  const own = new KafkaOffsetBackingStore({
    topic,
    client: options.client,
    logger: options.logger,
    ...(options.clients ? { clients: options.clients } : {}),
  });
  await own.start();
  return new ConnectorOffsetBackingStore({ worker: options.worker, own, logger: options.logger });
}
