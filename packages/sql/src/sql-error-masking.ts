/**
 * Keeps record content out of database errors. A driver's error text may quote the values a
 * statement carried: the mariadb driver appends `sql: … - parameters:[…]`, and servers quote the
 * offending value (MariaDB `Duplicate entry 'x@y' for key 'email'`, PostgreSQL `invalid input
 * syntax for type integer: "abc"` and `DETAIL: Key (email)=(x@y) already exists`). Those errors end
 * up in log lines, task traces, REST answers and DLQ headers, so every error a {@link SqlClient}
 * throws is masked here, in place, before anyone sees it: table, column and constraint names stay,
 * values become `[masked]`. The driver's structured fields (errno, SQLSTATE, sqlMessage, detail)
 * say which text holds a value; the error keeps its type and fields, so classifying it still works.
 */
import type { Row, SqlClient } from './sql-client.js';

/** What stands where a value was. */
export const MASKED_VALUE = '[masked]';

const masked = Symbol('sqlErrorMasked');

/**
 * MariaDB errors whose message quotes a value: between its first single quote and its last one
 * (for duplicate entries: before `' for key '`). ER_DUP_ENTRY, ER_TRUNCATED_WRONG_VALUE,
 * ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, ER_ILLEGAL_VALUE_FOR_TYPE, ER_WRONG_VALUE_FOR_TYPE,
 * ER_INVALID_CHARACTER_STRING, ER_WRONG_VALUE, ER_DUP_ENTRY_WITH_KEY_NAME, ER_DATA_OUT_OF_RANGE,
 * and ER_PARSE_ERROR (its `near '…'` quotes the statement, with the values the text protocol
 * put into it).
 */
const MARIADB_VALUE_ERRNOS = new Set([1062, 1292, 1366, 1367, 1411, 1300, 1525, 1586, 1690, 1064]);
const MARIADB_DUPLICATE_ERRNOS = new Set([1062, 1586]);

interface MariaDbErrorShape extends Error {
  errno: number;
  sqlMessage: string;
  sql?: string | null;
}

interface PostgresErrorShape extends Error {
  severity: string;
  code: string;
  detail?: string;
  where?: string;
}

/**
 * Masks the values a driver error quotes, in place, and returns it. Knows the mariadb, pg and
 * better-sqlite3 error shapes; anything else (a socket error, our own errors) is returned as is.
 * Masking twice is harmless.
 */
export function maskSqlError<E>(error: E): E {
  if (!(error instanceof Error) || (error as { [masked]?: true })[masked]) return error;
  const before = error.message;
  if (isMariaDbError(error)) maskMariaDb(error);
  else if (isPostgresError(error)) maskPostgres(error);
  else if (isSqliteError(error)) error.message = maskQuoted(error.message, "'");
  else return error;
  if (error.message !== before) replaceStackHeader(error, before);
  Object.defineProperty(error, masked, { value: true });
  return error as E;
}

/** A client whose every error went through {@link maskSqlError}; the dialects hand out only these. */
export function withMaskedErrors(client: SqlClient): SqlClient {
  const mask = (error: unknown): never => {
    throw maskSqlError(error);
  };
  const wrapped: SqlClient = {
    query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) =>
      client.query<T>(sql, params).catch(mask),
    execute: (sql, params) => client.execute(sql, params).catch(mask),
    executeMany: (sql, rows) => client.executeMany(sql, rows).catch(mask),
    transaction: (work) =>
      client.transaction((tx) => work(tx === client ? wrapped : withMaskedErrors(tx))).catch(mask),
    close: () => client.close(),
  };
  return wrapped;
}

function isMariaDbError(error: Error): error is MariaDbErrorShape {
  const e = error as Partial<MariaDbErrorShape>;
  return typeof e.errno === 'number' && typeof e.sqlMessage === 'string';
}

function isPostgresError(error: Error): error is PostgresErrorShape {
  const e = error as Partial<PostgresErrorShape>;
  return typeof e.severity === 'string' && typeof e.code === 'string';
}

function isSqliteError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * The driver builds `message` as `(conn:…, no: …, SQLState: …) <sqlMessage>\nsql: <sql>`; `sql`
 * carries ` - parameters:[…]` unless the connection says logParam=false (ours do; a foreign
 * connection may not). The server message loses its quoted value, the statement its parameters.
 */
