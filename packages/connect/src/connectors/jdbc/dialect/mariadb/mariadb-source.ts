import type { SourceColumnType, SourceDialect } from '../../source/source-dialect.js';
import { parseWallText } from '../../zoned-time.js';
import type { ColumnDescription } from '../database-dialect.js';
import { mariadbDialect } from './mariadb-dialect.js';

const STRING_TYPES = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
  'json',
  'uuid',
  'inet4',
  'inet6',
]);
const BYTES_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/** MariaDB (and MySQL) column types as MariaDB Connector/J reports them to Confluent's connector. */
function columnType(column: ColumnDescription): SourceColumnType | undefined {
  const unsigned = /\bunsigned\b/.test(column.declaredType);
  switch (column.typeName) {
    case 'tinyint':
      return { kind: unsigned ? 'int16' : 'int8' };
    case 'smallint':
      return { kind: unsigned ? 'int32' : 'int16' };
    case 'mediumint':
    case 'int':
    case 'integer':
      return { kind: unsigned ? 'int64' : 'int32' };
    case 'bigint':
      return { kind: 'int64' };
    case 'year':
      return { kind: 'int16' };
    case 'float':
      return { kind: 'float32' };
    case 'double':
    case 'real':
      return { kind: 'float64' };
    case 'decimal':
    case 'numeric':
      return { kind: 'decimal', precision: column.precision, scale: column.scale ?? 0 };
    case 'bit':
      // BIT(1) is JDBC BIT (Connect int8); wider bit strings are bytes.
      return (column.precision ?? 1) <= 1 ? { kind: 'int8' } : { kind: 'bytes' };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time' };
    case 'datetime':
    case 'timestamp':
      // The session zone is db.timezone; the driver builds a Date from the text in the process's zone.
      return { kind: 'timestamp-local-wall' };
    default:
      if (STRING_TYPES.has(column.typeName)) return { kind: 'string' };
      if (BYTES_TYPES.has(column.typeName)) return { kind: 'bytes' };
      return undefined;
  }
}

/** `decimal(10,2) unsigned` → its parts, for columns read from SHOW COLUMNS. */
function describeShownColumn(field: string, type: string, nullable: boolean): ColumnDescription {
  const declared = type.toLowerCase();
  const m = /^([a-z0-9 ]+?)(?:\((\d+)(?:,(\d+))?\))?(?:\s|$)/.exec(declared);
  const typeName = (m?.[1] ?? declared).trim();
  const first = m?.[2] === undefined ? undefined : Number(m[2]);
  const isText = /char|binary/.test(typeName);
  return {
    name: field,
    typeName,
    declaredType: declared,
    nullable,
    defaultValue: undefined,
    autoIncrement: false,
    precision: isText ? undefined : first,
    scale: m?.[3] === undefined ? (typeName === 'decimal' ? 0 : undefined) : Number(m[3]),
    length: isText ? first : undefined,
  };
}

let queryTables = 0;

export const mariadbSourceDialect: SourceDialect = {
  base: mariadbDialect,
  cursorFractionDigits: 6,
  columnType,
  comparableTimestamp: (expr) => expr,
  timestampText: (expr) => `DATE_FORMAT(${expr}, '%Y-%m-%d %H:%i:%s.%f')`,
  partitionTableName: (id) => [id.catalog, id.table].filter((p) => p !== undefined && p !== '').join('.'),

  async describeQuery(client, query) {
    // A temporary table shaped like the query's rows: SHOW COLUMNS tells their types.
    const name = mariadbDialect.quoteIdentifier(`msa_source_query_${process.pid}_${++queryTables}`);
    await client.execute(`CREATE TEMPORARY TABLE ${name} AS SELECT * FROM (${query}) msa_q LIMIT 0`);
    try {
      const rows = await client.query<{ Field: string; Type: string; Null: string }>(
        `SHOW COLUMNS FROM ${name}`,
      );
      return rows.map((r) => describeShownColumn(r.Field, String(r.Type), r.Null === 'YES'));
    } finally {
      await client.execute(`DROP TEMPORARY TABLE IF EXISTS ${name}`);
    }
  },

  async databaseNow(client, zone) {
    // The session zone is db.timezone (the dialect connects with it).
    const rows = await client.query<{ now: string }>(
      "SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f') AS now",
    );
    return parseWallText(String(rows[0]?.now), zone);
  },

  isMissingObject(error) {
    const errno = (error as { errno?: number }).errno;
    // ER_NO_SUCH_TABLE, ER_BAD_FIELD_ERROR, ER_BAD_DB_ERROR
    return errno === 1146 || errno === 1054 || errno === 1049;
  },
};
