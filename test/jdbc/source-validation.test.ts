import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterSettings, rest, startWorker, type WorkerProcess } from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { connection, users1Ddl } from './source-harness.js';

/** Bad JDBC source configs are refused with 400 and a message naming what to fix. */
describe('JDBC source connector validation (worker, MariaDB)', () => {
  let worker: WorkerProcess;
  let db: TestDatabase;
  let client: SqlClient;
  let database: string;

  beforeAll(async () => {
    [worker, db] = await Promise.all([
      startWorker(clusterSettings(inject('kafkaBootstrap'), uniqueName('jdbc-source-validation'))),
      createTestDatabase('mariadb', 'srcval'),
    ]);
    client = await db.connect();
    database = db.url.split('/').pop() as string;
    await client.execute(users1Ddl('mariadb'));
    await client.execute('CREATE TABLE loose (id INT NULL, updated_at DATETIME NULL)');
  });
  afterAll(async () => {
    await worker?.kill();
    await client?.close();
    await db?.drop();
  });

  const base = () => ({
    name: 'validated',
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
    ...connection(db),
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'table.whitelist': 'users1',
    'topic.prefix': 'my_topic_',
  });

  async function refused(config: Record<string, string | undefined>): Promise<string> {
    const response = await rest(worker.url, 'POST', '/connectors', {
      name: uniqueName('bad'),
      config: { ...config, name: undefined },
    });
    expect(response.status).toBe(400);
    const body = response.body as { error_code: number; message: string };
    expect(body.error_code).toBe(400);
    return body.message;
  }

  it('names an unknown table and a missing column', async () => {
    const unknown = await refused({ ...base(), 'table.whitelist': 'users1,nope' });
    expect(unknown).toContain('contains the following 1 error(s)');
    expect(unknown).toContain(
      `Table 'nope' in table.whitelist was not found in database ${database} (TABLE: ${database}.loose, ${database}.users1)`,
    );

    const column = await refused({ ...base(), 'incrementing.column.name': 'idd' });
    expect(column).toContain(
      `Incrementing column 'idd' not found in ${database}.users1 (columns: id, user_id, pwd, name, created_at)`,
    );
    const tsColumn = await refused({
      ...base(),
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'changed',
    });
    expect(tsColumn).toContain(`Timestamp column 'changed' not found in ${database}.users1`);
    const typed = await refused({ ...base(), 'incrementing.column.name': 'name' });
    expect(typed).toContain(
      `Incrementing column 'name' of ${database}.users1 has type varchar(20); it must be an integer type`,
    );
    const nullable = await refused({ ...base(), 'table.whitelist': 'loose' });
    expect(nullable).toContain(
      `Cannot make incremental queries using incrementing column id on ${database}.loose because this column is nullable`,
    );
    // validate.non.null=false accepts it, as in Confluent's connector.
    const check = await rest(worker.url, 'PUT', '/connector-plugins/JdbcSourceConnector/config/validate', {
      ...base(),
      'table.whitelist': 'loose',
      'validate.non.null': 'false',
    });
    expect((check.body as { error_count: number }).error_count).toBe(0);
  });

  it('refuses wrong mode combinations', async () => {
    const both = await refused({ ...base(), 'table.blacklist': 'other' });
    expect(both).toContain('table.whitelist and table.blacklist cannot both be set');
    const query = await refused({ ...base(), query: 'SELECT * FROM users1' });
    expect(query).toContain('query cannot be combined with table.whitelist');
    const noTs = await refused({ ...base(), mode: 'timestamp' });
    expect(noTs).toContain('Mode timestamp needs timestamp.column.name');
    const noQuery = await refused({ ...base(), mode: 'query', 'table.whitelist': undefined });
    expect(noQuery).toContain('mode query needs a query to run');
    const noMode = await refused({ ...base(), mode: undefined });
    expect(noMode).toContain('Missing required configuration "mode" which has no default value.');
    const badMode = await refused({ ...base(), mode: 'sometimes' });
    expect(badMode).toContain(
      'Invalid value sometimes for configuration mode: String must be one of: bulk, incrementing, timestamp, timestamp+incrementing, query',
    );
    const prefix = await refused({ ...base(), 'topic.prefix': 'my topic' });
    expect(prefix).toContain(
      "Topic prefix must not contain any character other than ASCII alphanumerics, '.', '_' and '-'.",
    );
    const zone = await refused({ ...base(), 'db.timezone': 'Mars/Olympus' });
    expect(zone).toContain('Invalid value Mars/Olympus for configuration db.timezone');
  });

  it('says when the database cannot be reached, without the password', async () => {
    const unreachable = await refused({
      ...base(),
      'connection.url': 'jdbc:mariadb://127.0.0.1:1/mydb',
      'connection.user': 'root',
      'connection.password': 'S3cret-Pw',
    });
    expect(unreachable).toContain(
      'Could not connect to the database at jdbc:mariadb://127.0.0.1:1/mydb as root:',
    );
    expect(unreachable).not.toContain('S3cret-Pw');
    const badUrl = await refused({ ...base(), 'connection.url': 'jdbc:oracle:thin:@x:1521:db' });
    expect(badUrl).toContain("Invalid connection.url 'jdbc:oracle:thin:@x:1521:db'");

    const infos = (
      await rest(
        worker.url,
        'PUT',
        '/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate',
        {
          ...base(),
          'connection.url': 'jdbc:mariadb://127.0.0.1:1/mydb',
          'connection.password': 'S3cret-Pw',
        },
      )
    ).body as {
      error_count: number;
      configs: { value: { name: string; value: string; errors: string[] } }[];
    };
    expect(infos.error_count).toBe(1);
    const url = infos.configs.find((c) => c.value.name === 'connection.url');
    expect(url?.value.errors[0]).toMatch(/^Could not connect to the database/);
    const password = infos.configs.find((c) => c.value.name === 'connection.password');
    expect(password?.value.value).toBe('[hidden]');
  });

  it('accepts the seed config and lists the plugin under its class and aliases', async () => {
    const ok = await rest(worker.url, 'PUT', '/connector-plugins/JdbcSource/config/validate', base());
    expect((ok.body as { error_count: number }).error_count).toBe(0);
    const plugins = (await rest(worker.url, 'GET', '/connector-plugins')).body as {
      class: string;
      type: string;
    }[];
    expect(plugins).toContainEqual(
      expect.objectContaining({ class: 'io.confluent.connect.jdbc.JdbcSourceConnector', type: 'source' }),
    );
  });
});
