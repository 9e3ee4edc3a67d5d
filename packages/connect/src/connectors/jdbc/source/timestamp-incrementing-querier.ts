import { addMillis, formatWallText, parseWallText, type Row, type SqlClient } from '@msa-sync/sql';
import type { SourceRecord } from '../../../api/records.js';
import { LookBack } from './look-back.js';
import type { CursorPosition } from './sent-window.js';
import { incrementingNumber, offsetOf, positionOf } from './source-offsets.js';
import { CURSOR_TS_ALIAS, timestampIncrementingPage } from './source-queries.js';
import { JdbcSourceError, type QuerierOptions, TableQuerier } from './table-querier.js';

/**
 * mode=timestamp+incrementing: new and changed rows in (timestamp, id) order, below the database
 * clock minus timestamp.delay.interval.ms. The cursor is the (timestamp, id) pair of the last row
 * sent, compared as a tuple, so rows sharing one timestamp split across pages are all read; the
 * look-back sends rows committed after the cursor passed their position. The offset is
 * Confluent's: `{"timestamp_nanos", "incrementing", "timestamp"}` of the last row in order.
 */
export class TimestampIncrementingQuerier extends TableQuerier {
  #incrementing = '';
  #cursor: CursorPosition | undefined;
  #upper = '';
  #late: Row[] = [];
  readonly #lookBack: LookBack;
  readonly #initial: number | undefined;

  constructor(options: QuerierOptions) {
    super(options);
    const stored = positionOf(options.storedOffset);
    const zone = options.settings.timeZone;
    if (stored.timestamp) {
      this.#cursor = {
        ts: formatWallText(stored.timestamp, zone, options.dialect.cursorFractionDigits),
        ...(stored.incrementing === undefined ? {} : { id: stored.incrementing }),
      };
    }
    this.#initial = options.settings.timestampInitial;
    this.#lookBack = new LookBack({ ...options, floor: this.#cursor });
  }

  protected async beginScan(client: SqlClient): Promise<void> {
    this.#incrementing = this.incrementingColumnName();
    this.resolveTimestampColumns();
    this.#lookBack.setKey([this.#incrementing], this.#incrementing);
    const zone = this.settings.timeZone;
    const now = await this.dialect.databaseNow(client, zone);
    this.#upper = formatWallText(
      addMillis(now, -this.settings.timestampDelayMs),
      zone,
      this.dialect.cursorFractionDigits,
    );
    if (!this.#cursor && this.#initial !== undefined) {
      const start =
        this.#initial === -1
          ? now
          : { millis: this.#initial, nanos: (((this.#initial % 1000) + 1000) % 1000) * 1e6 };
      this.#cursor = { ts: formatWallText(start, zone, this.dialect.cursorFractionDigits) };
    }
    this.#late = this.#cursor ? await this.#lookBack.findLate(client, this.shape, this.#cursor) : [];
  }

  protected async page(client: SqlClient): Promise<{ records: SourceRecord[]; done: boolean }> {
    const limit = this.settings.batchMaxRows;
    if (this.#late.length > 0) {
      // Late rows first; the offset stays where the cursor is.
      const rows = this.#late.splice(0, limit);
      const offset = this.#cursor ? this.#offset(this.#cursor) : null;
      return { records: rows.map((row) => this.#send(row, offset)), done: false };
    }
    const statement = timestampIncrementingPage(
      this.shape,
      this.#incrementing,
      this.#upper,
      this.#cursor,
      limit,
    );
    const rows = await this.run(client, statement);
    const records = rows.map((row) => {
      const id = row[this.#incrementing];
      if (id === null || id === undefined) {
        throw new JdbcSourceError(
          `Null value for incrementing column '${this.#incrementing}' in ${this.description}`,
        );
      }
      this.#cursor = { ts: String(row[CURSOR_TS_ALIAS]), id };
      return this.#send(row, this.#offset(this.#cursor));
    });
    return { records, done: rows.length < limit };
  }

  protected override endScan(): void {
    if (this.#cursor) this.#lookBack.prune(this.#cursor);
  }

  #send(row: Row, offset: Record<string, unknown> | null): SourceRecord {
    this.#lookBack.remember(row);
    return this.record(row, offset);
  }

  #offset(cursor: CursorPosition): Record<string, unknown> {
    return offsetOf({
      timestamp: parseWallText(cursor.ts, this.settings.timeZone),
      incrementing: cursor.id === undefined ? undefined : incrementingNumber(cursor.id),
    });
  }
}
