import type { CursorPosition } from './sent-window.js';
import type { SourceDialect } from './source-dialect.js';

/**
 * The SELECT statements of the source queriers. Every name goes through the dialect's quoting
 * and every value is a parameter: a table or column name, however hostile, cannot change a
 * statement, and cursor values never appear in SQL text.
 */

/** The extra column carrying the timestamp cursor as text at full precision. */
export const CURSOR_TS_ALIAS = '__msa_cursor_ts';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** What is read: `from` is a quoted table reference or a parenthesised custom query with alias. */
export interface QueryShape {
  dialect: SourceDialect;
  from: string;
  /** Columns selected, in order (names as the database spells them). */
  columns: readonly string[];
  /** Timestamp columns (COALESCE'd in order) of the timestamp modes. */
  timestampColumns?: readonly string[] | undefined;
}

class Params {
  readonly values: unknown[] = [];
  readonly #dialect: SourceDialect;
  constructor(dialect: SourceDialect) {
    this.#dialect = dialect;
  }
  add(value: unknown): string {
    this.values.push(value);
    return this.#dialect.base.placeholder(this.values.length);
  }
}

const quote = (shape: QueryShape, name: string) => shape.dialect.base.quoteIdentifier(name);

/** The raw timestamp expression: the column, or COALESCE of the columns in order. */
function timestampExpression(shape: QueryShape): string {
  const columns = shape.timestampColumns ?? [];
  if (columns.length === 0) throw new Error('No timestamp column');
  const quoted = columns.map((c) => quote(shape, c));
  return quoted.length === 1 ? (quoted[0] as string) : `COALESCE(${quoted.join(', ')})`;
}

function comparable(shape: QueryShape): string {
  return shape.dialect.comparableTimestamp(timestampExpression(shape));
}

function selectList(shape: QueryShape, withCursorText: boolean): string {
  const list = shape.columns.map((c) => quote(shape, c));
  if (withCursorText) {
    list.push(
      `${shape.dialect.timestampText(timestampExpression(shape))} AS ${quote(shape, CURSOR_TS_ALIAS)}`,
    );
  }
  return list.length === 0 ? '1' : list.join(', ');
}

/** incrementing: `WHERE inc > ? ORDER BY inc LIMIT ?` (no lower bound before the first row). */
export function incrementingPage(
  shape: QueryShape,
  incrementing: string,
  after: unknown,
  limit: number,
): Statement {
  const p = new Params(shape.dialect);
  const inc = quote(shape, incrementing);
  const where = after === undefined ? '' : ` WHERE ${inc} > ${p.add(after)}`;
  const sql = `SELECT ${selectList(shape, false)} FROM ${shape.from}${where} ORDER BY ${inc} ASC LIMIT ${p.add(limit)}`;
  return { sql, params: p.values };
}

/**
 * timestamp+incrementing: rows after the (timestamp, id) cursor and before the upper bound, in
 * (timestamp, id) order, so rows sharing one timestamp are split across pages without loss.
 */
export function timestampIncrementingPage(
  shape: QueryShape,
  incrementing: string,
  upper: string,
  after: CursorPosition | undefined,
  limit: number,
): Statement {
  const p = new Params(shape.dialect);
  const ts = comparable(shape);
  const inc = quote(shape, incrementing);
  const conditions = [`${ts} < ${p.add(upper)}`];
  if (after?.id !== undefined) {
    conditions.push(
      `(${ts} > ${p.add(after.ts)} OR (${ts} = ${p.add(after.ts)} AND ${inc} > ${p.add(after.id)}))`,
    );
  } else if (after) {
    conditions.push(`${ts} > ${p.add(after.ts)}`);
  }
  const sql =
    `SELECT ${selectList(shape, true)} FROM ${shape.from} WHERE ${conditions.join(' AND ')} ` +
    `ORDER BY ${ts} ASC, ${inc} ASC LIMIT ${p.add(limit)}`;
  return { sql, params: p.values };
}

/** timestamp: rows after the timestamp cursor and before the upper bound, in timestamp order. */
export function timestampPage(
  shape: QueryShape,
  upper: string,
  afterTs: string | undefined,
  orderKey: readonly string[],
  limit: number,
): Statement {
  const p = new Params(shape.dialect);
  const ts = comparable(shape);
  const conditions = [`${ts} < ${p.add(upper)}`];
  if (afterTs !== undefined) conditions.push(`${ts} > ${p.add(afterTs)}`);
  const order = [`${ts} ASC`, ...orderKey.map((k) => `${quote(shape, k)} ASC`)].join(', ');
  const sql =
    `SELECT ${selectList(shape, true)} FROM ${shape.from} WHERE ${conditions.join(' AND ')} ` +
    `ORDER BY ${order} LIMIT ${p.add(limit)}`;
  return { sql, params: p.values };
}

