import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connection, duplicates, ids, readRecords, sleep } from '../jdbc/source-harness.js';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

type Status = { tasks: { id: number; state: string; worker_id: string; trace?: string }[] };

/**
 * A worker frozen with SIGSTOP (a GC pause, a stalled VM) is declared dead by the group
 * coordinator after session.timeout.ms; its tasks must run on the other worker within seconds,
 * and when it thaws, the zombie must not write: its exactly-once source producer is fenced by
 * the transactional id's new epoch, and its JDBC sink's transactions go through the locked
 * offsets table, so a table without any unique key would show a double write as a duplicate row.
 */
describe('zombie fencing: SIGSTOP of the worker running the tasks (real broker, MariaDB)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  let db: TestDatabase | undefined;
  afterAll(async () => {
    for (const w of workers) {
      w.child.kill('SIGCONT');
      await w.kill('SIGKILL');
    }
    await db?.drop();
  });

  it('moves the tasks within seconds; the thawed zombie writes nothing twice', {
    timeout: 240_000,
  }, async () => {
    db = await createTestDatabase('mariadb', 'zombie');
    const database = db;
    const run = uniqueName('zombie');
    const cluster = clusterSettings(bootstrap, run);
    const prefix = `${run.replaceAll('-', '_')}_`;
    const topic = `${prefix}zf_src`;
    const client: SqlClient = await database.connect();
    const writer: SqlClient = await database.connect();
    await client.execute(
      'CREATE TABLE zf_src (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(40) NOT NULL)',
    );
    // No key at all: a record written twice is two rows.
    await client.execute('CREATE TABLE zf_sink (id INT NOT NULL, label VARCHAR(40) NOT NULL)');

    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        const batch = Array.from({ length: 5 }, () => [`row ${++written}`]);
        await writer.executeMany('INSERT INTO zf_src (label) VALUES (?)', batch);
        await sleep(20);
      }
    })();
    const sinkStats = async () => {
      const [row] = await client.query<{ n: unknown; d: unknown }>(
        'SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM zf_sink',
      );
      return { rows: Number(row?.n), distinct: Number(row?.d) };
    };

    try {
      const a = await startWorker(cluster);
      const b = await startWorker(cluster);
      workers.push(a, b);
      // Three connectors of one task each, created in this order so that the assignor (each new
      // task to the worker with the fewest, ties to the one with fewer connectors, then the first
      // in worker order) puts the sink's and the source's task on one worker.
      const idleFile = join(mkdtempSync(join(tmpdir(), 'msa-zombie-')), 'idle.txt');
      writeFileSync(idleFile, '');
      const connectors: Record<string, Record<string, string>> = {
        'a-snk': {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          ...connection(database),
          topics: topic,
          'table.name.format': 'zf_sink',
          'insert.mode': 'insert',
          'pk.mode': 'none',
          'exactly.once.offsets.table': 'zf_offsets',
          'consumer.override.max.poll.records': '50',
        },
        'b-idle': { 'connector.class': 'FileStreamSource', file: idleFile, topic: `${run}-idle` },
        'c-src': {
          'connector.class': 'JdbcSourceConnector',
          ...connection(database),
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          'table.whitelist': 'zf_src',
          'topic.prefix': prefix,
          'batch.max.rows': '20',
          'poll.interval.ms': '100',
        },
      };
      for (const [name, config] of Object.entries(connectors)) {
        expect((await rest(a.url, 'POST', '/connectors', { name, config })).status).toBe(201);
        // One rebalance per connector, as the placement above relies on: a create answers in
        // milliseconds, so without waiting two creates can land in one assignment.
        await eventually(`${name}'s task running`, async () => {
          const s = (await rest(a.url, 'GET', `/connectors/${name}/status`)).body as Status;
          return s.tasks[0]?.state === 'RUNNING';
        });
      }
      const taskWorkers = async (via: WorkerProcess) => {
        const result: Record<string, string> = {};
        for (const name of ['a-snk', 'c-src']) {
          const s = (await rest(via.url, 'GET', `/connectors/${name}/status`)).body as Status;
          const task = s.tasks[0];
          if (task?.state === 'FAILED') throw new Error(`${name} failed: ${task.trace}`);
          if (task?.state !== 'RUNNING') return undefined;
          result[name] = task.worker_id;
        }
        return result;
      };
      const placed = await eventually('both JDBC tasks running', () => taskWorkers(a), 60_000);
      expect(placed['a-snk']).toBe(placed['c-src']);
      const zombie = placed['a-snk']?.endsWith(`:${a.port}`) ? a : b;
      const survivor = zombie === a ? b : a;
      await eventually('the sink writing', async () => (await sinkStats()).rows > 200, 60_000);

      zombie.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      const survivorId = `127.0.0.1:${survivor.port}`;
      await eventually(
        'both tasks running on the survivor',
        async () => {
          const now = await taskWorkers(survivor);
          return now?.['a-snk'] === survivorId && now['c-src'] === survivorId;
        },
        60_000,
        100,
      );
      const failoverMs = Date.now() - stoppedAt;
      // The survivor makes progress while the zombie is still frozen with its stale state.
      const atFailover = (await sinkStats()).rows;
      await eventually(
        'the survivor writing',
        async () => (await sinkStats()).rows > atFailover + 200,
        60_000,
      );

      zombie.child.kill('SIGCONT');
      const thawedAt = Date.now();
      // The zombie learns it was evicted at its next heartbeat, then rejoins. Meanwhile its tasks
      // fail on fenced writes: those reports carry its stale generation and must not show.
      const seen = new Set<string>();
      while (Date.now() - thawedAt < 8000) {
        for (const name of ['a-snk', 'c-src']) {
          const s = (await rest(survivor.url, 'GET', `/connectors/${name}/status`)).body as Status;
          for (const t of s.tasks) seen.add(t.state);
        }
        await sleep(100);
      }
      expect([...seen].filter((state) => state === 'FAILED')).toEqual([]);
      writing = false;
      await writes;
      const [countRow] = await client.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM zf_src');
      const total = Number(countRow?.n);

      await eventually(
        'every source row in the sink table',
        async () => (await sinkStats()).distinct === total,
        120_000,
        500,
      );
      // Time for a late double write to land.
      await sleep(3000);
      expect(await sinkStats()).toEqual({ rows: total, distinct: total });

      // read_committed: what a fenced producer sent in an aborted transaction is not there.
      const records = await readRecords(bootstrap, topic, { min: total, settleMs: 2000, timeoutMs: 90_000 });
      const sent = ids(records);
      expect(duplicates(sent)).toEqual(new Map());
      expect(new Set(sent).size).toBe(total);

      // The zombie noticed and took a fresh assignment: it rejoined the group after thawing.
      const zombieLog = readFileSync(zombie.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { time?: number; msg?: string });
      const rejoined = zombieLog.filter((l) => (l.time ?? 0) >= thawedAt && l.msg === 'joined worker group');
      expect(rejoined.length).toBeGreaterThan(0);
      const final = await eventually('all tasks running after the zombie rejoined', () =>
        taskWorkers(survivor),
      );
      console.log(
        `zombie fencing: failover ${failoverMs} ms after SIGSTOP (session.timeout.ms 6000); ` +
          `${total} rows, no duplicates; tasks now on ${JSON.stringify(final)}`,
      );
      expect(failoverMs).toBeLessThan(15_000);
    } finally {
      writing = false;
      await writes.catch(() => {});
      await client.close();
      await writer.close();
    }
  });
});
