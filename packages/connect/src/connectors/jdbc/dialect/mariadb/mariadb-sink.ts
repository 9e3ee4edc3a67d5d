import { DecimalType } from '../../../../data/index.js';
import type { SinkColumn } from '../../sink/fields-metadata.js';
import { SinkDialect } from '../../sink/sink-dialect.js';
import type { TableId } from '../database-dialect.js';
import type { SqlClient } from '../sql-client.js';
import { mariadbDialect } from './mariadb-dialect.js';

/** MariaDB keeps at most 38 digits after the point, and 65 in all. */
const MAX_SCALE = 38;

/**
 * Errors about a row's values: 1048 NULL into NOT NULL, 1062 duplicate key, 1136 column count,
 * 1264 out of range, 1265 truncated, 1292 bad date/number, 1366 wrong value for a column,
 * 1406 too long, 1451/1452 foreign key, 3819/4025 CHECK.
 */
const DATA_ERRNOS = new Set([1048, 1062, 1264, 1265, 1292, 1366, 1406, 1451, 1452, 3819, 4025]);

/**
 * MariaDB/MySQL for the sink, as Confluent's MySQL dialect maps types: TEXT for strings (a
 * VARCHAR(256) when the column is part of the key, since TEXT cannot be indexed whole),
 * DATETIME(3) for timestamps, DECIMAL(65,scale); upsert as INSERT … ON DUPLICATE KEY UPDATE.
 */
export class MariaDbSinkDialect extends SinkDialect {
  readonly maxParameters = 65_535;
  /** COM_STMT_BULK_EXECUTE: measured twice as fast as a multi-row INSERT of the same rows (bench/sink). */
  override readonly bulkParameters = true;

  constructor() {
    super(mariadbDialect);
  }

  sqlType(column: SinkColumn): string {
    const schema = column.schema;
    switch (schema.logical) {
      case 'decimal':
        return `DECIMAL(65,${Math.min(MAX_SCALE, Math.max(0, DecimalType.scaleOf(schema)))})`;
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME(3)';
      case 'timestamp':
        return 'DATETIME(3)';
      default:
        break;
    }
    switch (schema.type) {
      case 'int8':
        return 'TINYINT';
      case 'int16':
        return 'SMALLINT';
      case 'int32':
        return 'INT';
      case 'int64':
        return 'BIGINT';
      case 'float32':
        return 'FLOAT';
      case 'float64':
        return 'DOUBLE';
      case 'boolean':
        return 'TINYINT';
      case 'string':
        return column.isPrimaryKey ? 'VARCHAR(256)' : 'TEXT';
      case 'bytes':
        return column.isPrimaryKey ? 'VARBINARY(1024)' : 'BLOB';
      default:
        throw new Error(`No MariaDB column type for ${schema.type.toUpperCase()} field '${column.name}'`);
    }
  }

  upsert(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string {
    const updated = (nonKeys.length > 0 ? nonKeys : keys)
      .map((c) => `${this.quote(c)}=VALUES(${this.quote(c)})`)
      .join(',');
    return `${this.insert(table, [...keys, ...nonKeys], rows)} ON DUPLICATE KEY UPDATE ${updated}`;
  }

  /**
   * MariaDB errors on the rows whose SQL state is not class 22/23: wrong value for a column
   * (1366, ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, state HY000), data truncated (1265), CHECK (4025)...
   */
  override isDataError(error: unknown): boolean {
    const errno = (error as { errno?: unknown } | undefined)?.errno;
    return (typeof errno === 'number' && DATA_ERRNOS.has(errno)) || super.isDataError(error);
  }

  /**
   * ON DUPLICATE KEY UPDATE fires on a clash with ANY unique key: a record with a new primary key
   * but another row's unique email would overwrite that other row. Such tables are found here.
   */
  override async extraUniqueKeys(client: SqlClient, table: TableId): Promise<string[]> {
    const rows = await client.query<{ name: string }>(
      'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS ' +
        "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' " +
        'ORDER BY INDEX_NAME',
      [table.catalog ?? null, table.table],
    );
    return rows.map((r) => String(r.name));
  }

  /** Only a primary key duplicate is skipped (INSERT IGNORE would also swallow truncation and NULLs). */
  override insertIgnore(
    table: TableId,
    keys: readonly string[],
    nonKeys: readonly string[],
    rows: number,
  ): string {
    const key = this.quote(keys[0] as string);
    return `${this.insert(table, [...keys, ...nonKeys], rows)} ON DUPLICATE KEY UPDATE ${key}=${key}`;
  }

  tableId(parts: readonly string[], database: string): TableId {
    const table = parts.at(-1) ?? '';
    return parts.length >= 2 ? { catalog: parts.at(-2), table } : { catalog: database || undefined, table };
  }

  /** Column names are case-insensitive in MariaDB. */
  override sameColumn(columnName: string, fieldName: string): boolean {
    return columnName.toLowerCase() === fieldName.toLowerCase();
  }

  /** Backslashes are escapes in MariaDB strings unless NO_BACKSLASH_ESCAPES is set: double them too. */
  protected override stringLiteral(text: string): string {
    if (text.includes('\u0000')) throw new Error('A default value cannot contain a NUL character');
    return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }
}

export const mariadbSinkDialect = new MariaDbSinkDialect();
