import {
  type ClientSettings,
  createProducer,
  createRawProducer,
  type KafkaProducer,
  type RawProducer,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { SourceTask, SourceTaskContext } from '../api/connector.js';
import type { SourceRecord } from '../api/records.js';
import { type KafkaOffsetBackingStore, offsetKey } from '../storage/offset-store.js';
import type { TransformationChain } from '../transforms/transformation-chain.js';
import type { RecordConverter } from './converter-contract.js';
import { type ErrorHandlingConfig, ToleranceOperator } from './error-handling.js';
import { headerBytes } from './header-bytes.js';
import type { StatusReporter } from './task-status.js';
import type { TaskMetrics } from './worker-metrics.js';

/** Tries of the offset flush on stop before its offsets are given up. */
const FINAL_FLUSH_ATTEMPTS = 3;

export interface SourceTaskRunnerOptions {
  connector: string;
  taskId: number;
  task: SourceTask;
  taskConfig: Record<string, string>;
  client: ClientSettings;
  offsets: KafkaOffsetBackingStore;
  keyConverter: RecordConverter;
  valueConverter: RecordConverter;
  errors: ErrorHandlingConfig;
  /** The connector's single message transforms, applied after poll() and before conversion. */
  transformations?: TransformationChain;
  offsetFlushIntervalMs: number;
  /** When set, each poll's records and offsets go to Kafka in one transaction with this id. */
  transactionalId: string | undefined;
  offsetTopic: string;
  logger: Logger;
  report: StatusReporter;
  metrics: TaskMetrics;
  onTopicUsed: (topic: string) => void;
}

interface OutgoingRecord {
  topic: string;
  partition?: number;
  key?: Buffer;
  value?: Buffer;
  timestamp?: bigint;
  headers?: Map<string, Buffer>;
}

/**
 * Runs one source task: poll → convert → produce (acks=all, idempotent) → remember offsets, and
 * write the offsets of acknowledged records to the offsets topic every offset.flush.interval.ms
 * and on stop, so a restart resumes after the last flushed record.
 */
export class WorkerSourceTask {
  readonly #o: SourceTaskRunnerOptions;
  readonly #log: Logger;
  #producer: KafkaProducer | undefined;
  #txProducer: RawProducer | undefined;
  #running = false;
  #paused = false;
  #abort = new AbortController();
  #resume: (() => void) | undefined;
  #done: Promise<void> | undefined;
  /** Offsets of records the broker acknowledged but not yet written to the offsets topic. */
  #pending = new Map<string, { partition: Record<string, unknown>; offset: Record<string, unknown> }>();
  #topicsSeen = new Set<string>();

  constructor(options: SourceTaskRunnerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ connector: options.connector, task: options.taskId });
  }

  async start(initiallyPaused: boolean): Promise<void> {
    const o = this.#o;
    this.#paused = initiallyPaused;
    const clientId = `${o.client.clientId}-${o.connector}-${o.taskId}`;
    if (o.transactionalId) {
      // A new instance with the same transactional id fences an older one (a zombie after a
      // rebalance or a paused process): the old one can no longer commit anything.
      this.#txProducer = createRawProducer({
        ...o.client,
        clientId,
        transactionalId: o.transactionalId,
        autocreateTopics: true,
      });
    } else {
      this.#producer = createProducer({ ...o.client, clientId, autocreateTopics: true });
    }
    await o.offsets.refresh();
    const context: SourceTaskContext = {
      connector: o.connector,
      taskId: o.taskId,
      offsetStorageReader: { offset: (partition) => o.offsets.get(o.connector, partition) },
    };
    await o.task.start(o.taskConfig, context);
    this.#running = true;
    o.report(this.#paused ? 'PAUSED' : 'RUNNING');
    this.#done = this.#loop().catch((error: unknown) => {
      this.#log.error({ err: error }, 'source task failed');
      o.report('FAILED', error);
      this.#running = false;
    });
  }

  async #loop(): Promise<void> {
    const o = this.#o;
    const tolerance = new ToleranceOperator(o.errors, this.#log);
    let lastFlush = Date.now();
    while (this.#running) {
      if (this.#paused) {
        await new Promise<void>((resolve) => {
          this.#resume = resolve;
        });
        continue;
      }
      const records = (await o.task.poll(this.#abort.signal)) ?? [];
      if (!this.#running && records.length === 0) break;
      if (records.length > 0) await this.#send(records, tolerance);
      if (Date.now() - lastFlush >= o.offsetFlushIntervalMs) {
        lastFlush = Date.now();
        // As in Connect, a failed offset commit is retried at the next interval; the offsets
        // stay pending meanwhile.
        await this.#flushOffsets().catch((error: unknown) =>
          this.#log.warn({ err: error }, 'offset flush failed; retrying at the next interval'),
        );
      }
    }
  }

  async #send(records: SourceRecord[], tolerance: ToleranceOperator): Promise<void> {
    const o = this.#o;
    const messages: OutgoingRecord[] = [];
    const chain = o.transformations;
    for (const polled of records) {
      let record: SourceRecord = polled;
      if (chain && !chain.isEmpty) {
        const transformed = await tolerance.execute(
          'TRANSFORMATION',
          () => chain.apply(polled),
          undefined,
          () => false,
        );
        if (!transformed.ok) {
          o.metrics.recordsSkipped.inc();
          continue;
        }
        // Dropped by a transformation: nothing to send, but its offset still moves on below.
        if (transformed.value === null) continue;
        record = transformed.value;
      }
      const key = await tolerance.execute('KEY_CONVERTER', () =>
        o.keyConverter.fromConnectData(record.topic, record.keySchema, record.key ?? null),
      );
      const value = key.ok
        ? await tolerance.execute('VALUE_CONVERTER', () =>
            o.valueConverter.fromConnectData(record.topic, record.valueSchema, record.value ?? null),
          )
        : ({ ok: false } as const);
      const headers =
        key.ok && value.ok && record.headers && record.headers.length > 0
          ? await tolerance.execute('HEADER_CONVERTER', () => {
              const bytes = new Map<string, Buffer>();
              for (const header of record.headers ?? []) bytes.set(header.key, headerBytes(header));
              return bytes;
            })
          : undefined;
      if (!key.ok || !value.ok || (headers && !headers.ok)) {
        o.metrics.recordsSkipped.inc();
        continue;
      }
      messages.push({
        topic: record.topic,
        ...(record.kafkaPartition === undefined ? {} : { partition: record.kafkaPartition }),
        ...(key.value === null ? {} : { key: key.value }),
        ...(value.value === null ? {} : { value: value.value }),
        ...(record.timestamp === undefined ? {} : { timestamp: BigInt(record.timestamp) }),
        ...(headers?.ok ? { headers: headers.value } : {}),
      });
    }
    o.metrics.recordsIn.inc(records.length);
    if (this.#txProducer) {
      await this.#sendTransactionally(this.#txProducer, messages, records);
    } else if (messages.length > 0) {
      await (this.#producer as KafkaProducer).send({ messages });
    }
    o.metrics.recordsOut.inc(messages.length);
    // Only acknowledged records move the offsets forward.
    for (const record of records) {
      if (!this.#txProducer)
        this.#pending.set(offsetKey(o.connector, record.sourcePartition), {
          partition: record.sourcePartition,
          offset: record.sourceOffset,
        });
      if (!this.#topicsSeen.has(record.topic)) {
        this.#topicsSeen.add(record.topic);
        o.onTopicUsed(record.topic);
      }
    }
  }

  /** Records and the offsets they reach, committed together or not at all. */
  async #sendTransactionally(
    producer: RawProducer,
    messages: OutgoingRecord[],
    records: SourceRecord[],
  ): Promise<void> {
    const o = this.#o;
    const latest = new Map<string, { partition: Record<string, unknown>; offset: Record<string, unknown> }>();
    for (const record of records) {
      latest.set(offsetKey(o.connector, record.sourcePartition), {
        partition: record.sourcePartition,
        offset: record.sourceOffset,
      });
    }
    const offsetMessages = [...latest.values()].map(({ partition, offset }) => ({
      topic: o.offsetTopic,
      key: Buffer.from(JSON.stringify([o.connector, partition])),
      value: Buffer.from(JSON.stringify(offset)),
    }));
    const started = performance.now();
    const tx = await producer.beginTransaction();
    try {
      // One send per transaction: the client must not have two produce requests in flight.
      await tx.send({ messages: [...messages, ...offsetMessages] });
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => {});
      throw error;
    }
    o.metrics.commitLatency.observe((performance.now() - started) / 1000);
  }

  /**
   * Writes the offsets of acknowledged records. They leave #pending only once written: an offset
   * dropped before a failed write would make the next run of the task start before rows it
   * already sent, and send them again. An entry that moved on during the write stays pending.
   */
  async #flushOffsets(): Promise<void> {
    // Transactional tasks commit offsets with their records; nothing is ever pending.
    if (this.#txProducer) return;
    if (this.#pending.size === 0) return;
    const snapshot = new Map(this.#pending);
    const started = performance.now();
    await this.#o.offsets.set(this.#o.connector, [...snapshot.values()]);
    for (const [key, entry] of snapshot) {
      if (this.#pending.get(key) === entry) this.#pending.delete(key);
    }
    this.#o.metrics.commitLatency.observe((performance.now() - started) / 1000);
    await this.#o.task.commit?.();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#resume?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#abort.abort();
    this.#resume?.();
    await this.#done;
    // Connect commits on stop: the task's next run starts after every acknowledged record.
    for (let attempt = 1; attempt <= FINAL_FLUSH_ATTEMPTS; attempt++) {
      try {
        await this.#flushOffsets();
        break;
      } catch (error) {
        this.#log.warn(
          { err: error, attempt, attempts: FINAL_FLUSH_ATTEMPTS },
          attempt < FINAL_FLUSH_ATTEMPTS
            ? 'final offset flush failed; retrying'
            : 'final offset flush failed; the next run may send these records again',
        );
        if (attempt < FINAL_FLUSH_ATTEMPTS) await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    try {
      await this.#o.task.stop();
    } catch (error) {
      this.#log.warn({ err: error }, 'task stop failed');
    }
    await this.#producer?.close().catch(() => {});
    await this.#txProducer?.close().catch(() => {});
  }
}
