import type { SqlClient } from '../sql-client.js';

/** A column as information_schema.COLUMNS states it: what `MODIFY COLUMN` must say again. */
export interface MariaDbColumnDefinition {
  columnType: string;
  nullable: boolean;
  /** COLUMN_DEFAULT: an expression text (`NULL`, `'a'`, `0`, `current_timestamp()`) or null for none. */
  defaultExpression: string | null;
  extra: string;
  comment: string;
}

export async function readColumnDefinition(
  client: SqlClient,
  schema: string | undefined,
  table: string,
  column: string,
): Promise<MariaDbColumnDefinition | undefined> {
  const rows = await client.query<Record<string, unknown>>(
    `SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [schema ?? null, table, column],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    columnType: String(row.COLUMN_TYPE),
    nullable: row.IS_NULLABLE === 'YES',
    defaultExpression:
      row.COLUMN_DEFAULT === null || row.COLUMN_DEFAULT === undefined ? null : String(row.COLUMN_DEFAULT),
    extra: String(row.EXTRA ?? ''),
    comment: String(row.COLUMN_COMMENT ?? ''),
  };
}

/** A string literal MariaDB reads back as `text` (backslashes and quotes doubled/escaped). */
function literal(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * `MODIFY COLUMN` restates the whole column: whatever it leaves out is lost. This keeps what an
 * integer or float column can carry besides its type (NULL/NOT NULL, DEFAULT, AUTO_INCREMENT,
 * UNSIGNED, COMMENT) and refuses, with the reason, what it cannot restate faithfully (generated
 * or invisible columns, ON UPDATE, or an EXTRA it does not know).
 */
export function modifyColumnSql(
  tableSql: string,
  quotedName: string,
  columnName: string,
  sqlType: string,
  current: MariaDbColumnDefinition,
): string {
  const extra = current.extra.trim().toLowerCase();
  const autoIncrement = extra === 'auto_increment';
  if (extra !== '' && !autoIncrement) {
    throw new Error(
      `Cannot widen column '${columnName}' to ${sqlType} without losing its definition (EXTRA: ${current.extra}); change it by hand`,
    );
  }
  const unsigned =
    /\bunsigned\b/i.test(current.columnType) && !/\bunsigned\b/i.test(sqlType) ? ' UNSIGNED' : '';
  const zerofill = /\bzerofill\b/i.test(current.columnType) ? ' ZEROFILL' : '';
  const parts = [`ALTER TABLE ${tableSql} MODIFY COLUMN ${quotedName} ${sqlType}${unsigned}${zerofill}`];
  parts.push(current.nullable ? 'NULL' : 'NOT NULL');
  // An AUTO_INCREMENT column has no default; COLUMN_DEFAULT 'NULL' on a nullable one is no default.
  if (
    !autoIncrement &&
    current.defaultExpression !== null &&
    !(current.nullable && current.defaultExpression === 'NULL')
  ) {
    parts.push(`DEFAULT ${current.defaultExpression}`);
  }
  if (autoIncrement) parts.push('AUTO_INCREMENT');
  if (current.comment !== '') parts.push(`COMMENT ${literal(current.comment)}`);
  return parts.join(' ');
}
