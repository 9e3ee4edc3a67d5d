import type pg from 'pg';
import {
  type ColumnDescription,
  type ConnectOptions,
  DatabaseDialect,
  numberOrUndefined,
  type SinkColumnSpec,
  type SourceColumnType,
  type TableDescription,
  type TableId,
} from '../database-dialect.js';
import type { JdbcUrl } from '../jdbc-url.js';
import type { Row, SqlClient, SqlErrorInfo } from '../sql-client.js';
import { maskSqlError, withMaskedErrors } from '../sql-error-masking.js';
import { parseWallText } from '../zoned-time.js';

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
    // Only ever called by a client, so after connect() loaded the driver.
    return (driver as typeof pg).types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

/**
 * The driver, imported on the first connection: a process that never talks to PostgreSQL (a worker
 * with other connectors, a service on another database) starts without loading it.
 */
let driver: typeof pg | undefined;
async function loadDriver(): Promise<typeof pg> {
  driver ??= (await import('pg')).default;
  return driver;
}

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

const STRING_TYPES = new Set([
  'character varying',
  'character',
  'text',
  'json',
  'jsonb',
  'uuid',
  'xml',
  'citext',
  'name',
  'inet',
  'cidr',
  'macaddr',
]);

/** Thrown to end describeQuery's transaction with a rollback. */
const ROLLBACK = Symbol('rollback');

/**
 * PostgreSQL: `$n` placeholders, schemas. For the sink TEXT, BYTEA, NUMERIC (unbounded, so any
 * scale fits), TIMESTAMP (zone-less, holding db.timezone clock time); upsert as INSERT … ON
 * CONFLICT (key) DO UPDATE.
 */
export class PostgresDialect extends DatabaseDialect {
  readonly name = 'postgres';
  readonly displayName = 'PostgreSQL';
  readonly confluentClassNames = ['PostgreSqlDatabaseDialect'];
  /** The protocol counts parameters in 16 bits. */
  readonly maxParameters = 32_767;
  /**
   * Timestamps carry db.timezone's offset: a `timestamptz` column (an existing table) stores that
   * instant whatever the session TimeZone, and a `timestamp` column keeps the clock time, since
   * PostgreSQL ignores an offset written into a zone-less timestamp.
   */
  override readonly bindsTimestampOffset = true;
  #queryViews = 0;

  override placeholder(index: number): string {
    return `$${index}`;
  }

