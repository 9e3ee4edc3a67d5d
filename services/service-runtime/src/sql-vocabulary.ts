import type { DatabaseDialect } from '@msa-sync/connect/connectors/jdbc/dialect/index';

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
    return this.#dialect.name === 'sqlite' ? 'TEXT' : `VARCHAR(${length})`;
  }

  get int(): string {
    return this.#dialect.name === 'mariadb' ? 'INT' : 'INTEGER';
  }

  get timestamp(): string {
    switch (this.#dialect.name) {
      case 'mariadb':
        return 'DATETIME(3)';
      case 'postgres':
        return 'TIMESTAMPTZ(3)';
      default:
        return 'TEXT';
    }
  }

  /** `DEFAULT <now>` for a `timestamp` column. */
  get nowDefault(): string {
    switch (this.#dialect.name) {
      case 'mariadb':
        return 'DEFAULT CURRENT_TIMESTAMP(3)';
      case 'postgres':
        return 'DEFAULT CURRENT_TIMESTAMP';
      default:
        return "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
    }
  }

  /** `CREATE TABLE IF NOT EXISTS` with the body given (columns and keys, already quoted). */
  createTable(table: string, body: string[]): string {
    const suffix = this.#dialect.name === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : '';
    return `CREATE TABLE IF NOT EXISTS ${this.id(table)} (\n  ${body.join(',\n  ')}\n)${suffix}`;
  }

  /**
   * INSERT that updates `columns` minus `keys` when a row with the same key exists; `rows` rows
   * of parameters (row after row). The rows of one statement must not share a key (PostgreSQL
   * refuses to update a row twice in one statement).
   */
  upsert(table: string, keys: readonly string[], columns: readonly string[], rows = 1): string {
    const values = Array.from(
      { length: rows },
      (_, i) => `(${this.params(columns.length, i * columns.length + 1)})`,
    ).join(', ');
    const insert = `INSERT INTO ${this.id(table)} (${columns.map((c) => this.id(c)).join(', ')}) VALUES ${values}`;
    const updated = columns.filter((c) => !keys.includes(c));
    if (this.#dialect.name === 'mariadb') {
      return `${insert} ON DUPLICATE KEY UPDATE ${updated.map((c) => `${this.id(c)} = VALUES(${this.id(c)})`).join(', ')}`;
    }
    return `${insert} ON CONFLICT (${keys.map((k) => this.id(k)).join(', ')}) DO UPDATE SET ${updated
      .map((c) => `${this.id(c)} = EXCLUDED.${this.id(c)}`)
      .join(', ')}`;
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
