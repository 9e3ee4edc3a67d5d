import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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

/**
 * better-sqlite3 is synchronous; wrapping it in promises keeps one interface for all dialects.
 * Integers come back as bigint so int64 keys survive exactly.
 */
class SqliteClient implements SqlClient {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql).safeIntegers(true);
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#prepare(sql).all(...params.map(toSqlite)) as T[];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ affectedRows: number }> {
    const statement = this.#prepare(sql);
    if (statement.reader) {
      statement.all(...params.map(toSqlite));
      return { affectedRows: 0 };
    }
    return { affectedRows: statement.run(...params.map(toSqlite)).changes };
  }

  async executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }> {
    const statement = this.#prepare(sql);
    let affectedRows = 0;
    for (const row of rows) affectedRows += statement.run(...row.map(toSqlite)).changes;
    return { affectedRows };
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this);
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** SQLite binds numbers, bigints, strings, buffers and null; the rest is given a natural form. */
function toSqlite(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

export const sqliteDialect: DatabaseDialect = {
  name: 'sqlite',
  quoteIdentifier: (name) => quoteWith('"', name),
  tableRef: (id) => quoteWith('"', id.table),
  placeholder: () => '?',

  async connect(url: JdbcUrl, _options: ConnectOptions): Promise<SqlClient> {
    if (url.database !== ':memory:') mkdirSync(dirname(url.database), { recursive: true });
    const db = new Database(url.database);
    // WAL lets services read while a connector writes; waiting beats failing on a busy file.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    return withMaskedErrors(new SqliteClient(db));
  },

  async listTables(client, types) {
    const wanted = types.map((t) => t.toLowerCase());
    const rows = await client.query<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type IN (${wanted.map(() => '?').join(',')})
       AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      wanted,
    );
    return rows.map((r) => ({ table: r.name }));
  },

  async describeTable(client, id): Promise<TableDescription | undefined> {
    const master = await client.query<{ type: string; sql: string | null }>(
      "SELECT type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?",
      [id.table],
    );
    const entry = master[0];
    if (!entry) return undefined;
    const quoted = quoteWith('"', id.table);
    const info = await client.query<{
      name: string;
      type: string;
      notnull: bigint;
      dflt_value: string | null;
      pk: bigint;
    }>(`PRAGMA table_info(${quoted})`);
    const pk = info
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => c.name);
    const indexes = await client.query<{ name: string; unique: bigint; origin: string }>(
      `PRAGMA index_list(${quoted})`,
    );
    const uniqueKeys: string[][] = [];
    for (const index of indexes) {
      if (Number(index.unique) !== 1 || index.origin === 'pk') continue;
      const cols = await client.query<{ name: string }>(`PRAGMA index_info(${quoteWith('"', index.name)})`);
      uniqueKeys.push(cols.map((c) => c.name));
    }
    // An INTEGER PRIMARY KEY is the rowid: it numbers itself.
    const rowidAlias = pk.length === 1 && /^integer$/i.test(info.find((c) => c.name === pk[0])?.type ?? '');
    return {
      id: { table: id.table },
      type: entry.type === 'view' ? 'VIEW' : 'TABLE',
      columns: info.map((c): ColumnDescription => {
        const declared = (c.type || '').toLowerCase();
        const m = /^([a-z ]+?)\s*(?:\((\d+)(?:\s*,\s*(\d+))?\))?$/.exec(declared);
        const base = m?.[1]?.trim() ?? declared;
        return {
          name: c.name,
          typeName: base,
          declaredType: declared,
          nullable: Number(c.notnull) === 0 && !pk.includes(c.name),
          defaultValue: c.dflt_value ?? undefined,
          autoIncrement: rowidAlias && c.name === pk[0],
          precision: m?.[2] ? Number(m[2]) : undefined,
          scale: m?.[3] ? Number(m[3]) : undefined,
          length: m?.[2] && /char|text/.test(base) ? Number(m[2]) : undefined,
        };
      }),
      primaryKey: pk,
      uniqueKeys,
    };
  },

  async currentTimestamp(client) {
    const rows = await client.query<{ now: string }>("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now");
    return new Date(rows[0]?.now as string);
  },

  classifyError(error): SqlErrorInfo {
    // An error that did not come through a client (connecting) is masked here: the message goes on.
    const e = maskSqlError(error) as { code?: string; message?: string };
    return {
      retriable: e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED',
      sqlState: undefined,
      message: e.message ?? String(error),
    };
  },

  parseTableId: (name) => ({ table: name }),
};
