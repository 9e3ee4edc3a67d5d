import pg from 'pg';
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

const PG_TIMESTAMP = 1114;
const PG_DATE = 1082;
const PG_INT8 = 20;

/**
 * Values read exactly: int8 as bigint, numeric as text (the driver's default), dates as their
 * text, zone-less timestamps as instants in UTC (the session zone is set to db.timezone).
 */
const typeParsers = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === PG_INT8) return (v) => BigInt(v);
    if (oid === PG_DATE) return (v) => v;
    if (oid === PG_TIMESTAMP) return (v) => new Date(`${v.replace(' ', 'T')}Z`);
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

const RETRIABLE_STATES = /^(08|53|57P0|40001|40P01|55P03)/;

/**
 * Every statement goes through the extended protocol (Parse/Bind/Execute), even without
 * parameters: the server then refuses text holding a second statement, so SQL that comes from a
 * config (a source `query`) can never smuggle `; DROP TABLE …` in. pg would otherwise send a
 * parameterless statement as a simple query, which runs every statement in it. Same round trip.
 */
function singleStatement(text: string, params: readonly unknown[]): pg.QueryConfig {
  return { text, values: params as unknown[], queryMode: 'extended' } as pg.QueryConfig;
}

class PostgresClient implements SqlClient {
  readonly #client: pg.Client;
  constructor(client: pg.Client) {
    this.#client = client;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.#client.query(singleStatement(sql, params))).rows as T[];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ affectedRows: number }> {
    return { affectedRows: (await this.#client.query(singleStatement(sql, params))).rowCount ?? 0 };
  }

  async executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }> {
    let affectedRows = 0;
    // Named statement: parsed once, then only bound and executed per row.
    const name = `many_${hash(sql)}`;
    for (const row of rows) {
      affectedRows += (await this.#client.query({ name, text: sql, values: row as unknown[] })).rowCount ?? 0;
    }
    return { affectedRows };
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    await this.#client.query('BEGIN');
    try {
      const result = await work(this);
      await this.#client.query('COMMIT');
      return result;
    } catch (error) {
      await this.#client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {});
  }
}

export const postgresDialect: DatabaseDialect = {
  name: 'postgres',
  quoteIdentifier: (name) => quoteWith('"', name),
  tableRef(id) {
    return [id.schema, id.table]
      .filter((p): p is string => p !== undefined && p !== '')
      .map((p) => quoteWith('"', p))
      .join('.');
  },
  placeholder: (index) => `$${index}`,

  async connect(url: JdbcUrl, options: ConnectOptions): Promise<SqlClient> {
    const client = new pg.Client({
      host: url.host,
      port: url.port,
      user: options.user ?? url.params.get('user'),
      password: options.password ?? url.params.get('password'),
      database: url.database || undefined,
      types: typeParsers,
      connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    // Errors on an idle connection must not crash the process; the next statement reports them.
    client.on('error', () => {});
    await client.query(`SET TIME ZONE ${quoteLiteral(options.timeZone ?? 'UTC')}`);
    return withMaskedErrors(new PostgresClient(client));
  },

  async listTables(client, types) {
    const wanted = types.map((t) => (t === 'TABLE' ? 'BASE TABLE' : 'VIEW'));
    const rows = await client.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = ANY($1) ORDER BY table_name`,
      [wanted],
    );
    return rows.map((r) => ({ schema: r.table_schema, table: r.table_name }));
  },

  async describeTable(client, id): Promise<TableDescription | undefined> {
    const schemaExpr = id.schema ? '$2' : 'current_schema()';
    const params = id.schema ? [id.table, id.schema] : [id.table];
    const tables = await client.query<{ table_schema: string; table_type: string }>(
      `SELECT table_schema, table_type FROM information_schema.tables WHERE table_name = $1 AND table_schema = ${schemaExpr}`,
      params,
    );
    const table = tables[0];
    if (!table) return undefined;
    const columns = await client.query<Record<string, unknown>>(
      `SELECT column_name, data_type, udt_name, is_nullable, column_default, is_identity,
              numeric_precision, numeric_scale, character_maximum_length, datetime_precision
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [table.table_schema, id.table],
    );
    const keys = await client.query<{ index_name: string; is_primary: boolean; column_name: string }>(
      `SELECT i.relname AS index_name, x.indisprimary AS is_primary, a.attname AS column_name
       FROM pg_index x
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE x.indisunique AND n.nspname = $1 AND t.relname = $2
       ORDER BY i.relname, k.ord`,
      [table.table_schema, id.table],
    );
    const byIndex = new Map<string, { primary: boolean; columns: string[] }>();
    for (const k of keys) {
      const entry = byIndex.get(k.index_name) ?? { primary: k.is_primary, columns: [] };
      entry.columns.push(k.column_name);
      byIndex.set(k.index_name, entry);
    }
    const entries = [...byIndex.values()];
    return {
      id: { schema: table.table_schema, table: id.table },
      type: table.table_type === 'VIEW' ? 'VIEW' : 'TABLE',
      columns: columns.map((c): ColumnDescription => {
        const dataType = String(c.data_type).toLowerCase();
        const udt = String(c.udt_name).toLowerCase();
        const length = numberOrUndefined(c.character_maximum_length);
        const precision = numberOrUndefined(c.numeric_precision ?? c.datetime_precision);
        const scale = numberOrUndefined(c.numeric_scale);
        return {
          name: String(c.column_name),
          typeName: dataType === 'user-defined' || dataType === 'array' ? udt : dataType,
          declaredType:
            length !== undefined
              ? `${dataType}(${length})`
              : dataType === 'numeric' && precision !== undefined
                ? `numeric(${precision},${scale ?? 0})`
                : dataType,
          nullable: c.is_nullable === 'YES',
          defaultValue: c.column_default === null ? undefined : String(c.column_default),
          autoIncrement: c.is_identity === 'YES' || /^nextval\(/.test(String(c.column_default ?? '')),
          precision,
          scale,
          length,
        };
      }),
      primaryKey: entries.find((e) => e.primary)?.columns ?? [],
      uniqueKeys: entries.filter((e) => !e.primary).map((e) => e.columns),
    };
  },

  async currentTimestamp(client) {
    const rows = await client.query<{ now: Date }>('SELECT CURRENT_TIMESTAMP AS now');
    return rows[0]?.now as Date;
  },

  classifyError(error): SqlErrorInfo {
    // An error that did not come through a client (connecting) is masked here: the message goes on.
    const e = maskSqlError(error) as { code?: string; message?: string };
    const code = e.code ?? '';
    const retriable =
      RETRIABLE_STATES.test(code) ||
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/.test(code) ||
      /Connection terminated|Client has encountered a connection error/.test(e.message ?? '');
    return {
      retriable,
      sqlState: /^[0-9A-Z]{5}$/.test(code) ? code : undefined,
      message: e.message ?? String(error),
    };
  },

  parseTableId(name) {
    const parts = name.split('.');
    return parts.length >= 2
      ? { schema: parts.slice(0, -1).join('.'), table: parts.at(-1) as string }
      : { table: name };
  },
};

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function numberOrUndefined(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
