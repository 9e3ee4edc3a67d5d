import type { SourceColumnType, SourceDialect } from '../../source/source-dialect.js';
import { parseWallText } from '../../zoned-time.js';
import { type ColumnDescription, quoteWith } from '../database-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';

/**
 * SQLite's declared type names, read as sqlite-jdbc reports them to Confluent's connector
 * (`INTEGER` → int32, `BIGINT` → int64, ...), with the affinity rules for names it does not know.
 * Floating point is always float64: SQLite stores every REAL in 8 bytes.
 */
function columnType(column: ColumnDescription): SourceColumnType | undefined {
  const name = column.typeName;
  switch (name) {
    case 'boolean':
    case 'bool':
      return { kind: 'boolean' };
    case 'tinyint':
      return { kind: 'int8' };
    case 'smallint':
      return { kind: 'int16' };
    case 'int':
    case 'integer':
    case 'mediumint':
      return { kind: 'int32' };
    case 'bigint':
      return { kind: 'int64' };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time' };
    case 'datetime':
    case 'timestamp':
      return { kind: 'timestamp' };
    case 'decimal':
    case 'numeric':
      return column.precision === undefined
        ? { kind: 'unbounded-decimal' }
        : { kind: 'decimal', precision: column.precision, scale: column.scale ?? 0 };
    default:
      if (name.includes('int')) return { kind: 'int64' };
      if (/char|clob|text/.test(name) || name === '') return { kind: 'string' };
      if (name.includes('blob')) return { kind: 'bytes' };
      if (/real|floa|doub/.test(name)) return { kind: 'float64' };
      return undefined;
  }
}

/** SQLite compares text: every timestamp is brought to one canonical form before comparing. */
const canonical = (expr: string) => `strftime('%Y-%m-%d %H:%M:%f', ${expr})`;

let queryViews = 0;

export const sqliteSourceDialect: SourceDialect = {
  base: sqliteDialect,
  cursorFractionDigits: 3,
  columnType,
  comparableTimestamp: canonical,
  timestampText: canonical,
  partitionTableName: (id) => id.table,

  async describeQuery(client, query) {
    const view = quoteWith('"', `msa_source_query_${process.pid}_${++queryViews}`);
    await client.execute(`CREATE TEMP VIEW ${view} AS ${query}`);
    try {
      const info = await client.query<{ name: string; type: string; notnull: bigint }>(
        `PRAGMA temp.table_info(${view})`,
      );
      return info.map((c): ColumnDescription => {
        const declared = (c.type || '').toLowerCase();
        const m = /^([a-z ]+?)\s*(?:\((\d+)(?:\s*,\s*(\d+))?\))?$/.exec(declared);
        return {
          name: c.name,
          typeName: m?.[1]?.trim() ?? declared,
          declaredType: declared,
          nullable: Number(c.notnull) === 0,
          defaultValue: undefined,
          autoIncrement: false,
          precision: m?.[2] ? Number(m[2]) : undefined,
          scale: m?.[3] ? Number(m[3]) : undefined,
          length: undefined,
        };
      });
    } finally {
      await client.execute(`DROP VIEW IF EXISTS temp.${view}`);
    }
  },

  async databaseNow(client) {
    // SQLite's clock is UTC ('now'); CURRENT_TIMESTAMP defaults write UTC text as well.
    const rows = await client.query<{ now: string }>("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now");
    return parseWallText(String(rows[0]?.now), 'UTC');
  },

  isMissingObject(error) {
    return /no such (table|column)/i.test((error as { message?: string }).message ?? '');
  },
};
