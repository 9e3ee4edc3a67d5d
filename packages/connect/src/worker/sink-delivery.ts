import type { Message } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ErrantRecordReporter, SinkTask } from '../api/connector.js';
import { consumedAt, type SinkRecord, type TopicPartition, topicPartitionKey } from '../api/records.js';
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
   * reset the position, so records read again after those pass. `after` is a batch converted
   * but not put yet (the one put() is writing): what follows it is checked against its offsets.
   */
  #skipDelivered(
    batch: RawMessage[],
    assigned: ReadonlySet<string>,
    after: ConvertedBatch | undefined,
  ): { fresh: RawMessage[]; next: Map<string, NextOffset> } {
    const next = new Map<string, NextOffset>();
    let skipped = 0;
    // Messages come in runs of one partition: the key and the expected offset are looked up
    // once per run, not once per message.
    let run: { key: string; topic: string; partition: number; owned: boolean } | undefined;
    let expected: bigint | undefined;
    let advanced = false;
    const endRun = () => {
      if (run && advanced) {
        next.set(run.key, {
          topicPartition: { topic: run.topic, partition: run.partition },
          offset: expected as bigint,
        });
      }
    };
    const fresh: RawMessage[] = [];
    for (const message of batch) {
      if (run === undefined || message.partition !== run.partition || message.topic !== run.topic) {
        endRun();
        const key = topicPartitionKey(message);
        // A fetch that was under way when the partition was revoked.
        run = { key, topic: message.topic, partition: message.partition, owned: assigned.has(key) };
        expected = next.get(key)?.offset ?? after?.next.get(key)?.offset ?? this.#offsets.next(key);
        advanced = false;
      }
      if (!run.owned) continue;
      if (expected !== undefined && message.offset < expected) {
        skipped++;
        continue;
      }
      expected = message.offset + 1n;
      advanced = true;
      fresh.push(message);
    }
    endRun();
    // One line per re-read, when it is over, not one per batch.
    this.#reread += skipped;
    if (this.#reread > 0 && fresh.length > 0) {
      this.#o.log.info(
        { skipped: this.#reread },
        'dropped records read again after a rejoin; they were put already',
      );
      this.#reread = 0;
    }
    return { fresh, next };
  }

  /** Converts and puts the messages of assigned partitions not put yet. */
  async deliver(messages: RawMessage[], assigned: ReadonlySet<string>): Promise<void> {
    await this.put(await this.convert(messages, assigned));
  }

  /**
   * Converts and transforms the messages of assigned partitions not put yet, as Connect's
   * convertMessages; nothing is handed to the task and no offset is recorded until
   * {@link put}. `after` is a batch converted before and not put yet: this one follows it.
   * `yieldEvery` lets I/O run every that many records (see WorkerSinkTask: converting while
   * put() writes), so the write in flight goes on between the slices.
   */
  async convert(
    messages: RawMessage[],
    assigned: ReadonlySet<string>,
    after?: ConvertedBatch,
    yieldEvery = 0,
  ): Promise<ConvertedBatch> {
    const o = this.#o;
    const tolerance = o.tolerance;
    const { fresh: batch, next } = this.#skipDelivered(messages, assigned, after);
    const records: SinkRecord[] = [];
    const chain = o.transformations && !o.transformations.isEmpty ? o.transformations : undefined;
    let sinceYield = 0;
    for (const message of batch) {
      if (yieldEvery > 0 && ++sinceYield >= yieldEvery) {
        sinceYield = 0;
        await yieldToIo();
      }
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
      if (chain) {
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
    return { messages: batch, records, next };
  }

  /**
   * A converted batch without the records of these (revoked) partitions: their new owner reads
   * them again.
   */
  without(batch: ConvertedBatch, keys: ReadonlySet<string>): ConvertedBatch {
    const kept = (m: { topic: string; partition: number }) => !keys.has(topicPartitionKey(m));
    const next = new Map([...batch.next].filter(([key]) => !keys.has(key)));
    return {
      messages: batch.messages.filter(kept),
      records: batch.records.filter((r) => kept(consumedAt(r))),
      next,
    };
  }

  /**
   * Hands a converted batch to put(); once it returned, the batch's offsets (skipped and dropped
   * records included) may be committed. A put() that throws records nothing: the batch is not
   * the task's, and a later batch is never committed past it.
   */
  async put(converted: ConvertedBatch): Promise<void> {
    const o = this.#o;
    const { messages: batch, records } = converted;
    if (records.length > 0) {
      const started = performance.now();
      o.log.debug({ records: records.length }, 'put');
      await o.task.put(records);
      this.#owesIdlePut = true;
      o.metrics.putLatency.observe((performance.now() - started) / 1000);
      // What the metric's help says it counts: records put into the target.
      o.metrics.recordsOut.inc(records.length);
    }
    o.metrics.recordsIn.inc(batch.length);
    // Skipped records count as handled: their offsets may be committed too.
    this.#offsets.handledUpTo(converted.next);
    for (const { topicPartition } of converted.next.values()) {
      if (this.#topicsSeen.has(topicPartition.topic)) continue;
      this.#topicsSeen.add(topicPartition.topic);
      o.onTopicUsed(topicPartition.topic);
    }
  }
}

/**
 * Consumed messages converted for put(): `messages` are those it handles (its records, and
 * those skipped or dropped by a transformation), `next` the offset after the batch per partition.
 */
export interface ConvertedBatch {
  readonly messages: RawMessage[];
  readonly records: SinkRecord[];
  readonly next: ReadonlyMap<string, NextOffset>;
}

type NextOffset = { topicPartition: TopicPartition; offset: bigint };

/** Lets I/O callbacks (the database's answers, fetches) run before going on. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
