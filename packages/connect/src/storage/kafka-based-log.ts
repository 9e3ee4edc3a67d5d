import {
  type ClientSettings,
  type KafkaClients,
  type KafkaProducer,
  kafkaClients,
  type RawConsumer,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';

/** One record read back from a log topic. `value` undefined is a tombstone. */
export interface LogRecord {
  partition: number;
  offset: bigint;
  key: Buffer | undefined;
  value: Buffer | undefined;
  timestamp: bigint;
}

export interface KafkaBasedLogOptions {
  topic: string;
  client: ClientSettings;
  logger: Logger;
  onRecord: (record: LogRecord) => void;
  /** How long one fetch may wait at the broker for new data. */
  fetchWaitMs?: number;
  /** Builds the log's consumers and producer; default the real clients. */
  clients?: KafkaClients;
}

/**
 * A topic read from the beginning by every worker, outside any consumer group, like Connect's
 * KafkaBasedLog: each worker sees every record of the config, offset and status topics in order,
 * and `readToEnd()` waits until everything written before the call has been applied.
 */
export class KafkaBasedLog {
  readonly topic: string;
  readonly #options: KafkaBasedLogOptions;
  readonly #log: Logger;
  #consumer: RawConsumer | undefined;
  /**
   * Asks for end offsets on its own connection: a broker answers one request per connection at a
   * time, so on the fetch loop's connection every read-to-end waited behind a long-poll fetch
   * (up to fetchWaitMs). Apache's KafkaBasedLog likewise reads end offsets through an admin client.
   */
  #endsClient: RawConsumer | undefined;
  #producer: KafkaProducer | undefined;
  #positions: bigint[] = [];
  #topicId = '';
  #leaders: number[] = [];
  #running = false;
  #loop: Promise<void> | undefined;
  #waiters: { ends: bigint[]; resolve: () => void }[] = [];
  #lastError: unknown;

  constructor(options: KafkaBasedLogOptions) {
    this.topic = options.topic;
    this.#options = options;
    this.#log = options.logger.child({ log: options.topic });
  }

  async start(): Promise<void> {
    const { client } = this.#options;
    const clients = this.#options.clients ?? kafkaClients;
    // The group id is never joined: reads use plain fetches on every partition.
    this.#consumer = clients.createConsumer({
      ...client,
      groupId: `unused-${client.clientId}`,
      maxWaitTime: 500,
    });
    // The client emits 'error' for failures outside any call (a heartbeat, a rejoin); an unheard
    // 'error' ends the process. Fetch failures reach the loop below, which retries them.
    this.#consumer.on('error', (error: unknown) => {
      this.#lastError = error;
      this.#log.warn({ err: error }, 'log consumer error');
    });
    this.#endsClient = clients.createConsumer({
      ...client,
      clientId: `${client.clientId}-ends`,
      groupId: `unused-${client.clientId}-ends`,
    });
    this.#endsClient.on('error', (error: unknown) => {
      this.#log.warn({ err: error }, 'end offsets client error');
    });
    this.#producer = clients.createProducer({ ...client, clientId: `${client.clientId}-producer` });
    await this.#refreshMetadata();
    this.#positions = this.#leaders.map(() => 0n);
    this.#running = true;
    this.#loop = this.#fetchLoop();
    await this.readToEnd();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop?.catch(() => {});
    const consumer = this.#consumer;
    if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    const ends = this.#endsClient;
    if (ends) await new Promise<void>((resolve) => ends.close(true, () => resolve()));
    await this.#producer?.close().catch(() => {});
  }

  /** Resolves once every record that was in the topic when called has been passed to onRecord. */
  async readToEnd(timeoutMs = 30_000): Promise<void> {
    this.#requireConsumer();
    const ends = this.#endsClient;
    if (!ends) throw new Error(`${this.topic} log is not started`);
    const latest = await ends.listOffsets({ topics: [this.topic] });
    const end = latest.get(this.topic) ?? [];
    if (this.#reached(end)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { ends: end, resolve };
      this.#waiters.push(waiter);
      setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i < 0) return;
        this.#waiters.splice(i, 1);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms reading ${this.topic} to its end${this.#lastError ? `: ${String(this.#lastError)}` : ''}`,
          ),
        );
      }, timeoutMs).unref();
    });
  }

  /** Appends a record; resolves when the broker acknowledged it on all in-sync replicas. */
  async send(key: string | Buffer, value: string | Buffer | null, partition?: number): Promise<void> {
    const producer = this.#producer;
    if (!producer) throw new Error(`${this.topic} log is not started`);
    await producer.send({
      messages: [
        {
          topic: this.topic,
          key: typeof key === 'string' ? Buffer.from(key) : key,
          ...(value === null ? {} : { value: typeof value === 'string' ? Buffer.from(value) : value }),
          ...(partition === undefined ? {} : { partition }),
        },
      ],
    });
  }

  get partitionCount(): number {
    return this.#leaders.length;
  }

  #reached(ends: bigint[]): boolean {
    return ends.every((end, p) => (this.#positions[p] ?? 0n) >= end);
  }

  #requireConsumer(): RawConsumer {
    if (!this.#consumer) throw new Error(`${this.topic} log is not started`);
    return this.#consumer;
  }

  async #refreshMetadata(): Promise<void> {
    const metadata = await this.#requireConsumer().metadata({ topics: [this.topic], forceUpdate: true });
    const topic = metadata.topics.get(this.topic);
    if (!topic) throw new Error(`Topic ${this.topic} does not exist`);
    this.#topicId = topic.id;
    this.#leaders = topic.partitions.map((p) => p.leader);
  }

  async #fetchLoop(): Promise<void> {
    const consumer = this.#requireConsumer();
    const wait = this.#options.fetchWaitMs ?? 500;
    while (this.#running) {
      try {
        const byLeader = new Map<number, number[]>();
        this.#leaders.forEach((leader, p) => {
          byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
        });
        await Promise.all(
          [...byLeader].map(async ([node, partitions]) => {
            const response = await consumer.fetch({
              node,
              maxWaitTime: wait,
              topics: [
                {
                  topicId: this.#topicId,
                  partitions: partitions.map((partition) => ({
                    partition,
                    fetchOffset: this.#positions[partition] ?? 0n,
                    partitionMaxBytes: 4 * 1024 * 1024,
                    currentLeaderEpoch: -1,
                    lastFetchedEpoch: -1,
                  })),
                },
              ],
            });
            for (const topic of response.responses) {
              for (const part of topic.partitions) this.#apply(part.partitionIndex, part);
            }
          }),
        );
        this.#lastError = undefined;
        this.#wakeWaiters();
      } catch (error) {
        if (!this.#running) return;
        this.#lastError = error;
        this.#log.warn({ err: error }, 'reading the log failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        await this.#refreshMetadata().catch(() => {});
      }
    }
  }

  #apply(
    partition: number,
    part: {
      errorCode: number;
      logStartOffset: bigint;
      records?: {
        firstOffset: bigint;
        firstTimestamp: bigint;
        lastOffsetDelta: number;
        attributes: number;
        records: { offsetDelta: number; timestampDelta: bigint; key: Buffer | null; value: Buffer | null }[];
      }[];
    },
  ): void {
    if (part.errorCode === 1) {
      // OFFSET_OUT_OF_RANGE: compaction or retention removed what we asked for; start where the log starts.
      this.#positions[partition] = part.logStartOffset;
      return;
    }
    if (part.errorCode !== 0)
      throw new Error(`Fetch of ${this.topic}-${partition} failed with error code ${part.errorCode}`);
    let position = this.#positions[partition] ?? 0n;
    for (const batch of part.records ?? []) {
      const isControl = (batch.attributes & 0x20) !== 0;
      if (!isControl) {
        for (const record of batch.records) {
          const offset = batch.firstOffset + BigInt(record.offsetDelta);
          if (offset < position) continue;
          this.#options.onRecord({
            partition,
            offset,
            key: record.key ?? undefined,
            value: record.value ?? undefined,
            timestamp: batch.firstTimestamp + record.timestampDelta,
          });
        }
      }
      const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      if (next > position) position = next;
    }
    this.#positions[partition] = position;
  }

  #wakeWaiters(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!this.#reached(w.ends)) return true;
      w.resolve();
      return false;
    });
  }
}
