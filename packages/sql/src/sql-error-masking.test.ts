import Database from 'better-sqlite3';
import { SqlError } from 'mariadb';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dialectFor } from './index.js';
import type { SqlClient } from './sql-client.js';
import { MASKED_VALUE, maskSqlError, withMaskedErrors } from './sql-error-masking.js';

const MARKER = 'MARKER-5f3a';

/** A mariadb driver error as the driver builds it (its own class and message layout). */
function mariadbError(sqlMessage: string, errno: number, sqlState: string, sql: string): SqlError {
  return new SqlError(sqlMessage, sql, false, { threadId: 7 }, sqlState, errno);
}

/** A pg server error as pg-protocol parses it: message, then the fields it sets one by one. */
function pgError(message: string, fields: Record<string, string>): Error {
  const error = new pg.DatabaseError(message, message.length, 'error');
  return Object.assign(error, { severity: 'ERROR', ...fields });
}

/** Everything a log line, trace, REST answer or DLQ header could show of the error. */
function everything(error: unknown): string {
  const e = error as Error;
  return JSON.stringify({ ...e, message: e.message, stack: e.stack });
}

describe('maskSqlError: mariadb', () => {
  it('drops the parameters the driver appends and keeps table and columns', () => {
    const error = mariadbError(
      "Data too long for column 'email' at row 1",
      1406,
      '22001',
      `INSERT INTO \`t\` (\`id\`,\`email\`) VALUES (?,?) - parameters:[50,'${MARKER}@shop.test']`,
    );
    expect(everything(error)).toContain(MARKER);
    maskSqlError(error);
    expect(everything(error)).not.toContain(MARKER);
    expect(error.message).toBe(
      "(conn:7, no: 1406, SQLState: 22001) Data too long for column 'email' at row 1\nsql: INSERT INTO `t` (`id`,`email`) VALUES (?,?)",
    );
    expect(error.stack?.split('\n')[0]).toBe(
      "SqlError: (conn:7, no: 1406, SQLState: 22001) Data too long for column 'email' at row 1",
    );
    // Still classified by its fields.
    expect([error.errno, error.sqlState, error.code]).toEqual([1406, '22001', 'ER_DATA_TOO_LONG']);
  });

  it('masks the entry of a duplicate key, keeping the key name, even with quotes in the value', () => {
    const error = mariadbError(
      `Duplicate entry '${MARKER}' for key' for key 'email'`,
      1062,
      '23000',
      'INSERT INTO t VALUES (?)',
    );
    maskSqlError(error);
    expect(error.sqlMessage).toBe(`Duplicate entry '${MASKED_VALUE}' for key 'email'`);
    expect(everything(error)).not.toContain(MARKER);
  });

  it('masks a value the server could not convert, keeping the column', () => {
    const error = mariadbError(
      `Incorrect integer value: '${MARKER}' for column \`db\`.\`t\`.\`n\` at row 1`,
      1366,
      '22007',
      'INSERT INTO t VALUES (?)',
    );
    maskSqlError(error);
    expect(error.sqlMessage).toBe(
      `Incorrect integer value: '${MASKED_VALUE}' for column \`db\`.\`t\`.\`n\` at row 1`,
    );
  });

  it('masks the statement text a syntax error quotes (the text protocol puts values into it)', () => {
    const error = mariadbError(
      `You have an error in your SQL syntax; check the manual near '${MARKER}') garbage' at line 1`,
      1064,
      '42000',
      'INSERT INTO t VALUES (?) garbage',
    );
    maskSqlError(error);
    expect(error.sqlMessage).toBe(
      `You have an error in your SQL syntax; check the manual near '${MASKED_VALUE}' at line 1`,
    );
  });

  it('leaves messages that quote only names, and is idempotent', () => {
    const error = mariadbError("Column 'email' cannot be null", 1048, '23000', 'INSERT INTO t VALUES (?)');
    const before = error.message;
    maskSqlError(maskSqlError(error));
    expect(error.message).toBe(before);
  });
});

