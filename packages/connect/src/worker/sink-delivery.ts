import type { Message } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ErrantRecordReporter, SinkTask } from '../api/connector.js';
import { type SinkRecord, topicPartitionKey } from '../api/records.js';
import type { TransformationChain } from '../transforms/transformation-chain.js';
import type { RecordConverter } from './converter-contract.js';
import type { ConsumedRecordContext, ErrorHandlingConfig, ToleranceOperator } from './error-handling.js';
import type { SinkOffsetCommit } from './sink-offset-commit.js';
import type { TaskMetrics } from './worker-metrics.js';

type SchemaAndValue = ReturnType<RecordConverter['toConnectData']>;
export type RawMessage = Message<Buffer | undefined, Buffer | undefined, string, Buffer>;

export interface SinkDeliveryOptions {
  task: SinkTask;
  keyConverter: RecordConverter;
  valueConverter: RecordConverter;
  errors: ErrorHandlingConfig;
  /** The connector's single message transforms, applied after conversion and before put(). */
  transformations?: TransformationChain | undefined;
  tolerance: ToleranceOperator;
  metrics: TaskMetrics;
  /** Called once per topic this task consumed a record from (the connector's active topics). */
  onTopicUsed: (topic: string) => void;
  log: Logger;
}

/**
 * Delivery of consumed messages to a sink task, as Apache's WorkerSinkTask.convertMessages and
 * deliverMessages: conversion, transformations and the error tolerance around them, put(), and
 * the errant record reporter. The offsets of what was handled go to the offset commit.
 */
export class SinkDelivery {
  readonly #o: SinkDeliveryOptions;
  readonly #offsets: SinkOffsetCommit;
  #topicsSeen = new Set<string>();
  /** The consumed message behind each record put, for the errant record reporter. */
  #messageOf = new WeakMap<SinkRecord, RawMessage>();
  #errantReporting = false;
  /** Records were put since the last empty put(). */
  #owesIdlePut = false;
  /** Records of the current re-read dropped so far (see #skipDelivered). */
  #reread = 0;

  constructor(options: SinkDeliveryOptions, offsets: SinkOffsetCommit) {
    this.#o = options;
    this.#offsets = offsets;
  }

  /** Records were put since the last empty put(): a task buffering across puts owes a write. */
  get owesIdlePut(): boolean {
    return this.#owesIdlePut;
  }

  /** Nothing more arrived: a task that buffers across puts writes now. */
  async idlePut(): Promise<void> {
    this.#owesIdlePut = false;
    await this.#o.task.put([]);
  }

  /**
   * As in Connect, a task gets a reporter when errors are tolerated or a dead letter queue is set;
   * a reported record goes through the same policy as a conversion error (stage TASK_PUT): with
   * errors.tolerance=none it fails the task, with all it is logged and sent to the DLQ.
   */
  errantRecordReporter(): ErrantRecordReporter | undefined {
    const o = this.#o;
    if (o.errors.tolerance !== 'all' && !o.errors.dlqTopic) return undefined;
    this.#errantReporting = true;
    return {
      report: async (record, error) => {
        const message = this.#messageOf.get(record);
        const context: ConsumedRecordContext = message
          ? consumedContext(message)
          : {
              // A record the task made itself: serialized again with the connector's converters.
              topic: record.topic,
              partition: record.kafkaPartition,
              offset: record.kafkaOffset,
              key: o.keyConverter.fromConnectData(record.topic, record.keySchema, record.key) ?? undefined,
              value:
                o.valueConverter.fromConnectData(record.topic, record.valueSchema, record.value) ?? undefined,
              headers: new Map(),
              timestamp: BigInt(record.timestamp ?? -1),
            };
        await o.tolerance.execute(
          'TASK_PUT',
          () => {
            throw error;
          },
          context,
          () => false,
        );
        o.metrics.recordsSkipped.inc();
      },
    };
  }

