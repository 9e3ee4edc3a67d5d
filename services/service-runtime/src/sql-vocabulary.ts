import type { DatabaseDialect } from '@msa-sync/sql';

/**
 * The few SQL pieces the services write that differ between MariaDB, PostgreSQL and SQLite:
 * column types, "now" defaults, and upsert. Identifiers are quoted by the
 * dialect; values always go through placeholders.
 */
export class SqlVocabulary {
  readonly #dialect: DatabaseDialect;

  constructor(dialect: DatabaseDialect) {
    this.#dialect = dialect;
  }

  get dialectName(): DatabaseDialect['name'] {
    return this.#dialect.name;
  }

  id(name: string): string {
    return this.#dialect.quoteIdentifier(name);
  }

  /** Placeholders for parameters `from`..`from + count - 1` (1-based), comma separated. */
  params(count: number, from = 1): string {
    return Array.from({ length: count }, (_, i) => this.#dialect.placeholder(from + i)).join(', ');
  }

  p(index: number): string {
    return this.#dialect.placeholder(index);
  }

  varchar(length: number): string {
    return this.#dialect.varcharType(length);
  }

  get int(): string {
    return this.#dialect.intType;
  }

  get timestamp(): string {
    return this.#dialect.timestampType;
  }

  /** `DEFAULT <now>` for a `timestamp` column. */
  get nowDefault(): string {
    return this.#dialect.nowDefault;
  }

  /** `CREATE TABLE IF NOT EXISTS` with the body given (columns and keys, already quoted). */
  createTable(table: string, body: string[]): string {
    return `CREATE TABLE IF NOT EXISTS ${this.id(table)} (\n  ${body.join(',\n  ')}\n)${this.#dialect.tableOptions}`;
  }

  /**
   * INSERT that updates `columns` minus `keys` when a row with the same key exists; `rows` rows
   * of parameters (row after row). The rows of one statement must not share a key (PostgreSQL
   * refuses to update a row twice in one statement).
   */
  upsert(table: string, keys: readonly string[], columns: readonly string[], rows = 1): string {
    return this.#dialect.upsert({ table }, columns, keys, rows);
  }
}

/** A timestamp column's value as ISO-8601 UTC, whichever driver read it. */
export function isoTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  // SQLite's CURRENT_TIMESTAMP form ('2026-11-25 10:00:00') is UTC without a zone.
  const date = new Date(/Z|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}