  async connect(url: JdbcUrl, options: ConnectOptions): Promise<SqlClient> {
    const client = new (await loadDriver()).Client({
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
  }

  async listTables(client: SqlClient, types: readonly ('TABLE' | 'VIEW')[]): Promise<TableId[]> {
    const wanted = types.map((t) => (t === 'TABLE' ? 'BASE TABLE' : 'VIEW'));
    const rows = await client.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = ANY($1) ORDER BY table_name`,
      [wanted],
    );
    return rows.map((r) => ({ schema: r.table_schema, table: r.table_name }));
  }

  async describeTable(client: SqlClient, id: TableId): Promise<TableDescription | undefined> {
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
  }

  async currentTimestamp(client: SqlClient): Promise<Date> {
    const rows = await client.query<{ now: Date }>('SELECT CURRENT_TIMESTAMP AS now');
    return rows[0]?.now as Date;
  }

  classifyError(error: unknown): SqlErrorInfo {
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
  }

  parseTableId(name: string): TableId {
    const parts = name.split('.');
    return parts.length >= 2
      ? { schema: parts.slice(0, -1).join('.'), table: parts.at(-1) as string }
      : { table: name };
  }

  /** 3D000 invalid_catalog_name. */
  override isUnknownDatabase(error: unknown): boolean {
    return (error as { code?: string } | undefined)?.code === '3D000';
  }

  /** Connects to the `postgres` database to create the URL's one. */
  override async createDatabase(url: JdbcUrl, options: ConnectOptions): Promise<void> {
    const name = url.database;
    const server = await this.connect({ ...url, database: 'postgres' }, options);
    try {
      const found = await server.query('SELECT 1 AS found FROM pg_database WHERE datname = $1', [name]);
      if (found.length > 0) return;
      await server.execute(`CREATE DATABASE ${this.quoteIdentifier(name)}`).catch((error: unknown) => {
        // 42P04 duplicate_database, 23505: another process created it at the same moment.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      });
    } finally {
      await server.close();
    }
  }

  override idleTransactionTimeoutSql(seconds: number): string {
    return `SET idle_in_transaction_session_timeout = ${seconds * 1000}`;
  }

  // --- services' vocabulary

  get timestampType(): string {
    return 'TIMESTAMPTZ(3)';
  }

  get nowDefault(): string {
    return 'DEFAULT CURRENT_TIMESTAMP';
  }

  // --- sink

  sinkColumnType(column: SinkColumnSpec): string {
    switch (column.logical) {
      case 'decimal':
        return 'NUMERIC';
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME(3)';
      case 'timestamp':
        return 'TIMESTAMP(3)';
      default:
        break;
    }
    switch (column.type) {
      case 'int8':
      case 'int16':
        return 'SMALLINT';
      case 'int32':
        return 'INT';
      case 'int64':
        return 'BIGINT';
      case 'float32':
        return 'REAL';
      case 'float64':
        return 'DOUBLE PRECISION';
      case 'boolean':
        return 'BOOLEAN';
      case 'string':
        return 'TEXT';
      case 'bytes':
        return 'BYTEA';
      default:
        throw new Error(`No PostgreSQL column type for ${column.type.toUpperCase()} field '${column.name}'`);
    }
  }

  upsert(table: TableId, columns: readonly string[], keys: readonly string[], rows: number): string {
    const nonKeys = columns.filter((c) => !keys.includes(c));
    const action =
      nonKeys.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${nonKeys.map((c) => `${this.quoteIdentifier(c)}=EXCLUDED.${this.quoteIdentifier(c)}`).join(',')}`;
    return `${this.insert(table, columns, rows)} ON CONFLICT (${this.columnList(keys)}) ${action}`;
  }

  tableId(parts: readonly string[]): TableId {
    const table = parts.at(-1) ?? '';
    return parts.length >= 2 ? { schema: parts.at(-2), table } : { table };
  }

  /** Unquoted names are folded to lower case. */
  override foldIdentifier(name: string): string {
    return name.toLowerCase();
  }

  override bytesLiteral(bytes: Buffer): string {
    return `'\\x${bytes.toString('hex')}'::bytea`;
  }

  // --- source: column types as pgjdbc reports them to Confluent's connector (with its PostgreSQL dialect)

  sourceColumnType(column: ColumnDescription): SourceColumnType | undefined {
    switch (column.typeName) {
      case 'boolean':
        return { kind: 'boolean' };
      case 'bit':
        // bit(1) reads as a boolean; wider bit strings have no faithful Connect type here.
        return (column.length ?? 1) <= 1 ? { kind: 'boolean' } : undefined;
      case 'smallint':
        return { kind: 'int16' };
      case 'integer':
        return { kind: 'int32' };
      case 'bigint':
        return { kind: 'int64' };
      case 'real':
        return { kind: 'float32' };
      case 'double precision':
        return { kind: 'float64' };
      case 'numeric':
        return column.precision === undefined
          ? { kind: 'unbounded-decimal' }
          : { kind: 'decimal', precision: column.precision, scale: column.scale ?? 0 };
      case 'bytea':
        return { kind: 'bytes' };
      case 'date':
        return { kind: 'date' };
      case 'time without time zone':
      case 'time with time zone':
        return { kind: 'time' };
      case 'timestamp without time zone':
        return { kind: 'timestamp-utc-wall' };
      case 'timestamp with time zone':
        return { kind: 'timestamp' };
      default:
        return STRING_TYPES.has(column.typeName) ? { kind: 'string' } : undefined;
    }
  }

  timestampText(expr: string): string {
    return `to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS.US')`;
  }

  async describeQuery(client: SqlClient, query: string): Promise<ColumnDescription[]> {
    // A temporary view of the query: the catalogue describes its columns like a table's.
    // Nothing runs and nothing stays: CREATE VIEW only parses and plans the query (and refuses a
    // data-modifying WITH), the client's extended protocol refuses a second statement
    // (`SELECT 1; DROP TABLE users`), and the transaction around it is always rolled back.
    const view = `msa_source_query_${process.pid}_${++this.#queryViews}`;
    const quoted = this.quoteIdentifier(view);
    let columns: ColumnDescription[] = [];
    await client
      .transaction(async (tx) => {
        await tx.execute(`CREATE TEMPORARY VIEW ${quoted} AS ${query}`);
        const rows = await tx.query<{ nspname: string }>(
          'SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()',
        );
        const described = await this.describeTable(tx, { schema: rows[0]?.nspname, table: view });
        columns = described?.columns ?? [];
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    return columns;
  }

  async databaseNow(client: SqlClient, zone: string) {
    // The session TimeZone is db.timezone (the dialect sets it on connect).
    const rows = await client.query<{ now: string }>(
      "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US') AS now",
    );
    return parseWallText(String(rows[0]?.now), zone);
  }

  isMissingObject(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    // undefined_table, undefined_column, invalid_schema_name
    return code === '42P01' || code === '42703' || code === '3F000';
  }
}

export const postgresDialect = new PostgresDialect();

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
