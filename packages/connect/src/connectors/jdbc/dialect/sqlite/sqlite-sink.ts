import type { SinkColumn } from '../../sink/fields-metadata.js';
import { SinkDialect } from '../../sink/sink-dialect.js';
import type { TableId } from '../database-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';

/**
 * SQLite for the sink: INTEGER, REAL, TEXT, BLOB and NUMERIC affinities as Confluent's SQLite
 * dialect; temporal columns are declared DATE/TIME/DATETIME and hold ISO text; one ADD COLUMN
 * per ALTER TABLE; upsert as INSERT … ON CONFLICT (key) DO UPDATE.
 */
export class SqliteSinkDialect extends SinkDialect {
  /** SQLITE_MAX_VARIABLE_NUMBER since 3.32. */
  readonly maxParameters = 32_766;

  constructor() {
    super(sqliteDialect);
  }

  sqlType(column: SinkColumn): string {
    const schema = column.schema;
    switch (schema.logical) {
      case 'decimal':
        return 'NUMERIC';
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME';
      case 'timestamp':
        return 'DATETIME';
      default:
        break;
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
      case 'boolean':
        return 'INTEGER';
      case 'float32':
      case 'float64':
        return 'REAL';
      case 'string':
        return 'TEXT';
      case 'bytes':
        return 'BLOB';
      default:
        throw new Error(`No SQLite column type for ${schema.type.toUpperCase()} field '${column.name}'`);
    }
  }

  upsert(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string {
    const action =
      nonKeys.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${nonKeys.map((c) => `${this.quote(c)}=excluded.${this.quote(c)}`).join(',')}`;
    return `${this.insert(table, [...keys, ...nonKeys], rows)} ON CONFLICT (${this.columnList(keys)}) ${action}`;
  }

  /** better-sqlite3 gives SQLite's extended result codes: constraints, type mismatches, oversized values. */
  override isDataError(error: unknown): boolean {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
  }

  tableId(parts: readonly string[]): TableId {
    return { table: parts.at(-1) ?? '' };
  }

  /** SQLite adds one column per ALTER TABLE. */
  override addColumns(table: TableId, columns: readonly SinkColumn[]): string[] {
    return columns.map((c) => `ALTER TABLE ${this.table(table)} ADD COLUMN ${this.columnDefinition(c)}`);
  }

  /** Column names are case-insensitive in SQLite. */
  override sameColumn(columnName: string, fieldName: string): boolean {
    return columnName.toLowerCase() === fieldName.toLowerCase();
  }

  protected override booleanLiteral(value: boolean): string {
    return value ? '1' : '0';
  }
}

export const sqliteSinkDialect = new SqliteSinkDialect();
