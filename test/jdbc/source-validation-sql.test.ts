import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterSettings, rest, startWorker, type WorkerProcess } from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { connection } from './source-harness.js';

type Validation = { error_count: number; configs: { value: { name: string; errors: string[] } }[] };

/**
 * Issue 14: validating a JDBC source's `query` ran `CREATE TEMPORARY VIEW … AS <query>` through
 * PostgreSQL's simple protocol, so `SELECT 1; DROP TABLE users` dropped the table during
 * validation. Validation must never run a second statement nor change anything.
 */
describe('JDBC source query validation has no side effects (worker)', () => {
  let worker: WorkerProcess;

  beforeAll(async () => {
    worker = await startWorker(clusterSettings(inject('kafkaBootstrap'), uniqueName('jdbc-validate-sql')));
  }, 120_000);
  afterAll(async () => {
    await worker?.kill();
  });

  describe.each(['postgres', 'mariadb'] as const)('on %s', (dialect) => {
    let db: TestDatabase;
    let client: SqlClient;
    const victim = `victim_${uniqueName('v').replaceAll('-', '_')}`;
    const q = (name: string) => db.dialect.quoteIdentifier(name);

    beforeAll(async () => {
      db = await createTestDatabase(dialect, 'valsql');
      client = await db.connect();
      await client.execute(`CREATE TABLE ${q(victim)} (${q('id')} INT NOT NULL PRIMARY KEY)`);
      await client.execute(`INSERT INTO ${q(victim)} (${q('id')}) VALUES (1), (2)`);
    });
    afterAll(async () => {
      await client?.close();
      await db?.drop().catch(() => {});
    });

    const validate = async (query: string) => {
      const answer = await rest(
        worker.url,
        'PUT',
        '/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate',
        {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
          ...connection(db),
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          query,
          'topic.prefix': 'valsql_',
        },
      );
      expect(answer.status).toBe(200);
      const body = answer.body as Validation;
      return body.configs.find((c) => c.value.name === 'query')?.value.errors ?? [];
    };
    const victimRows = async () =>
      Number((await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${q(victim)}`))[0]?.n);

    it('a valid query validates, and leaves nothing behind', async () => {
      expect(await validate(`SELECT ${q('id')} FROM ${q(victim)}`)).toEqual([]);
      expect(await victimRows()).toBe(2);
    });

    it('"SELECT 1; DROP TABLE …" is refused and the table is still there', async () => {
      const errors = await validate(`SELECT 1 AS ${q('id')}; DROP TABLE ${q(victim)}`);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatch(/The query cannot run/);
      expect(await victimRows()).toBe(2);
    });

    it('a query that would change data changes nothing', async () => {
      const changing =
        dialect === 'postgres'
          ? `WITH d AS (DELETE FROM ${q(victim)} RETURNING ${q('id')}) SELECT ${q('id')} FROM d`
          : `SELECT ${q('id')} FROM ${q(victim)}; DELETE FROM ${q(victim)}`;
      const errors = await validate(changing);
      expect(errors.length).toBeGreaterThan(0);
      expect(await victimRows()).toBe(2);
    });
  });
});
