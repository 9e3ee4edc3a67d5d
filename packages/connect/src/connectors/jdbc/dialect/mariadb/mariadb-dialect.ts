import * as mariadb from 'mariadb';
import type { JdbcUrl } from '../../jdbc-url.js';
import {
  type ColumnDescription,
  type ConnectOptions,
  type DatabaseDialect,
  quoteWith,
  type TableDescription,
} from '../database-dialect.js';
import type { Row, SqlClient, SqlErrorInfo } from '../sql-client.js';
import { maskSqlError, withMaskedErrors } from '../sql-error-masking.js';

/** Errors after which the same statement may well succeed: lost connections, deadlocks, lock timeouts. */
const RETRIABLE_ERRNO = new Set([1205, 1213, 2002, 2006, 2013, 1040, 1053, 1927, 45009, 45012, 45028]);

class MariaDbClient implements SqlClient {
  readonly #conn: mariadb.Connection;
  constructor(conn: mariadb.Connection) {
    this.#conn = conn;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = (await this.#conn.query({ sql, rowsAsArray: false }, params as unknown[])) as T[];
    return Array.isArray(rows) ? [...rows] : [];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ affectedRows: number }> {
    const result = (await this.#conn.query(sql, params as unknown[])) as { affectedRows?: number };
    return { affectedRows: Number(result.affectedRows ?? 0) };
  }

  async executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }> {
    if (rows.length === 0) return { affectedRows: 0 };
    const result = (await this.#conn.batch(sql, rows as unknown[][])) as
      | { affectedRows?: number }
      | { affectedRows?: number }[];
    const list = Array.isArray(result) ? result : [result];
    return { affectedRows: list.reduce((n, r) => n + Number(r.affectedRows ?? 0), 0) };
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    await this.#conn.beginTransaction();
    try {
      const result = await work(this);
      await this.#conn.commit();
      return result;
    } catch (error) {
      await this.#conn.rollback().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#conn.end().catch(() => this.#conn.destroy());
  }
}

export const mariadbDialect: DatabaseDialect = {
  name: 'mariadb',
  quoteIdentifier: (name) => quoteWith('`', name),
  tableRef(id) {
    return [id.catalog, id.table]
      .filter((p): p is string => p !== undefined && p !== '')
      .map((p) => quoteWith('`', p))
      .join('.');
  },
  placeholder: () => '?',

  async connect(url: JdbcUrl, options: ConnectOptions): Promise<SqlClient> {
    const zone = zoneOffset(options.timeZone ?? 'UTC');
    const conn = await mariadb.createConnection({
      host: url.host,
      port: url.port,
      user: options.user ?? url.params.get('user'),
      password: options.password ?? url.params.get('password'),
      database: url.database || undefined,
      // DATETIME values are read and written as instants in db.timezone, like Connect's db.timezone.
      timezone: zone,
      // Exact values: BIGINT as bigint, DECIMAL as text.
      bigIntAsNumber: false,
      decimalAsNumber: false,
      insertIdAsNumber: true,
      checkDuplicate: false,
      // Errors name the statement, never its parameters (the driver's default appends them).
      logParam: false,
      connectTimeout: 10_000,
      // One statement per call, always: SQL from a config (a source `query`) must never smuggle
      // `; DROP TABLE …` in. The driver's default, written down so no URL or option turns it on.
      multipleStatements: false,
    });
    // A server closing an idle connection (restart, wait_timeout) must not crash the worker:
    // the next statement reports it and is retried on a new connection.
    conn.on('error', () => {});
    return withMaskedErrors(new MariaDbClient(conn));
  },

  async listTables(client, types) {
    const wanted = types.map((t) => (t === 'TABLE' ? 'BASE TABLE' : 'VIEW'));
    const rows = await client.query<{ TABLE_SCHEMA: string; TABLE_NAME: string }>(
      `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN (${wanted.map(() => '?').join(',')}) ORDER BY TABLE_NAME`,
      wanted,
    );
    return rows.map((r) => ({ catalog: r.TABLE_SCHEMA, table: r.TABLE_NAME }));
  },

  async describeTable(client, id): Promise<TableDescription | undefined> {
    const schemaExpr = id.catalog ? '?' : 'DATABASE()';
    const schemaParam = id.catalog ? [id.catalog] : [];
    const tables = await client.query<{ TABLE_SCHEMA: string; TABLE_TYPE: string }>(
      `SELECT TABLE_SCHEMA, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schemaExpr} AND TABLE_NAME = ?`,
      [...schemaParam, id.table],
    );
    const table = tables[0];
    if (!table) return undefined;
    const columns = await client.query<Record<string, unknown>>(
      `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
              NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_MAXIMUM_LENGTH, DATETIME_PRECISION
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [table.TABLE_SCHEMA, id.table],
    );
    const keys = await client.query<{ INDEX_NAME: string; COLUMN_NAME: string }>(
      `SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      [table.TABLE_SCHEMA, id.table],
    );
    const byIndex = new Map<string, string[]>();
    for (const k of keys) byIndex.set(k.INDEX_NAME, [...(byIndex.get(k.INDEX_NAME) ?? []), k.COLUMN_NAME]);
    return {
      id: { catalog: table.TABLE_SCHEMA, table: id.table },
      type: table.TABLE_TYPE === 'VIEW' ? 'VIEW' : 'TABLE',
      columns: columns.map(
        (c): ColumnDescription => ({
          name: String(c.COLUMN_NAME),
          typeName: String(c.DATA_TYPE).toLowerCase(),
          declaredType: String(c.COLUMN_TYPE).toLowerCase(),
          nullable: c.IS_NULLABLE === 'YES',
          defaultValue:
            c.COLUMN_DEFAULT === null || c.COLUMN_DEFAULT === undefined
              ? undefined
              : String(c.COLUMN_DEFAULT),
          autoIncrement: String(c.EXTRA ?? '').includes('auto_increment'),
          precision: numberOrUndefined(c.NUMERIC_PRECISION ?? c.DATETIME_PRECISION),
          scale: numberOrUndefined(c.NUMERIC_SCALE),
          length: numberOrUndefined(c.CHARACTER_MAXIMUM_LENGTH),
        }),
      ),
      primaryKey: byIndex.get('PRIMARY') ?? [],
      uniqueKeys: [...byIndex].filter(([name]) => name !== 'PRIMARY').map(([, cols]) => cols),
    };
  },

  async currentTimestamp(client) {
    const rows = await client.query<{ now: Date }>('SELECT CURRENT_TIMESTAMP(3) AS now');
    return rows[0]?.now as Date;
  },

  classifyError(error): SqlErrorInfo {
    // An error that did not come through a client (connecting) is masked here: the message goes on.
    const e = maskSqlError(error) as {
      errno?: number;
      sqlState?: string;
      fatal?: boolean;
      code?: string;
      message?: string;
    };
    const retriable =
      e.fatal === true ||
      (e.errno !== undefined && RETRIABLE_ERRNO.has(e.errno)) ||
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ER_GET_CONNECTION_TIMEOUT|ER_SOCKET_UNEXPECTED_CLOSE|ER_CONNECTION_ALREADY_CLOSED/.test(
        e.code ?? '',
      );
    return { retriable, sqlState: e.sqlState, message: e.message ?? String(error) };
  },

  parseTableId(name, url) {
    const parts = name.split('.');
    return parts.length >= 2
      ? { catalog: parts.slice(0, -1).join('.'), table: parts.at(-1) as string }
      : { catalog: url.database || undefined, table: name };
  },
};

function numberOrUndefined(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** MariaDB wants an offset ('+00:00') or 'Z'; db.timezone takes IANA names as Connect does. */
export function zoneOffset(timeZone: string): string {
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(timeZone)) return 'Z';
  if (/^[+-]\d{2}:\d{2}$/.test(timeZone)) return timeZone;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(
    new Date(),
  );
  const offset = parts.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '') ?? '';
  return offset === '' ? 'Z' : offset;
}
