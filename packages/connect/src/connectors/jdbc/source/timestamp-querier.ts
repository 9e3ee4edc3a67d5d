import { addMillis, formatWallText, parseWallText, type Row, type SqlClient } from '@msa-sync/sql';
import type { SourceRecord } from '../../../api/records.js';
import { LookBack } from './look-back.js';
import { offsetOf, positionOf } from './source-offsets.js';
import { CURSOR_TS_ALIAS, timestampGroup, timestampPage } from './source-queries.js';
import { type QuerierOptions, TableQuerier } from './table-querier.js';

/**
 * mode=timestamp: new and changed rows in timestamp order, below the database clock minus
 * timestamp.delay.interval.ms. A page never ends inside a group of rows sharing one timestamp
 * (one row more is read to see where the group ends; a group larger than a page is read whole),
 * so the offset `{"timestamp_nanos", "timestamp"}` always marks a group sent completely: a
 * restart neither repeats nor skips rows. The look-back, keyed by the primary key, sends rows
 * committed after the cursor passed their timestamp.
 */
export class TimestampQuerier extends TableQuerier {
  #cursor: string | undefined;
  #upper = '';
  #late: Row[] = [];
  readonly #lookBack: LookBack;
  readonly #initial: number | undefined;

  constructor(options: QuerierOptions) {
    super(options);
    const stored = positionOf(options.storedOffset).timestamp;
    if (stored)
      this.#cursor = formatWallText(stored, options.settings.timeZone, options.dialect.cursorFractionDigits);
    this.#initial = options.settings.timestampInitial;
    this.#lookBack = new LookBack({
      ...options,
      floor: this.#cursor === undefined ? undefined : { ts: this.#cursor },
    });
  }

  protected async beginScan(client: SqlClient): Promise<void> {
    this.resolveTimestampColumns();
    this.#lookBack.setKey(this.primaryKey, undefined);
    const zone = this.settings.timeZone;
    const digits = this.dialect.cursorFractionDigits;
    const now = await this.dialect.databaseNow(client, zone);
    this.#upper = formatWallText(addMillis(now, -this.settings.timestampDelayMs), zone, digits);
    if (this.#cursor === undefined && this.#initial !== undefined) {
      const start =
        this.#initial === -1
          ? now
          : { millis: this.#initial, nanos: (((this.#initial % 1000) + 1000) % 1000) * 1e6 };
      this.#cursor = formatWallText(start, zone, digits);
    }
    this.#late =
      this.#cursor === undefined
        ? []
        : await this.#lookBack.findLate(client, this.shape, { ts: this.#cursor });
  }

  protected async page(client: SqlClient): Promise<{ records: SourceRecord[]; done: boolean }> {
    const limit = this.settings.batchMaxRows;
    if (this.#late.length > 0) {
      const rows = this.#late.splice(0, limit);
      const offset = this.#cursor === undefined ? null : this.#offset(this.#cursor);
      return { records: rows.map((row) => this.#send(row, offset)), done: false };
    }
    const rows = await this.run(
      client,
      timestampPage(this.shape, this.#upper, this.#cursor, this.primaryKey, limit + 1),
    );
    if (rows.length <= limit) return { records: this.#sendAll(rows), done: true };
    // One row more than a page: the last group may go on past it. Send the groups before it, or
    // when the page is one group, the whole group.
    const lastTs = String((rows[limit] as Row)[CURSOR_TS_ALIAS]);
    const groupStart = rows.findIndex((r) => String(r[CURSOR_TS_ALIAS]) === lastTs);
    if (groupStart > 0) return { records: this.#sendAll(rows.slice(0, groupStart)), done: false };
    const group = await this.run(client, timestampGroup(this.shape, lastTs, this.primaryKey));
    return { records: this.#sendAll(group), done: false };
  }

  protected override endScan(): void {
    if (this.#cursor !== undefined) this.#lookBack.prune({ ts: this.#cursor });
  }

  #sendAll(rows: Row[]): SourceRecord[] {
    return rows.map((row) => {
      this.#cursor = String(row[CURSOR_TS_ALIAS]);
      return this.#send(row, this.#offset(this.#cursor));
    });
  }

  #send(row: Row, offset: Record<string, unknown> | null): SourceRecord {
    this.#lookBack.remember(row);
    return this.record(row, offset);
  }

  #offset(ts: string): Record<string, unknown> {
    return offsetOf({ timestamp: parseWallText(ts, this.settings.timeZone) });
  }
}
