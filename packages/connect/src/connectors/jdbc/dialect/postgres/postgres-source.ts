import type { SourceColumnType, SourceDialect } from '../../source/source-dialect.js';
import { parseWallText } from '../../zoned-time.js';
import type { ColumnDescription } from '../database-dialect.js';
import { postgresDialect } from './postgres-dialect.js';

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

/** PostgreSQL column types as pgjdbc reports them to Confluent's connector (with its PostgreSQL dialect). */
function columnType(column: ColumnDescription): SourceColumnType | undefined {
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

let queryViews = 0;
/** Thrown to end describeQuery's transaction with a rollback. */
const ROLLBACK = Symbol('rollback');

export const postgresSourceDialect: SourceDialect = {
  base: postgresDialect,
  cursorFractionDigits: 6,
  columnType,
  comparableTimestamp: (expr) => expr,
  timestampText: (expr) => `to_char(${expr}, 'YYYY-MM-DD HH24:MI:SS.US')`,
  partitionTableName: (id) => [id.schema, id.table].filter((p) => p !== undefined && p !== '').join('.'),

  async describeQuery(client, query) {
    // A temporary view of the query: the catalogue describes its columns like a table's.
    // Nothing runs and nothing stays: CREATE VIEW only parses and plans the query (and refuses a
    // data-modifying WITH), the client's extended protocol refuses a second statement
    // (`SELECT 1; DROP TABLE users`), and the transaction around it is always rolled back.
    const view = `msa_source_query_${process.pid}_${++queryViews}`;
    const quoted = postgresDialect.quoteIdentifier(view);
    let columns: ColumnDescription[] = [];
    await client
      .transaction(async (tx) => {
        await tx.execute(`CREATE TEMPORARY VIEW ${quoted} AS ${query}`);
        const rows = await tx.query<{ nspname: string }>(
          'SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()',
        );
        const described = await postgresDialect.describeTable(tx, { schema: rows[0]?.nspname, table: view });
        columns = described?.columns ?? [];
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    return columns;
  },

  async databaseNow(client, zone) {
    // The session TimeZone is db.timezone (the dialect sets it on connect).
    const rows = await client.query<{ now: string }>(
      "SELECT to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.US') AS now",
    );
    return parseWallText(String(rows[0]?.now), zone);
  },

  isMissingObject(error) {
    const code = (error as { code?: string }).code;
    // undefined_table, undefined_column, invalid_schema_name
    return code === '42P01' || code === '42703' || code === '3F000';
  },
};
