import type { KafkaProducer, OutgoingMessage } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { SourceTask } from '../api/connector.js';
import type { SourceRecord } from '../api/records.js';
import type { ConnectorOffsetBackingStore } from '../storage/connector-offset-store.js';
import { offsetKey } from '../storage/offset-store.js';
import type { TaskMetrics } from './worker-metrics.js';

/** Tries of the offset flush on stop before its offsets are given up. */
const FINAL_FLUSH_ATTEMPTS = 3;

/**
 * How a source task's converted records and their offsets leave the worker: at least once (a plain
 * idempotent producer, offsets flushed on an interval) or exactly once (transactions holding the
 * records and their offsets, see exactly-once-source.ts). As Apache's AbstractWorkerSourceTask
 * and its two subclasses, the poll loop is the same for both.
 */
export interface SourceRecordDelivery {
  /** Sends one poll's converted records; `records` are all it polled (dropped ones move offsets too). */
  send(messages: OutgoingMessage[], records: SourceRecord[]): Promise<void>;
  /** After each poll, an empty one too (the interval transaction boundary). */
  afterPoll(): Promise<void>;
  /** The task is about to wait while paused: nothing may hang open meanwhile. */
  beforePause(): Promise<void>;
  /** The loop (re)starts, after start or a pause: the interval boundary counts from now. */
  startInterval(): void;
  /** offset.flush.interval.ms passed: writes the offsets of acknowledged records. */
  flush(): Promise<void>;
  /** On stop, after the loop ended: the last commit. */
  finish(): Promise<void>;
  /** After the task failed: nothing unfinished may become visible. */
  abandon(): Promise<void>;
  close(): Promise<void>;
}

export interface SourceDeliveryContext {
  connector: string;
  task: SourceTask;
  offsets: ConnectorOffsetBackingStore;
  metrics: TaskMetrics;
  log: Logger;
}

/**
 * At least once: records go out through the idempotent producer (acks=all); the offsets of
 * acknowledged records are written to the offsets topic every offset.flush.interval.ms and on
 * stop, so a restart resumes after the last flushed record and may send a few again.
 */
export class AtLeastOnceSourceDelivery implements SourceRecordDelivery {
  readonly #c: SourceDeliveryContext;
  readonly #producer: KafkaProducer;
  /** Offsets of records the broker acknowledged but not yet written to the offsets topic. */
  #pending = new Map<string, { partition: Record<string, unknown>; offset: Record<string, unknown> }>();

  constructor(context: SourceDeliveryContext, producer: KafkaProducer) {
    this.#c = context;
    this.#producer = producer;
  }

  async send(messages: OutgoingMessage[], records: SourceRecord[]): Promise<void> {
    if (messages.length > 0) await this.#producer.send({ messages });
    // Only acknowledged records move the offsets forward.
    for (const record of records) {
      this.#pending.set(offsetKey(this.#c.connector, record.sourcePartition), {
        partition: record.sourcePartition,
        offset: record.sourceOffset,
      });
    }
  }

  async afterPoll(): Promise<void> {}
  async beforePause(): Promise<void> {}
  startInterval(): void {}

  /**
   * Writes the offsets of acknowledged records. They leave #pending only once written: an offset
   * dropped before a failed write would make the next run of the task start before rows it
   * already sent, and send them again. An entry that moved on during the write stays pending.
   */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const snapshot = new Map(this.#pending);
    const started = performance.now();
    await this.#c.offsets.set(this.#c.connector, [...snapshot.values()]);
    for (const [key, entry] of snapshot) {
      if (this.#pending.get(key) === entry) this.#pending.delete(key);
    }
    this.#c.metrics.commitLatency.observe((performance.now() - started) / 1000);
    await this.#c.task.commit?.();
  }

  /** Connect commits on stop: the task's next run starts after every acknowledged record. */
  async finish(): Promise<void> {
    for (let attempt = 1; attempt <= FINAL_FLUSH_ATTEMPTS; attempt++) {
      try {
        await this.flush();
        return;
      } catch (error) {
        this.#c.log.warn(
          { err: error, attempt, attempts: FINAL_FLUSH_ATTEMPTS },
          attempt < FINAL_FLUSH_ATTEMPTS
            ? 'final offset flush failed; retrying'
            : 'final offset flush failed; the next run may send these records again',
        );
        if (attempt < FINAL_FLUSH_ATTEMPTS) await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async abandon(): Promise<void> {}

  async close(): Promise<void> {
    await this.#producer.close().catch(() => {});
  }
}
