import { describe, expect, it } from 'vitest';
import { type SourceDialect, sourceDialectFor } from './source-dialect.js';
import {
  bulkPage,
  customQuerySource,
  incrementingPage,
  lookbackKeys,
  type QueryShape,
  rowsByKeys,
  timestampGroup,
  timestampIncrementingPage,
  timestampPage,
} from './source-queries.js';

const mariadbSourceDialect = sourceDialectFor('mariadb');
const postgresSourceDialect = sourceDialectFor('postgres');
const sqliteSourceDialect = sourceDialectFor('sqlite');

const hostileTable = 'users`"; DROP TABLE safe; --';
const hostileColumn = 'na"me`) OR 1=1 --';

function shape(dialect: SourceDialect, timestampColumns = ['updated_at']): QueryShape {
  return {
    dialect,
    from: dialect.base.tableRef({ table: hostileTable }),
    columns: ['id', hostileColumn],
    timestampColumns,
  };
}

describe('source query building', () => {
  it('MariaDB: backquoted names, ? placeholders, values only as parameters', () => {
    const s = shape(mariadbSourceDialect);
    expect(incrementingPage(s, 'id', 41, 100)).toEqual({
      sql: 'SELECT `id`, `na"me``) OR 1=1 --` FROM `users``"; DROP TABLE safe; --` WHERE `id` > ? ORDER BY `id` ASC LIMIT ?',
      params: [41, 100],
    });
    expect(incrementingPage(s, 'id', undefined, 10).sql).not.toContain('WHERE');

    const page = timestampIncrementingPage(
      s,
      'id',
      '2024-01-01 00:00:05.000000',
      { ts: '2024-01-01 00:00:01.5', id: 7 },
      50,
    );
    expect(page.sql).toBe(
      "SELECT `id`, `na\"me``) OR 1=1 --`, DATE_FORMAT(`updated_at`, '%Y-%m-%d %H:%i:%s.%f') AS `__msa_cursor_ts` " +
        'FROM `users``"; DROP TABLE safe; --` WHERE `updated_at` < ? AND (`updated_at` > ? OR (`updated_at` = ? AND `id` > ?)) ' +
        'ORDER BY `updated_at` ASC, `id` ASC LIMIT ?',
    );
    expect(page.params).toEqual([
      '2024-01-01 00:00:05.000000',
      '2024-01-01 00:00:01.5',
      '2024-01-01 00:00:01.5',
      7,
      50,
    ]);
  });

  it('PostgreSQL: double-quoted names and numbered placeholders in parameter order', () => {
    const s = shape(postgresSourceDialect, ['modified', 'created']);
    const page = timestampIncrementingPage(s, 'id', 'U', { ts: 'T', id: 3n }, 10);
    expect(page.sql).toBe(
      'SELECT "id", "na""me`) OR 1=1 --", to_char(COALESCE("modified", "created"), \'YYYY-MM-DD HH24:MI:SS.US\') AS "__msa_cursor_ts" ' +
        'FROM "users`""; DROP TABLE safe; --" WHERE COALESCE("modified", "created") < $1 AND ' +
        '(COALESCE("modified", "created") > $2 OR (COALESCE("modified", "created") = $3 AND "id" > $4)) ' +
        'ORDER BY COALESCE("modified", "created") ASC, "id" ASC LIMIT $5',
    );
    expect(page.params).toEqual(['U', 'T', 'T', 3n, 10]);
    const first = timestampIncrementingPage(s, 'id', 'U', undefined, 10);
    expect(first.sql).toContain('WHERE COALESCE("modified", "created") < $1 ORDER BY');
    expect(first.params).toEqual(['U', 10]);
  });

  it('SQLite: timestamps compared in one canonical text form', () => {
    const s = shape(sqliteSourceDialect);
    const page = timestampPage(s, 'U', 'T', ['id'], 11);
    expect(page.sql).toBe(
      'SELECT "id", "na""me`) OR 1=1 --", strftime(\'%Y-%m-%d %H:%M:%f\', "updated_at") AS "__msa_cursor_ts" ' +
        'FROM "users`""; DROP TABLE safe; --" WHERE strftime(\'%Y-%m-%d %H:%M:%f\', "updated_at") < ? AND ' +
        'strftime(\'%Y-%m-%d %H:%M:%f\', "updated_at") > ? ORDER BY strftime(\'%Y-%m-%d %H:%M:%f\', "updated_at") ASC, "id" ASC LIMIT ?',
    );
    expect(page.params).toEqual(['U', 'T', 11]);
    expect(timestampGroup(s, 'T', []).sql).toMatch(
      /WHERE strftime\('%Y-%m-%d %H:%M:%f', "updated_at"\) = \?$/,
    );
  });

  it.each([
    ['mariadb', mariadbSourceDialect],
    ['postgres', postgresSourceDialect],
    ['sqlite', sqliteSourceDialect],
  ] as const)('%s: look-back, fetch by key and bulk statements keep every name quoted', (_name, dialect) => {
    const s = shape(dialect);
    const q = dialect.base.quoteIdentifier;
    const look = lookbackKeys(s, [hostileColumn], 'id', 'F', { ts: 'C', id: 9 }, { ts: 'L', id: 2 }, 1000);
    expect(look.params).toEqual(['F', 'C', 'C', 9, 'L', 'L', 2, 1000]);
    expect(look.sql).toContain(`SELECT ${q(hostileColumn)}, `);
    expect(look.sql).toContain(`${q('id')} <= `);
    const byKey = rowsByKeys(
      s,
      ['a', hostileColumn],
      [
        [1, 'x'],
        [2, 'y'],
      ],
      false,
    );
    expect(byKey.sql).toContain(`(${q('a')} = `);
    expect(byKey.params).toEqual([1, 'x', 2, 'y']);
    expect(rowsByKeys(s, ['id'], [[1], [2], [3]], false).sql).toMatch(/IN \((\?|\$1), (\?|\$2), (\?|\$3)\)$/);
    const bulk = bulkPage(s, [hostileColumn], 100, 200);
    expect(bulk.sql).toContain(`ORDER BY ${q(hostileColumn)} ASC LIMIT`);
    expect(bulk.params).toEqual([100, 200]);
    // Whatever the names, the text outside quoted words is the statement's own.
    const unquoted = [look.sql, byKey.sql, bulk.sql].map((sql) =>
      sql.replace(/`(?:[^`]|``)*`|"(?:[^"]|"")*"|'[^']*'/g, 'N'),
    );
    for (const sql of unquoted) expect(sql).not.toMatch(/DROP|OR 1=1|--/);
  });

  it('wraps a custom query so the mode conditions apply to its rows', () => {
    const s: QueryShape = {
      dialect: postgresSourceDialect,
      from: customQuerySource('SELECT id, name FROM users WHERE active'),
      columns: ['id', 'name'],
    };
    expect(incrementingPage(s, 'id', 5, 10).sql).toBe(
      'SELECT "id", "name" FROM (SELECT id, name FROM users WHERE active) msa_q WHERE "id" > $1 ORDER BY "id" ASC LIMIT $2',
    );
  });
});
