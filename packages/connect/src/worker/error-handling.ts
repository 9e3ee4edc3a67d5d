import type { KafkaProducer } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ErrorHandlingConfig } from '../config/error-handling-config.js';
import { maskRecordContent } from '../errors/record-content.js';
import { redactText } from '../logging/redaction.js';
import { transformationClassOf } from '../transforms/transformation-chain.js';
import { javaExceptionClassOf, traceOf } from './task-status.js';

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

export { type ErrorHandlingConfig, errorHandlingConfig } from '../config/error-handling-config.js';

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

  readonly #clock: RetryClock;

  constructor(
    config: ErrorHandlingConfig,
    logger: Logger,
    dlq?: DeadLetterQueueReporter,
    clock: RetryClock = SYSTEM_CLOCK,
  ) {
    this.#config = config;
    this.#logger = logger;
    this.#dlq = dlq;
    this.#clock = clock;
  }

  /**
   * Returns the stage's result, or `undefined` when the record was tolerated and must be skipped.
   * `work` is run again on each retry, so it must be the operation itself, not a rethrow of an
   * earlier failure.
   */
  async execute<T>(
    stage: Stage,
    work: () => T | Promise<T>,
    record?: ConsumedRecordContext,
    isRetriable: (error: unknown) => boolean = isRetriableError,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    const started = this.#clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, value: await work() };
      } catch (error) {
        // Record content a failure quotes reaches only the error reporter's own log line, and only
        // with errors.log.include.messages=true; traces, REST, other logs and DLQ headers see it masked.
        if (!this.#config.logIncludeMessages) maskRecordContent(error);
        const delay = isRetriable(error)
          ? retryDelay(this.#config, attempt, started, this.#clock.now())
          : undefined;
        if (delay !== undefined) {
          this.#logger.debug({ err: error, stage, attempt, delayMs: delay }, 'retriable failure; retrying');
          await this.#clock.sleep(delay);
          continue;
        }
        this.errorsTotal++;
        if (this.#config.tolerance === 'none')
          throw new ToleranceExceededError(stage, maskRecordContent(error));
        this.skippedTotal++;
        if (this.#config.logEnable) {
          this.#logger.error(
            {
              err: error,
              stage,
              class: stageClassName(stage, error),
              ...(record ? recordLogFields(record, this.#config.logIncludeMessages) : {}),
            },
            'error tolerated: record skipped',
          );
        }
        maskRecordContent(error);
        if (record && this.#dlq) await this.#dlq.report(record, stage, error);
        return { ok: false };
      }
    }
  }
}

/**
 * What an error log line tells about the record, as Connect's LogReporter: where it was consumed,
 * and its content (key, value, headers, timestamp) only with errors.log.include.messages=true.
 * Bytes are shown as UTF-8 text, which is what JSON and string records are.
 */
export function recordLogFields(
  record: ConsumedRecordContext,
  includeMessages: boolean,
): Record<string, unknown> {
  const where = { topic: record.topic, partition: record.partition, offset: String(record.offset) };
  if (!includeMessages) return where;
  return {
    ...where,
    timestamp: String(record.timestamp),
    key: record.key?.toString('utf8') ?? null,
    value: record.value?.toString('utf8') ?? null,
    headers: Object.fromEntries([...record.headers].map(([k, v]) => [k, v.toString('utf8')])),
  };
}

/** Time as the operator sees it; tests give one that does not wait. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Connect's RetryWithToleranceOperator waits 300 ms before its first retry, then doubles. */
export const RETRIES_DELAY_MIN_MS = 300;

/**
 * The wait before retry number `attempt` (1 for the first), as Connect's
 * RetryWithToleranceOperator: 300 ms doubled per attempt, at most errors.retry.delay.max.ms and
 * never past errors.retry.timeout from the first try; undefined when no retry is left.
 * errors.retry.timeout 0 never retries, -1 retries without end.
 */
export function retryDelay(
  config: Pick<ErrorHandlingConfig, 'retryTimeoutMs' | 'retryMaxDelayMs'>,
  attempt: number,
  startedAt: number,
  now: number,
): number | undefined {
  const { retryTimeoutMs, retryMaxDelayMs } = config;
  if (retryTimeoutMs === 0) return undefined;
  const infinite = retryTimeoutMs < 0;
  const remaining = infinite ? Number.POSITIVE_INFINITY : startedAt + retryTimeoutMs - now;
  if (remaining <= 0) return undefined;
  const exponential = RETRIES_DELAY_MIN_MS * 2 ** Math.min(attempt - 1, 30);
  return Math.max(0, Math.min(exponential, Math.max(0, retryMaxDelayMs), remaining));
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
      put('class.name', stageClassName(stage, e));
      put('exception.class.name', javaExceptionClassOf(e));
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

function stageClassName(stage: Stage, error: unknown): string {
  switch (stage) {
    case 'TRANSFORMATION':
      return transformationClassOf(error) ?? 'org.apache.kafka.connect.transforms.Transformation';
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
