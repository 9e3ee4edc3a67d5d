import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { connection, duplicates, ids, readRecords, sleep, status } from './source-harness.js';

/**
 * kill -9 of the worker while rows stream in (incrementing mode): after a new worker takes over,
 * the topic holds every row of the table, and with exactly-once source delivery (the default)
 * none twice. With it disabled, offsets flushed every offset.flush.interval.ms let a crash
 * repeat what was sent since the last flush: the test shows how many.
 */
const bootstrap = inject('kafkaBootstrap');

async function crashAndResume(
  db: TestDatabase,
  dialect: string,
  exactlyOnce: 'enabled' | 'disabled',
): Promise<{
  rows: number;
  missing: number[];
  duplicated: Map<number | string, number>;
  workers: WorkerProcess[];
}> {
  const run = uniqueName(`resume-${dialect}-${exactlyOnce}`);
  const cluster = clusterSettings(bootstrap, run, { 'exactly.once.source.support': exactlyOnce });
  const workers: WorkerProcess[] = [];
  const client = await db.connect();
  const writer = await db.connect();
  const idType = dialect === 'postgres' ? 'SERIAL' : dialect === 'mariadb' ? 'INT AUTO_INCREMENT' : 'INTEGER';
  const table = `resume_${exactlyOnce}`;
  await client.execute(`CREATE TABLE ${table} (id ${idType} PRIMARY KEY, label VARCHAR(40) NOT NULL)`);
  const prefix = `${run.replaceAll('-', '_')}_`;
  const topic = `${prefix}${table}`;
  let writing = true;
  let written = 0;
  const p = db.dialect.placeholder;
  const writes = (async () => {
    while (writing) {
      const batch = Array.from({ length: 5 }, () => [`row ${++written}`]);
      await writer.executeMany(`INSERT INTO ${table} (label) VALUES (${p(1)})`, batch);
      await sleep(15);
    }
  })();
  try {
    workers.push(await startWorker(cluster));
    const name = `resume-${exactlyOnce}`;
    const created = await rest(workers[0]?.url as string, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'JdbcSourceConnector',
        ...connection(db),
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.whitelist': table,
        'topic.prefix': prefix,
        'batch.max.rows': '20',
        'poll.interval.ms': '100',
      },
    });
    expect(created.status).toBe(201);
    await readRecords(bootstrap, topic, { min: 300, settleMs: 0 });
    // Mid-stream: records are being produced and offsets written when the process dies.
    await workers[0]?.kill('SIGKILL');
    workers.push(await startWorker(cluster));
    const second = workers[1] as WorkerProcess;
    await eventually(
      'the task running on the new worker',
      async () => {
        const s = await status(second.url, name);
        return (
          s.tasks[0]?.state === 'RUNNING' &&
          s.tasks[0] &&
          (s.tasks[0] as { worker_id?: string }).worker_id?.endsWith(`:${second.port}`)
        );
      },
      60_000,
    );
    await sleep(2000);
    writing = false;
    await writes;
    const table_ids = (await client.query<{ id: unknown }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) =>
      Number(r.id),
    );
    const records = await readRecords(bootstrap, topic, {
      min: table_ids.length,
      settleMs: 3000,
      timeoutMs: 90_000,
    });
    const seen = new Set(ids(records));
    return {
      rows: table_ids.length,
      missing: table_ids.filter((id) => !seen.has(id)),
      duplicated: duplicates(ids(records)),
      workers,
    };
  } finally {
    writing = false;
    await writes.catch(() => {});
    await writer.close();
    await client.close();
    for (const w of workers) await w.kill('SIGKILL');
  }
}

describe.each(ALL_DIALECTS)('JDBC source resume after kill -9 on %s', (dialect) => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('exactly.once.source.support=enabled (default): every row once', async () => {
    const db = await createTestDatabase(dialect, 'srcresume');
    dbs.push(db);
    const result = await crashAndResume(db, dialect, 'enabled');
    expect(result.rows).toBeGreaterThan(300);
    expect(result.missing).toEqual([]);
    expect([...result.duplicated]).toEqual([]);
  }, 180_000);

  // The at-least-once path is the worker's, the same whatever the database: shown on one server only.
  if (dialect === 'mariadb')
    it('exactly.once.source.support=disabled: no row missing; repeats only since the last offset flush', async () => {
      const db = await createTestDatabase(dialect, 'srcresume');
      dbs.push(db);
      const result = await crashAndResume(db, dialect, 'disabled');
      expect(result.missing).toEqual([]);
      const repeated = [...result.duplicated.values()].reduce((n, c) => n + c - 1, 0);
      process.stderr.write(
        `[source-resume] at-least-once after kill -9: ${result.rows} rows, ${repeated} records sent twice\n`,
      );
      // offset.flush.interval.ms is 1 s here: at most about a second of records repeats.
      expect([...result.duplicated.values()].every((n) => n === 2)).toBe(true);
    }, 180_000);
});
