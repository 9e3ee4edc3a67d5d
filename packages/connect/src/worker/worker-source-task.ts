import type { Admin, ClientSettings, KafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { SourceTask, SourceTaskContext } from '../api/connector.js';
import type { SourceRecord } from '../api/records.js';
import type { TopicCreationGroup } from '../config/topic-creation-config.js';
import type { ConnectorOffsetBackingStore } from '../storage/connector-offset-store.js';
import type { TransformationChain } from '../transforms/transformation-chain.js';
import type { RecordConverter } from './converter-contract.js';
import { type ErrorHandlingConfig, ToleranceOperator } from './error-handling.js';
import { ExactlyOnceSourceDelivery } from './exactly-once-source.js';
import { headerBytes } from './header-bytes.js';
import {
  AtLeastOnceSourceDelivery,
  type SourceRecordDelivery,
  TopicMessageSizeLimits,
} from './source-record-delivery.js';
import type { StatusReporter } from './task-status.js';
import { TopicCreator } from './topic-creation.js';
import type { TaskMetrics } from './worker-metrics.js';
import { WorkerTask } from './worker-task.js';

export interface SourceTaskRunnerOptions {
  connector: string;
  taskId: number;
  task: SourceTask;
  taskConfig: Record<string, string>;
  client: ClientSettings;
  offsets: ConnectorOffsetBackingStore;
  keyConverter: RecordConverter;
  valueConverter: RecordConverter;
  errors: ErrorHandlingConfig;
  /** The connector's single message transforms, applied after poll() and before conversion. */
  transformations?: TransformationChain;
  offsetFlushIntervalMs: number;
  /** When set, records and their offsets go to Kafka in transactions with this id. */
  transactionalId: string | undefined;
  /**
   * With a transactional id: `poll` commits each poll's records with their offsets in one
   * transaction; `interval` keeps one transaction open over several polls and commits it once
   * `transactionIntervalMs` has passed (and on pause and stop). Default `poll`.
   */
  transactionBoundary?: 'poll' | 'interval';
  transactionIntervalMs?: number;
  /** Clock of the interval boundary (tests). */
  now?: () => number;
  /** Builds the task's producer and admin client. */
  clients: KafkaClients;
  logger: Logger;
  report: StatusReporter;
  metrics: TaskMetrics;
  onTopicUsed: (topic: string) => void;
  /** `producer.override.*` / `admin.override.*` as client options (config/client-overrides.ts). */
  producerOverrides?: Record<string, unknown>;
  adminOverrides?: Record<string, unknown>;
  /** The connector's topic.creation groups, default last; empty: topics are not created. */
  topicCreation?: readonly TopicCreationGroup[];
  /** With a transactional id: the fencing round the producer waits for (distributed mode). */
  fencingGate?: FencingGate;
  /** Aborts a start still waiting at the gate (the task was stopped). */
  startSignal?: AbortSignal;
}

/**
 * Apache's pre- and postflight checks of an exactly-once source task, which the distributed
 * herder provides: a task of a new task generation starts its producer only after the leader
 * fenced every task of the previous one.
 */
export interface FencingGate {
  /** Whether the connector's latest task generation still awaits its round. */
  pending(): boolean;
  /** Waits for the round of the latest generation; returns that generation. */
  ready(signal: AbortSignal): Promise<number>;
  /** After the producer started: whether `generation` is still the latest (read to the end). */
  current(generation: number): Promise<boolean>;
}

interface OutgoingRecord {
  topic: string;
  partition?: number;
  key?: Buffer;
  value?: Buffer;
  timestamp?: bigint;
  headers?: Map<string, Buffer>;
}

const CONVERTED_NULL = { ok: true, value: null } as const;

/**
 * One conversion under the tolerance operator, without its awaits for the usual case: a
 * converter that returns is answered synchronously; one that throws goes to the operator, which
 * runs it again (retries, tolerance, logging) as it would have from the start.
 */
function convert(
  tolerance: ToleranceOperator,
  stage: 'KEY_CONVERTER' | 'VALUE_CONVERTER',
  work: () => Buffer | null,
):
  | { ok: true; value: Buffer | null }
  | { ok: false }
  | Promise<{ ok: true; value: Buffer | null } | { ok: false }> {
  let value: Buffer | null;
  try {
    value = work();
  } catch {
    return tolerance.execute(stage, work);
  }
  return value === null ? CONVERTED_NULL : { ok: true, value };
}

/**
 * Runs one source task: poll → transform → convert → hand to its delivery: at least once (an
 * idempotent producer, offsets flushed every offset.flush.interval.ms and on stop, so a restart
 * resumes after the last flushed record) or exactly once (exactly-once-source.ts).
 */
export class WorkerSourceTask extends WorkerTask {
  protected readonly kind = 'source';
  readonly #o: SourceTaskRunnerOptions;
  #delivery: SourceRecordDelivery | undefined;
  #abort = new AbortController();
  #resume: (() => void) | undefined;
  #topicsSeen = new Set<string>();
  #admin: Admin | undefined;
  #topicCreator: TopicCreator | undefined;

  constructor(options: SourceTaskRunnerOptions) {
    super(options);
    this.#o = options;
  }

  protected async initialize(): Promise<void> {
    const o = this.#o;
    const clientId = `${o.client.clientId}-${o.connector}-${o.taskId}`;
    const context = {
      connector: o.connector,
      task: o.task,
      offsets: o.offsets,
      metrics: o.metrics,
      log: this.log,
      sizeLimits: new TopicMessageSizeLimits(() => this.#adminClient(), this.log),
    };
    if (o.transactionalId) {
      const boundary = o.transactionBoundary ?? 'poll';
      const intervalMs = o.transactionIntervalMs ?? o.offsetFlushIntervalMs;
      const gate = o.fencingGate;
      const signal = o.startSignal ?? new AbortController().signal;
      for (;;) {
        // Apache's preflight check: the round of the task's generation has fenced the previous one.
        const generation = await gate?.ready(signal);
        // A new instance with the same transactional id fences an older one (a zombie after a
        // rebalance or a paused process): the old one can no longer commit anything.
        const producer = o.clients.createRawProducer({
          ...o.client,
          clientId,
          transactionalId: o.transactionalId,
          ...o.producerOverrides,
          ...(boundary === 'interval'
            ? {
                // The client asks the broker for its request timeout as the transaction timeout: a
                // transaction open for the whole interval must not be aborted by the broker first.
                requestTimeoutMs: Math.max(
                  Number(o.producerOverrides?.requestTimeoutMs ?? o.client.requestTimeoutMs ?? 30_000),
                  intervalMs + 60_000,
                ),
              }
            : {}),
          autocreateTopics: true,
        });
        const delivery = new ExactlyOnceSourceDelivery(context, producer, {
          boundary,
          intervalMs,
          now: o.now ?? Date.now,
        });
        this.#delivery = delivery;
        // Before the offsets are read (below): fences the task's previous instance and waits for
        // its last commit to be readable, as Apache does; see ExactlyOnceSourceDelivery.initialize.
        await delivery.initialize();
        if (!gate || generation === undefined || (await gate.current(generation))) break;
        // Apache's postflight check failed: a newer task set was committed while the producer
        // started, and its round may fence this producer (a client asks for its producer id only
        // once). The task waits for that round and starts a new producer.
        this.log.info(
          'a new task generation was committed while the producer started: waiting for its round',
        );
        await delivery.close();
      }
    } else {
      const producer = o.clients.createProducer({
        ...o.client,
        clientId,
        autocreateTopics: true,
        ...o.producerOverrides,
      });
      this.#delivery = new AtLeastOnceSourceDelivery(context, producer);
    }
    if (o.topicCreation && o.topicCreation.length > 0) {
      this.#topicCreator = new TopicCreator(this.#adminClient(), o.topicCreation, this.log);
    }
    await o.offsets.refresh();
    const taskContext: SourceTaskContext = {
      connector: o.connector,
      taskId: o.taskId,
      offsetStorageReader: { offset: (partition) => o.offsets.get(o.connector, partition) },
    };
    await o.task.start(o.taskConfig, taskContext);
  }

  /** The task's admin client (topic creation, the topics' message size limits), made on first use. */
  #adminClient(): Admin {
    if (!this.#admin) {
      const o = this.#o;
      const admin = o.clients.createAdmin({
        ...o.client,
        clientId: `${o.client.clientId}-${o.connector}-${o.taskId}-admin`,
        ...o.adminOverrides,
      });
      admin.on('error', (error: unknown) => this.log.warn({ err: error }, 'admin client error'));
      this.#admin = admin;
    }
    return this.#admin;
  }

  get #deliveryOf(): SourceRecordDelivery {
    if (!this.#delivery) throw new Error('source task not started');
    return this.#delivery;
  }

  protected async execute(): Promise<void> {
    const o = this.#o;
    const delivery = this.#deliveryOf;
    const tolerance = new ToleranceOperator(o.errors, this.log);
    let lastFlush = Date.now();
    // A failure of the delivery's work in flight (a commit) ends the poll under way: the task
    // fails at once rather than after the connector's next records.
    const signal = delivery.failed
      ? AbortSignal.any([this.#abort.signal, delivery.failed])
      : this.#abort.signal;
    delivery.startInterval();
    while (this.running) {
      if (this.paused) {
        await delivery.beforePause();
        await new Promise<void>((resolve) => {
          this.#resume = resolve;
        });
        delivery.startInterval();
        continue;
      }
      const records = (await o.task.poll(signal)) ?? [];
      if (!this.running && records.length === 0) break;
      if (records.length > 0) await this.#send(records, tolerance);
      await delivery.afterPoll();
      if (Date.now() - lastFlush >= o.offsetFlushIntervalMs) {
        lastFlush = Date.now();
        // As in Connect, a failed offset commit is retried at the next interval; the offsets
        // stay pending meanwhile.
        await delivery
          .flush()
          .catch((error: unknown) =>
            this.log.warn({ err: error }, 'offset flush failed; retrying at the next interval'),
          );
      }
    }
    // The last records handed off are acknowledged (or their failure fails the task) before the
    // loop ends and the task makes its last commit.
    await delivery.drain();
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
      const key = convert(tolerance, 'KEY_CONVERTER', () =>
        o.keyConverter.fromConnectData(record.topic, record.keySchema, record.key ?? null),
      );
      const keyResult = key instanceof Promise ? await key : key;
      if (!keyResult.ok) {
        o.metrics.recordsSkipped.inc();
        continue;
      }
      const value = convert(tolerance, 'VALUE_CONVERTER', () =>
        o.valueConverter.fromConnectData(record.topic, record.valueSchema, record.value ?? null),
      );
      const valueResult = value instanceof Promise ? await value : value;
      if (!valueResult.ok) {
        o.metrics.recordsSkipped.inc();
        continue;
      }
      let headers: Map<string, Buffer> | undefined;
      if (record.headers && record.headers.length > 0) {
        const converted = await tolerance.execute('HEADER_CONVERTER', () => {
          const bytes = new Map<string, Buffer>();
          for (const header of record.headers ?? []) bytes.set(header.key, headerBytes(header));
          return bytes;
        });
        if (!converted.ok) {
          o.metrics.recordsSkipped.inc();
          continue;
        }
        headers = converted.value;
      }
      const message: OutgoingRecord = { topic: record.topic };
      if (record.kafkaPartition !== undefined) message.partition = record.kafkaPartition;
      if (keyResult.value !== null) message.key = keyResult.value;
      if (valueResult.value !== null) message.value = valueResult.value;
      if (record.timestamp !== undefined) message.timestamp = BigInt(record.timestamp);
      if (headers) message.headers = headers;
      messages.push(message);
    }
    o.metrics.recordsIn.inc(records.length);
    // Connect's maybeCreateTopic, before the first record to each topic is sent.
    await this.#topicCreator?.ensure(messages.map((m) => m.topic));
    await this.#deliveryOf.send(messages, records);
    o.metrics.recordsOut.inc(messages.length);
    for (const record of records) {
      if (!this.#topicsSeen.has(record.topic)) {
        this.#topicsSeen.add(record.topic);
        o.onTopicUsed(record.topic);
      }
    }
  }

  protected async releaseAfterFailure(): Promise<void> {
    await this.#delivery?.abandon();
  }

  protected onPause(): void {}

  protected onResume(): void {
    this.#resume?.();
  }

  protected async finish(): Promise<void> {
    this.#abort.abort();
    this.#resume?.();
    await this.done;
    await this.#delivery?.finish();
  }

  protected async close(): Promise<void> {
    await this.#delivery?.close();
    await this.#admin?.close().catch(() => {});
  }
}