function maskMariaDb(error: MariaDbErrorShape): void {
  const original = error.sqlMessage;
  const message = maskMariaDbMessage(error.errno, original);
  const sql = typeof error.sql === 'string' ? withoutParameters(error.sql) : error.sql;
  const at = error.message.indexOf(original);
  const header = at >= 0 ? error.message.slice(0, at) : '';
  error.sqlMessage = message;
  if (sql !== undefined) error.sql = sql;
  error.message = `${header}${message}${sql ? `\nsql: ${sql}` : ''}`;
}

export function maskMariaDbMessage(errno: number, text: string): string {
  if (!MARIADB_VALUE_ERRNOS.has(errno)) return text;
  const open = text.indexOf("'");
  if (open < 0) return text;
  const close = MARIADB_DUPLICATE_ERRNOS.has(errno) ? text.lastIndexOf("' for key '") : text.lastIndexOf("'");
  // A layout we do not know: everything from the first quote on may be the value.
  if (close <= open) return `${text.slice(0, open)}'${MASKED_VALUE}'`;
  return `${text.slice(0, open)}'${MASKED_VALUE}${text.slice(close)}`;
}

function withoutParameters(sql: string): string {
  const at = sql.indexOf(' - parameters:');
  return at >= 0 ? sql.slice(0, at) : sql;
}

/**
 * PostgreSQL quotes a value in the message of a data exception (SQLSTATE class 22), in the detail
 * of integrity violations (class 23: `Key (email)=(…)`, `Failing row contains (…)`), and in
 * `where` when the server logs bind parameters (`parameter $1 = '…'`). Names stay: `table`,
 * `column`, `constraint` are fields of their own and the messages quote identifiers outside class 22.
 */
function maskPostgres(error: PostgresErrorShape): void {
  const dataException = error.code.startsWith('22');
  if (dataException) {
    // Bytes of a value that is not valid in the encoding: `0xe3 0x81`.
    error.message = maskQuoted(error.message, '"').replace(
      /0x[0-9a-f]{2}(?: 0x[0-9a-f]{2})*/gi,
      MASKED_VALUE,
    );
  }
  if (typeof error.detail === 'string') error.detail = maskPostgresDetail(error.detail, error.code);
  if (typeof error.where === 'string') {
    error.where = error.where.replace(/(parameter \$\d+ = )'(?:[^']|'')*'/g, `$1'${MASKED_VALUE}'`);
  }
}

export function maskPostgresDetail(detail: string, code: string): string {
  const key = /^Key \((.*?)\)=\(/s.exec(detail);
  if (key) {
    // `Key (cols)=(vals) already exists.` / `… is not present in table "t".`: the values end at
    // the last `) ` (a value may hold parentheses; the tail holds none but the table's quotes).
    const end = detail.lastIndexOf(') ');
    const tail = end > key[0].length ? detail.slice(end) : ')';
    return `Key (${key[1]})=(${MASKED_VALUE}${tail}`;
  }
  if (detail.startsWith('Failing row contains (')) return `Failing row contains (${MASKED_VALUE}).`;
  // Any other detail of a data or integrity error may hold a value; others (locks, deadlocks) do not.
  if (code.startsWith('22') || code.startsWith('23')) return MASKED_VALUE;
  return detail;
}

/** Masks from the first `quote` to the last: a value may contain the quote character itself. */
export function maskQuoted(text: string, quote: string): string {
  const open = text.indexOf(quote);
  const close = text.lastIndexOf(quote);
  if (open < 0) return text;
  if (close <= open) return `${text.slice(0, open)}${quote}${MASKED_VALUE}${quote}`;
  return `${text.slice(0, open)}${quote}${MASKED_VALUE}${text.slice(close)}`;
}

/** The stack starts with `<name>: <message>`: the old message goes, the frames stay. */
function replaceStackHeader(error: Error, before: string): void {
  const stack = error.stack;
  if (typeof stack !== 'string') return;
  const at = stack.indexOf(before);
  if (at >= 0) {
    error.stack = `${stack.slice(0, at)}${error.message}${stack.slice(at + before.length)}`;
    return;
  }
  // A stack that does not repeat the message verbatim: keep only its frames.
  const frames = stack.indexOf('\n    at ');
  error.stack = `${error.name}: ${error.message}${frames >= 0 ? stack.slice(frames) : ''}`;
}