describe('maskSqlError: PostgreSQL', () => {
  it('masks the key values of a unique violation, keeping columns and constraint', () => {
    const error = pgError('duplicate key value violates unique constraint "users_email_key"', {
      code: '23505',
      detail: `Key (email)=(${MARKER}@shop.test) already exists.`,
      table: 'users',
      constraint: 'users_email_key',
    });
    maskSqlError(error);
    expect(everything(error)).not.toContain(MARKER);
    expect((error as { detail?: string }).detail).toBe(`Key (email)=(${MASKED_VALUE}) already exists.`);
    expect(error.message).toBe('duplicate key value violates unique constraint "users_email_key"');
  });

  it('masks a foreign key detail, keeping the referenced table', () => {
    const error = pgError('insert or update on table "orders" violates foreign key constraint "fk"', {
      code: '23503',
      detail: `Key (user_id)=(${MARKER}) is not present in table "users".`,
    });
    maskSqlError(error);
    expect((error as { detail?: string }).detail).toBe(
      `Key (user_id)=(${MASKED_VALUE}) is not present in table "users".`,
    );
  });

  it('masks the failing row of a check or not-null violation', () => {
    const error = pgError('new row for relation "t" violates check constraint "t_n_check"', {
      code: '23514',
      detail: `Failing row contains (4, ${MARKER}, -1).`,
    });
    maskSqlError(error);
    expect((error as { detail?: string }).detail).toBe(`Failing row contains (${MASKED_VALUE}).`);
  });

  it('masks the value a data exception quotes, in the message and the stack', () => {
    const error = pgError(`invalid input syntax for type integer: "${MARKER}"`, {
      code: '22P02',
      where: `unnamed portal parameter $3 = '${MARKER}'`,
    });
    maskSqlError(error);
    expect(error.message).toBe(`invalid input syntax for type integer: "${MASKED_VALUE}"`);
    expect((error as { where?: string }).where).toBe(`unnamed portal parameter $3 = '${MASKED_VALUE}'`);
    expect(everything(error)).not.toContain(MARKER);
    expect(error.stack?.startsWith(`error: invalid input syntax for type integer: "${MASKED_VALUE}"`)).toBe(
      true,
    );
  });

  it('keeps messages without values (value too long names only the type)', () => {
    const error = pgError('value too long for type character varying(10)', { code: '22001' });
    maskSqlError(error);
    expect(error.message).toBe('value too long for type character varying(10)');
  });
});

describe('maskSqlError: SQLite', () => {
  it('keeps constraint messages, which name columns only', () => {
    const error = new Database.SqliteError('UNIQUE constraint failed: t.email', 'SQLITE_CONSTRAINT_UNIQUE');
    maskSqlError(error);
    expect(error.message).toBe('UNIQUE constraint failed: t.email');
  });

  it('masks a quoted literal, e.g. a trigger raising with a value', () => {
    const error = new Database.SqliteError(`bad email '${MARKER}' rejected`, 'SQLITE_CONSTRAINT_TRIGGER');
    maskSqlError(error);
    expect(error.message).toBe(`bad email '${MASKED_VALUE}' rejected`);
    expect(everything(error)).not.toContain(MARKER);
  });
});

describe('withMaskedErrors', () => {
  it('masks what every method and the transaction throw, and leaves other errors alone', async () => {
    const fail = async (): Promise<never> => {
      throw mariadbError(
        "Data too long for column 'e' at row 1",
        1406,
        '22001',
        `X - parameters:['${MARKER}']`,
      );
    };
    const inner: SqlClient = {
      query: fail,
      execute: fail,
      executeMany: fail,
      transaction: (work) => work(inner),
      close: async () => {},
    };
    const client = withMaskedErrors(inner);
    for (const run of [
      () => client.query('X'),
      () => client.execute('X'),
      () => client.executeMany('X', [[1]]),
      () => client.transaction((tx) => tx.execute('X')),
    ]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlError);
      expect(everything(error)).not.toContain(MARKER);
    }
    const plain = new Error(`not a driver error ${MARKER}`);
    expect(maskSqlError(plain).message).toContain(MARKER);
  });
});

describe('classifyError', () => {
  it('masks a driver error that did not come through a client, and still sorts it by its fields', () => {
    const error = mariadbError(
      `Duplicate entry '${MARKER}' for key 'email'`,
      1062,
      '23000',
      `INSERT INTO t VALUES (?) - parameters:['${MARKER}']`,
    );
    const info = dialectFor('mariadb').classifyError(error);
    expect(info.message).not.toContain(MARKER);
    expect(info).toMatchObject({ retriable: false, sqlState: '23000' });
    const pgInfo = dialectFor('postgres').classifyError(
      pgError(`invalid input syntax for type integer: "${MARKER}"`, { code: '22P02' }),
    );
    expect(pgInfo.message).not.toContain(MARKER);
    expect(pgInfo.sqlState).toBe('22P02');
  });
});