/** Every row stamped exactly `ts` (a timestamp group larger than a page is read whole). */
export function timestampGroup(shape: QueryShape, ts: string, orderKey: readonly string[]): Statement {
  const p = new Params(shape.dialect);
  const order =
    orderKey.length === 0 ? '' : ` ORDER BY ${orderKey.map((k) => `${quote(shape, k)} ASC`).join(', ')}`;
  const sql = `SELECT ${selectList(shape, true)} FROM ${shape.from} WHERE ${comparable(shape)} = ${p.add(ts)}${order}`;
  return { sql, params: p.values };
}

/**
 * The look-back: keys and cursor text of rows stamped within [from, cursor], not past the
 * (timestamp, id) cursor, and past `floor` (rows at or before it count as sent).
 */
export function lookbackKeys(
  shape: QueryShape,
  keyColumns: readonly string[],
  incrementing: string | undefined,
  from: string,
  cursor: CursorPosition,
  floor: CursorPosition | undefined,
  limit: number,
): Statement {
  const p = new Params(shape.dialect);
  const ts = comparable(shape);
  const conditions = [`${ts} >= ${p.add(from)}`];
  if (incrementing !== undefined && cursor.id !== undefined) {
    const inc = quote(shape, incrementing);
    conditions.push(
      `(${ts} < ${p.add(cursor.ts)} OR (${ts} = ${p.add(cursor.ts)} AND ${inc} <= ${p.add(cursor.id)}))`,
    );
    if (floor?.id !== undefined) {
      conditions.push(
        `(${ts} > ${p.add(floor.ts)} OR (${ts} = ${p.add(floor.ts)} AND ${inc} > ${p.add(floor.id)}))`,
      );
    } else if (floor) {
      conditions.push(`${ts} > ${p.add(floor.ts)}`);
    }
  } else {
    conditions.push(`${ts} <= ${p.add(cursor.ts)}`);
    if (floor) conditions.push(`${ts} > ${p.add(floor.ts)}`);
  }
  const keys = keyColumns.map((k) => quote(shape, k));
  const text = `${shape.dialect.timestampText(timestampExpression(shape))} AS ${quote(shape, CURSOR_TS_ALIAS)}`;
  const sql = `SELECT ${[...keys, text].join(', ')} FROM ${shape.from} WHERE ${conditions.join(' AND ')} LIMIT ${p.add(limit)}`;
  return { sql, params: p.values };
}

/** Whole rows by key: `k IN (...)` for one key column, OR'ed equalities for a composite key. */
export function rowsByKeys(
  shape: QueryShape,
  keyColumns: readonly string[],
  keys: readonly (readonly unknown[])[],
  withCursorText: boolean,
): Statement {
  const p = new Params(shape.dialect);
  let where: string;
  if (keyColumns.length === 1) {
    where = `${quote(shape, keyColumns[0] as string)} IN (${keys.map((k) => p.add(k[0])).join(', ')})`;
  } else {
    where = keys
      .map((k) => `(${keyColumns.map((c, i) => `${quote(shape, c)} = ${p.add(k[i])}`).join(' AND ')})`)
      .join(' OR ');
  }
  const sql = `SELECT ${selectList(shape, withCursorText)} FROM ${shape.from} WHERE ${where}`;
  return { sql, params: p.values };
}

/** bulk: the whole table, a page at a time in key order (insertion order when there is no key). */
export function bulkPage(
  shape: QueryShape,
  orderKey: readonly string[],
  limit: number,
  offset: number,
): Statement {
  const p = new Params(shape.dialect);
  const order =
    orderKey.length === 0 ? '' : ` ORDER BY ${orderKey.map((k) => `${quote(shape, k)} ASC`).join(', ')}`;
  const sql = `SELECT ${selectList(shape, false)} FROM ${shape.from}${order} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`;
  return { sql, params: p.values };
}

/** A custom query as a derived table, so the mode's conditions wrap it whatever clauses it has. */
export function customQuerySource(query: string): string {
  return `(${query}) msa_q`;
}
