import type { Logger } from 'pino';
import type { SinkRecord } from '../../../api/records.js';
import { Struct } from '../../../data/index.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';

/** What the sink does with a record: write its row, delete the row of its key, or leave it. */
export type RecordAction = 'write' | 'delete' | 'drop';

/** At most this many WARN lines per window; the rest are counted and summed up in one line. */
const WARN_BURST = 20;
const WARN_WINDOW_MS = 10_000;

/**
 * Decides whether a record deletes: a tombstone (null value) when delete.enabled, or a value whose
 * delete marker field (`__deleted: "true"`, `op: "d"`...) holds a marker value. A delete the sink
 * cannot carry out is dropped with a WARN line naming the record and the reason, never silently.
 */
export class DeleteDecider {
  readonly #config: Pick<
    JdbcSinkConfig,
    'deleteEnabled' | 'pkMode' | 'deleteMarkerFields' | 'deleteMarkerValues'
  >;
  readonly #log: Logger;
  readonly #markerValues: ReadonlySet<string>;
  #windowStart = 0;
  #warnedInWindow = 0;
  #suppressed = 0;
  /** Deletes dropped so far (tombstones and markers). */
  dropped = 0;

  constructor(
    config: Pick<JdbcSinkConfig, 'deleteEnabled' | 'pkMode' | 'deleteMarkerFields' | 'deleteMarkerValues'>,
    log: Logger,
  ) {
    this.#config = config;
    this.#log = log;
    this.#markerValues = new Set(config.deleteMarkerValues);
  }

  decide(record: SinkRecord): RecordAction {
    const value = record.value;
    if (value === null || value === undefined) {
      if (!this.#config.deleteEnabled) return this.#drop(record, 'tombstone', 'delete.enabled is false');
      if (this.#config.pkMode !== 'record_key')
        return this.#drop(
          record,
          'tombstone',
          `pk.mode is ${this.#config.pkMode}, a tombstone has no key fields to delete by`,
        );
      return 'delete';
    }
    if (this.#config.deleteMarkerFields.length === 0 || !this.#isMarked(value)) return 'write';
    const pkMode = this.#config.pkMode;
    if (pkMode !== 'record_key' && pkMode !== 'record_value')
      return this.#drop(record, 'delete marker', `pk.mode is ${pkMode}, which cannot name the row to delete`);
    return 'delete';
  }

  #isMarked(value: unknown): boolean {
    for (const name of this.#config.deleteMarkerFields) {
      let marker: unknown;
      if (value instanceof Struct) marker = value.schema.field(name) ? value.get(name) : undefined;
      // Schemaless JSON objects arrive as Maps (the JsonConverter's reading) or plain objects.
      else if (value instanceof Map) marker = value.get(name);
      else if (typeof value === 'object') marker = (value as Record<string, unknown>)[name];
      if (marker !== null && marker !== undefined && this.#markerValues.has(String(marker).toLowerCase()))
        return true;
    }
    return false;
  }

  #drop(record: SinkRecord, kind: string, reason: string): 'drop' {
    this.dropped++;
    const now = Date.now();
    if (now - this.#windowStart >= WARN_WINDOW_MS) {
      if (this.#suppressed > 0)
        this.#log.warn(
          { dropped: this.#suppressed },
          'more deletes dropped without a log line each (rate limit)',
        );
      this.#windowStart = now;
      this.#warnedInWindow = 0;
      this.#suppressed = 0;
    }
    if (this.#warnedInWindow < WARN_BURST) {
      this.#warnedInWindow++;
      this.#log.warn(
        { topic: record.topic, partition: record.kafkaPartition, offset: String(record.kafkaOffset), reason },
        `${kind} record dropped: ${reason}`,
      );
    } else this.#suppressed++;
    return 'drop';
  }
}
