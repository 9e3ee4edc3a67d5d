import { addMillis, formatWallText, parseWallText, type Row, type SqlClient } from '@msa-sync/sql';
import type { Logger } from 'pino';
import type { SourceSettings } from './jdbc-source-config.js';
import { type CursorPosition, comparePositions, rowKey, SentWindow } from './sent-window.js';
import type { SourceDialect } from './source-dialect.js';
import { CURSOR_TS_ALIAS, lookbackKeys, type QueryShape, rowsByKeys } from './source-queries.js';

const FETCH_CHUNK = 200;

/**
 * The look-back of the timestamp modes (beyond Confluent's connector): before each scan, the keys
 * and timestamps of the rows in the last `timestamp.lookback.ms` below the cursor are read again;
 * a row not sent with that timestamp was committed after the cursor passed it (a slow
 * transaction that stamped its rows early, or took a lower id for the same timestamp). Those rows
 * are sent then. Rows are keyed by the incrementing column, or the primary key in timestamp mode.
 */
export class LookBack {
  readonly enabled: boolean;
  readonly #settings: SourceSettings;
  readonly #dialect: SourceDialect;
  readonly #log: Logger;
  readonly #window: SentWindow;
  #keyColumns: readonly string[] = [];
  #incrementing: string | undefined;
  #warnedFull = false;

  constructor(options: {
    settings: SourceSettings;
    dialect: SourceDialect;
    log: Logger;
    /** The restored cursor: rows at or before it were sent by an earlier run. */
    floor: CursorPosition | undefined;
  }) {
    this.#settings = options.settings;
    this.#dialect = options.dialect;
    this.#log = options.log;
    this.enabled = options.settings.lookbackMs > 0;
    this.#window = new SentWindow(options.settings.lookbackMaxRows, options.floor);
  }

  /** The row identity: the incrementing column, else the primary key (none: look-back is off). */
  setKey(keyColumns: readonly string[], incrementing: string | undefined): void {
    this.#keyColumns = keyColumns;
    this.#incrementing = incrementing;
  }

  get active(): boolean {
    return this.enabled && this.#keyColumns.length > 0;
  }

  remember(row: Row): void {
    if (!this.active) return;
    const ts = String(row[CURSOR_TS_ALIAS]);
    this.#window.add(
      rowKey(this.#keyColumns.map((k) => row[k])),
      ts,
      this.#incrementing ? row[this.#incrementing] : undefined,
    );
  }

  /** Rows under the cursor that were never sent with their current timestamp, oldest first. */
  async findLate(client: SqlClient, shape: QueryShape, cursor: CursorPosition): Promise<Row[]> {
    if (!this.active) return [];
    const limit = this.#settings.lookbackMaxRows;
    const statement = lookbackKeys(
      shape,
      this.#keyColumns,
      this.#incrementing,
      this.#windowStart(cursor),
      cursor,
      this.#window.floor,
      limit + 1,
    );
    const candidates = await client.query(statement.sql, statement.params);
    if (candidates.length > limit && !this.#warnedFull) {
      this.#warnedFull = true;
      this.#log.warn(
        { rows: candidates.length, limit },
        'the look-back interval holds more rows than timestamp.lookback.max.rows: lower timestamp.lookback.ms or raise the limit',
      );
    }
    const missing = candidates
      .filter(
        (r) => !this.#window.wasSent(rowKey(this.#keyColumns.map((k) => r[k])), String(r[CURSOR_TS_ALIAS])),
      )
      .map((r) => this.#keyColumns.map((k) => r[k]));
    if (missing.length === 0) return [];
    const late: Row[] = [];
    for (let i = 0; i < missing.length; i += FETCH_CHUNK) {
      const chunk = missing.slice(i, i + FETCH_CHUNK);
      const fetch = rowsByKeys(shape, this.#keyColumns, chunk, true);
      for (const row of await client.query(fetch.sql, fetch.params)) {
        // Changed meanwhile (timestamp now past the cursor, or none): the scan reads it, or nobody.
        if (row[CURSOR_TS_ALIAS] === null || row[CURSOR_TS_ALIAS] === undefined) continue;
        const position = this.#positionOf(row);
        if (comparePositions(position, cursor) > 0) continue;
        if (this.#window.wasSent(rowKey(this.#keyColumns.map((k) => row[k])), position.ts)) continue;
        late.push(row);
      }
    }
    late.sort((a, b) => comparePositions(this.#positionOf(a), this.#positionOf(b)));
    if (late.length > 0) {
      this.#log.info({ rows: late.length }, 'look-back found rows committed after the cursor passed them');
    }
    return late;
  }

  /** Forgets what the look-back no longer reaches. */
  prune(cursor: CursorPosition): void {
    if (this.active) this.#window.prune(this.#windowStart(cursor));
  }

  #positionOf(row: Row): CursorPosition {
    return {
      ts: String(row[CURSOR_TS_ALIAS]),
      ...(this.#incrementing ? { id: row[this.#incrementing] } : {}),
    };
  }

  #windowStart(cursor: CursorPosition): string {
    const zone = this.#settings.timeZone;
    const start = addMillis(parseWallText(cursor.ts, zone), -this.#settings.lookbackMs);
    return formatWallText(start, zone, this.#dialect.cursorFractionDigits);
  }
}
