import type { SinkRecord, SinkTaskContext } from '@msa-sync/connect/api';
import { SchemaBuilder, Schemas, Struct } from '@msa-sync/connect/data';
import { JdbcSinkTask } from '@msa-sync/connect/testing';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

/**
 * Issue 14: auto.evolve widened MariaDB columns with a MODIFY COLUMN that dropped AUTO_INCREMENT
 * and the column comment. Widening now keeps every attribute the column had.
 */
describe('JDBC sink auto.evolve widening on MariaDB keeps the column definition', () => {
  let db: TestDatabase;
  let client: SqlClient;

  beforeAll(async () => {
    db = await createTestDatabase('mariadb', 'widen');
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop().catch(() => {});
  });

  const definition = async (table: string, column: string) =>
    (
      await client.query<Record<string, unknown>>(
        `SELECT COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
        [table, column],
      )
    )[0];

  it('INT → BIGINT keeps AUTO_INCREMENT, UNSIGNED, defaults, nullability and comments', async () => {
    const table = `widen_${uniqueName('t').replaceAll('-', '_')}`;
    await client.execute(
      `CREATE TABLE \`${table}\` (
         id INT NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'row id, it''s generated',
         amount INT UNSIGNED NULL DEFAULT 5 COMMENT 'how much',
         qty SMALLINT NOT NULL DEFAULT 1,
         note VARCHAR(20) NULL)`,
    );
    const schema = SchemaBuilder.struct()
      .name('item')
      .field('id', Schemas.INT64)
      .field('amount', Schemas.OPTIONAL_INT64)
      .field('qty', Schemas.INT64)
      .field('note', Schemas.OPTIONAL_STRING)
      .build();
    const record: SinkRecord = {
      topic: table,
      kafkaPartition: 0,
      kafkaOffset: 0n,
      keySchema: undefined,
      key: null,
      valueSchema: schema,
      value: new Struct(schema)
        .put('id', 2 ** 40)
        .put('amount', 2 ** 35)
        .put('qty', 2 ** 33)
        .put('note', 'x'),
      timestamp: undefined,
      headers: [],
    };
    const task = new JdbcSinkTask();
    const context: SinkTaskContext = {
      connector: 'widen',
      taskId: 0,
      offset: () => {},
      requestCommit: () => {},
      errantRecordReporter: undefined,
      assignment: () => [],
    };
    await task.start(
      { 'connection.url': db.url, ...(db.user ? { 'connection.user': db.user } : {}), 'auto.evolve': 'true' },
      context,
    );
    try {
      await task.put([record]);
    } finally {
      await task.stop();
    }
    expect(await definition(table, 'id')).toEqual({
      COLUMN_TYPE: 'bigint(20)',
      IS_NULLABLE: 'NO',
      COLUMN_DEFAULT: null,
      EXTRA: 'auto_increment',
      COLUMN_COMMENT: "row id, it's generated",
    });
    expect(await definition(table, 'amount')).toEqual({
      COLUMN_TYPE: 'bigint(20) unsigned',
      IS_NULLABLE: 'YES',
      COLUMN_DEFAULT: '5',
      EXTRA: '',
      COLUMN_COMMENT: 'how much',
    });
    expect(await definition(table, 'qty')).toMatchObject({
      COLUMN_TYPE: 'bigint(20)',
      IS_NULLABLE: 'NO',
      COLUMN_DEFAULT: '1',
    });
    // AUTO_INCREMENT still works: a row without id gets the next one.
    await client.execute(`INSERT INTO \`${table}\` (amount, qty) VALUES (1, 1)`);
    const ids = await client.query<{ id: unknown }>(`SELECT id FROM \`${table}\` ORDER BY id`);
    expect(ids.map((r) => String(r.id))).toEqual([String(2 ** 40), String(2 ** 40 + 1)]);
  });
});
