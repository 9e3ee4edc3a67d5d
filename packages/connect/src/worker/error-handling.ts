import type { KafkaProducer } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { redactText } from '../logging/redaction.js';
import { traceOf } from './task-status.js';

/** Where in a record's trip through the worker a failure happened, named as Connect names them. */
export type Stage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'TASK_PUT'
  | 'TASK_POLL'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

export interface ErrorHandlingConfig {
  tolerance: 'none' | 'all';
  retryTimeoutMs: number;
  retryMaxDelayMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  dlqTopic: string;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

export function errorHandlingConfig(config: Record<string, string>): ErrorHandlingConfig {
  return {
    tolerance: config['errors.tolerance'] === 'all' ? 'all' : 'none',
    retryTimeoutMs: Number(config['errors.retry.timeout'] ?? 0),
    retryMaxDelayMs: Number(config['errors.retry.delay.max.ms'] ?? 60_000),
    logEnable: config['errors.log.enable'] === 'true',
    logIncludeMessages: config['errors.log.include.messages'] === 'true',
    dlqTopic: (config['errors.deadletterqueue.topic.name'] ?? '').trim(),
    dlqReplicationFactor: Number(config['errors.deadletterqueue.topic.replication.factor'] ?? 3),
    dlqContextHeaders: config['errors.deadletterqueue.context.headers.enable'] === 'true',
  };
}

/** A failure the task cannot skip: the task goes FAILED with this as its trace. */
export class ToleranceExceededError extends Error {
  constructor(stage: Stage, cause: unknown) {
    super(`Tolerance exceeded in error handler (stage ${stage})`, { cause });
    this.name = 'ConnectException';
  }
}

/** The original record as read from Kafka, for the dead letter queue and error logs. */
export interface ConsumedRecordContext {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | undefined;
  value: Buffer | undefined;
  headers: Map<string, Buffer>;
  timestamp: bigint;
}

/**
 * Runs each stage of a record's processing under one policy (Connect's
 * RetryWithToleranceOperator): retriable failures are retried with backoff up to
 * errors.retry.timeout; then with tolerance `none` the task fails, with `all` the record is
 * skipped, logged and (for sinks) sent to the dead letter queue.
 */
export class ToleranceOperator {
  readonly #config: ErrorHandlingConfig;
  readonly #logger: Logger;
  readonly #dlq: DeadLetterQueueReporter | undefined;
  errorsTotal = 0;
  skippedTotal = 0;

  constructor(config: ErrorHandlingConfig, logger: Logger, dlq?: DeadLetterQueueReporter) {
    this.#config = config;
    this.#logger = logger;
    this.#dlq = dlq;
  }

  /** Returns the stage's result, or `undefined` when the record was tolerated and must be skipped. */
  async execute<T>(
    stage: Stage,
    work: () => T | Promise<T>,
    record?: ConsumedRecordContext,
    isRetriable: (error: unknown) => boolean = isRetriableError,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    const deadline = Date.now() + this.#config.retryTimeoutMs;
    let delay = 300;
    for (;;) {
      try {
        return { ok: true, value: await work() };
      } catch (error) {
        if (isRetriable(error) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
          delay = Math.min(delay * 2, this.#config.retryMaxDelayMs);
          continue;
        }
        this.errorsTotal++;
        if (this.#config.tolerance === 'none') throw new ToleranceExceededError(stage, error);
        this.skippedTotal++;
        if (this.#config.logEnable) {
          this.#logger.error(
            {
              err: error,
              stage,
              ...(record
                ? {
                    topic: record.topic,
                    partition: record.partition,
                    offset: String(record.offset),
                    ...(this.#config.logIncludeMessages ? { value: record.value?.toString('utf8') } : {}),
                  }
                : {}),
            },
            'error tolerated: record skipped',
          );
        }
        if (record && this.#dlq) await this.#dlq.report(record, stage, error);
        return { ok: false };
      }
    }
  }
}

export function isRetriableError(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && (error as { retriable?: unknown }).retriable === true);
}

/** Sends records a sink could not handle to errors.deadletterqueue.topic.name, with Connect's context headers. */
export class DeadLetterQueueReporter {
  readonly #producer: KafkaProducer;
  readonly #config: ErrorHandlingConfig;
  readonly #connector: string;
  readonly #taskId: number;

  constructor(producer: KafkaProducer, config: ErrorHandlingConfig, connector: string, taskId: number) {
    this.#producer = producer;
    this.#config = config;
    this.#connector = connector;
    this.#taskId = taskId;
  }

  async report(record: ConsumedRecordContext, stage: Stage, error: unknown): Promise<void> {
    const headers = new Map(record.headers);
    if (this.#config.dlqContextHeaders) {
      // The exception the stage threw, as Connect's context.error(); its causes are in the stack trace.
      const e = error instanceof Error ? error : new Error(String(error));
      const put = (k: string, v: string) => headers.set(`__connect.errors.${k}`, Buffer.from(v));
      put('topic', record.topic);
      put('partition', String(record.partition));
      put('offset', String(record.offset));
      put('connector.name', this.#connector);
      put('task.id', String(this.#taskId));
      put('stage', stage);
      put('class.name', stageClassName(stage));
      put('exception.class.name', e.name);
      // Driver messages can quote a connection string: no known secret goes into a header.
      put('exception.message', redactText(e.message));
      put('exception.stacktrace', redactText(traceOf(e)));
      // A connector's own context (the JDBC sink: table and SQL state of the failed write).
      const extra = (error as { contextHeaders?: unknown } | null)?.contextHeaders;
      if (extra && typeof extra === 'object') {
        for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') put(k, redactText(v));
      }
    }
    await this.#producer.send({
      messages: [
        {
          topic: this.#config.dlqTopic,
          ...(record.key === undefined ? {} : { key: record.key }),
          ...(record.value === undefined ? {} : { value: record.value }),
          headers,
        },
      ],
    });
  }
}

function stageClassName(stage: Stage): string {
  switch (stage) {
    case 'KEY_CONVERTER':
    case 'VALUE_CONVERTER':
      return 'org.apache.kafka.connect.storage.Converter';
    case 'HEADER_CONVERTER':
      return 'org.apache.kafka.connect.storage.HeaderConverter';
    case 'TASK_PUT':
      return 'org.apache.kafka.connect.sink.SinkTask';
    default:
      return 'org.apache.kafka.connect.runtime.WorkerTask';
  }
}