  /**
   * Drops messages of partitions no longer assigned, and at offsets already handed to put(). The
   * client's stream goes back to the group's committed offsets whenever the consumer rejoins the
   * group, even when it keeps its partitions (a thawed zombie's consumer coming back makes every
   * member rejoin): without this, what was put since the last commit would be put again, in the
   * same batch as the first copy. A rewind (SinkTaskContext.offset()) and a revoked partition
   * reset the position, so records read again after those pass.
   */
  #skipDelivered(batch: RawMessage[], assigned: ReadonlySet<string>): RawMessage[] {
    const next = new Map<string, bigint>();
    let skipped = 0;
    const fresh = batch.filter((message) => {
      const key = topicPartitionKey(message);
      // A fetch that was under way when the partition was revoked.
      if (!assigned.has(key)) return false;
      const expected = next.get(key) ?? this.#offsets.next(key);
      if (expected !== undefined && message.offset < expected) {
        skipped++;
        return false;
      }
      next.set(key, message.offset + 1n);
      return true;
    });
    // One line per re-read, when it is over, not one per batch.
    this.#reread += skipped;
    if (this.#reread > 0 && fresh.length > 0) {
      this.#o.log.info(
        { skipped: this.#reread },
        'dropped records read again after a rejoin; they were put already',
      );
      this.#reread = 0;
    }
    return fresh;
  }

  /** Converts, transforms and puts the messages of assigned partitions not put yet. */
  async deliver(messages: RawMessage[], assigned: ReadonlySet<string>): Promise<void> {
    const o = this.#o;
    const tolerance = o.tolerance;
    const batch = this.#skipDelivered(messages, assigned);
    const records: SinkRecord[] = [];
    for (const message of batch) {
      // Converters are synchronous and rarely fail: convert directly, and go through the
      // tolerance operator (async: logging, DLQ) only for a record that failed.
      let key: SchemaAndValue | undefined;
      let value: SchemaAndValue | undefined;
      let failedStage: 'KEY_CONVERTER' | 'VALUE_CONVERTER' = 'KEY_CONVERTER';
      let failure: unknown;
      try {
        key = o.keyConverter.toConnectData(message.topic, message.key ?? null);
        failedStage = 'VALUE_CONVERTER';
        value = o.valueConverter.toConnectData(message.topic, message.value ?? null);
      } catch (error) {
        failure = error;
      }
      if (key === undefined || value === undefined) {
        const context = consumedContext(message);
        await tolerance.execute(
          failedStage,
          () => {
            throw failure;
          },
          context,
        );
        o.metrics.recordsSkipped.inc();
        continue;
      }
      let record: SinkRecord | null = {
        topic: message.topic,
        kafkaPartition: message.partition,
        kafkaOffset: message.offset,
        keySchema: key.schema ?? undefined,
        key: key.value,
        valueSchema: value.schema ?? undefined,
        value: value.value,
        timestamp: message.timestamp >= 0n ? Number(message.timestamp) : undefined,
        headers:
          message.headers.size === 0 ? [] : [...message.headers].map(([k, v]) => ({ key: k, value: v })),
        originalTopic: message.topic,
        originalKafkaPartition: message.partition,
        originalKafkaOffset: message.offset,
      };
      const chain = o.transformations;
      if (chain && !chain.isEmpty) {
        const input: SinkRecord = record;
        const transformed = await tolerance.execute(
          'TRANSFORMATION',
          () => chain.apply(input),
          consumedContext(message),
          // A transformation's failure is about the record: trying again gives the same answer.
          () => false,
        );
        if (!transformed.ok) {
          o.metrics.recordsSkipped.inc();
          continue;
        }
        // A transformation dropped it (Filter): handled, its offset counts as delivered.
        if (transformed.value === null) continue;
        record = transformed.value;
      }
      if (this.#errantReporting) this.#messageOf.set(record, message);
      records.push(record);
    }
    if (records.length > 0) {
      const started = performance.now();
      o.log.debug({ records: records.length }, 'put');
      await o.task.put(records);
      this.#owesIdlePut = true;
      o.metrics.putLatency.observe((performance.now() - started) / 1000);
    }
    o.metrics.recordsIn.inc(batch.length);
    // Skipped records count as handled: their offsets may be committed too.
    this.#offsets.handled(batch);
    for (const message of batch) {
      if (!this.#topicsSeen.has(message.topic)) {
        this.#topicsSeen.add(message.topic);
        o.onTopicUsed(message.topic);
      }
    }
  }
}

/** What the error reporters (log, DLQ headers) tell about a consumed record. */
function consumedContext(message: RawMessage): ConsumedRecordContext {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers,
    timestamp: message.timestamp,
  };
}
