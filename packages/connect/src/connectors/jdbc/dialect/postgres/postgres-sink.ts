import type { Schema } from '../../../../data/index.js';
import { offsetTimestampBinder, type ValueBinder } from '../../sink/column-values.js';
import type { SinkColumn } from '../../sink/fields-metadata.js';
import { SinkDialect } from '../../sink/sink-dialect.js';
import type { TableId } from '../database-dialect.js';
import { postgresDialect } from './postgres-dialect.js';

/**
 * PostgreSQL for the sink: TEXT, BYTEA, NUMERIC (unbounded, so any scale fits), TIMESTAMP
 * (zone-less, holding db.timezone clock time); upsert as INSERT … ON CONFLICT (key) DO UPDATE.
 */
export class PostgresSinkDialect extends SinkDialect {
  /** The protocol counts parameters in 16 bits. */
  readonly maxParameters = 32_767;

  constructor() {
    super(postgresDialect);
  }

  sqlType(column: SinkColumn): string {
    const schema = column.schema;
    switch (schema.logical) {
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
    switch (schema.type) {
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
        throw new Error(`No PostgreSQL column type for ${schema.type.toUpperCase()} field '${column.name}'`);
    }
  }

  upsert(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string {
    const action =
      nonKeys.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${nonKeys.map((c) => `${this.quote(c)}=EXCLUDED.${this.quote(c)}`).join(',')}`;
    return `${this.insert(table, [...keys, ...nonKeys], rows)} ON CONFLICT (${this.columnList(keys)}) ${action}`;
  }

  tableId(parts: readonly string[]): TableId {
    const table = parts.at(-1) ?? '';
    return parts.length >= 2 ? { schema: parts.at(-2), table } : { table };
  }

  /**
   * Timestamps carry db.timezone's offset: a `timestamptz` column (an existing table) stores that
   * instant whatever the session TimeZone, and a `timestamp` column keeps the clock time, since
   * PostgreSQL ignores an offset written into a zone-less timestamp.
   */
  override binder(schema: Schema, timeZone: string): ValueBinder {
    return offsetTimestampBinder(schema, timeZone) ?? super.binder(schema, timeZone);
  }

  /** Unquoted names are folded to lower case. */
  override foldIdentifier(name: string): string {
    return name.toLowerCase();
  }

  protected override bytesLiteral(bytes: Buffer): string {
    return `'\\x${bytes.toString('hex')}'::bytea`;
  }
}

export const postgresSinkDialect = new PostgresSinkDialect();
