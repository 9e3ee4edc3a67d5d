import { describe, expect, it } from 'vitest';
import { ALL_DIALECTS, createTestDatabase } from '../support/databases.js';

describe.each(ALL_DIALECTS)('%s dialect against the real database', (name) => {
  it('describes tables, keys and columns; quotes hostile names; reads the database clock', async () => {
    const db = await createTestDatabase(name);
    const client = await db.connect();
    const d = db.dialect;
    try {
      const hostile = 'users"; DROP TABLE safe; -- `x`';
      const q = (s: string) => d.quoteIdentifier(s);
      const intType = name === 'postgres' ? 'SERIAL' : name === 'mariadb' ? 'INT AUTO_INCREMENT' : 'INTEGER';
      await client.execute(`CREATE TABLE ${q('safe')} (${q('id')} INT PRIMARY KEY)`);
      await client.execute(
        `CREATE TABLE ${q(hostile)} (${q('id')} ${intType} PRIMARY KEY, ${q('email')} VARCHAR(50) NOT NULL, ` +
          `${q('na"me')} VARCHAR(20), ${q('price')} DECIMAL(10,2), UNIQUE (${q('email')}))`,
      );
      const tables = (await d.listTables(client, ['TABLE'])).map((t) => t.table);
      expect(tables).toEqual(expect.arrayContaining(['safe', hostile]));

      const described = await d.describeTable(client, { table: hostile });
      expect(described?.primaryKey).toEqual(['id']);
      expect(described?.uniqueKeys).toEqual([['email']]);
      expect(described?.columns.map((c) => c.name)).toEqual(['id', 'email', 'na"me', 'price']);
      const email = described?.columns.find((c) => c.name === 'email');
      expect(email).toMatchObject({ nullable: false, length: 50 });
      expect(described?.columns.find((c) => c.name === 'id')?.autoIncrement).toBe(true);
      const price = described?.columns.find((c) => c.name === 'price');
      expect(price).toMatchObject({ precision: 10, scale: 2 });
      expect(await d.describeTable(client, { table: 'no_such_table' })).toBeUndefined();

      // Parameters, transactions and bulk execution.
      const p = (i: number) => d.placeholder(i);
      await client.executeMany(
        `INSERT INTO ${d.tableRef({ table: hostile })} (${q('email')}, ${q('na"me')}) VALUES (${p(1)}, ${p(2)})`,
        [
          ['a@x', 'A'],
          ['b@x', null],
        ],
      );
      await expect(
        client.transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${q(hostile)} (${q('email')}) VALUES (${p(1)})`, ['c@x']);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const rows = await client.query<{ email: string }>(
        `SELECT ${q('email')} AS email FROM ${q(hostile)} ORDER BY 1`,
      );
      expect(rows.map((r) => r.email)).toEqual(['a@x', 'b@x']);
      expect((await d.listTables(client, ['TABLE'])).map((t) => t.table)).toContain('safe');

      const now = await d.currentTimestamp(client);
      expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(5000);

      // A duplicate key is a data error, not one to retry.
      const dup = await client
        .execute(`INSERT INTO ${q(hostile)} (${q('email')}) VALUES (${p(1)})`, ['a@x'])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(dup).toBeDefined();
      expect(d.classifyError(dup).retriable).toBe(false);
    } finally {
      await client.close();
      await db.drop();
    }
  });
});
