import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClients, type RawConsumer } from '@msa-sync/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ClusterConfigState } from '../../packages/connect/src/storage/cluster-config-state.js';
import { parseConfigRecord } from '../../packages/connect/src/storage/config-records.js';
import { connection, createRunning, exec, status } from '../jdbc/source-harness.js';
import {
  type ClusterSettings,
  clusterSettings,
  eventually,
  rest,
  startApacheWorker,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

type Raw = { key: string; value: string | undefined };

/** Every record of a topic from the start (read_committed), as long as more keep coming. */
async function readAll(bootstrap: string, topic: string, settleMs = 1500): Promise<Raw[]> {
  const consumer: RawConsumer = kafkaClients.createConsumer({
    bootstrapServers: [bootstrap],
    clientId: 'fencing-reader',
    groupId: uniqueName('fencing-reader'),
  });
  const records: Raw[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    let timer = setTimeout(() => void stream.close(), settleMs * 2);
    for await (const message of stream) {
      records.push({ key: message.key?.toString() ?? '', value: message.value?.toString() });
      clearTimeout(timer);
      timer = setTimeout(() => void stream.close(), settleMs);
    }
    clearTimeout(timer);
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return records;
}

function taskCountValues(records: Raw[], connector: string): (string | undefined)[] {
  return records.filter((r) => r.key === `tasks-fencing-${connector}`).map((r) => r.value);
}

/** The config topic as a worker reads it, through msa-sync's parser and state. */
function stateOf(records: Raw[]): ClusterConfigState {
  const state = new ClusterConfigState();
  for (const [offset, record] of records.entries()) {
    const parsed = parseConfigRecord(record.key, record.value);
    if (parsed) state.apply(parsed, BigInt(offset));
  }
  return state;
}

/**
 * Apache's zombie fencing round of exactly-once sources (KIP-618): when a connector's task set
 * changes, the leader fences the transactional ids of every task of the previous generation
 * before the new tasks start, and writes a `tasks-fencing-<connector>` record. A task's own
 * producer fences only the earlier holder of its own id, so without the round a zombie of a task
 * that no longer exists (3 tasks became 2: task 2) could still commit.
 */
describe('zombie fencing round of exactly-once sources (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await db?.drop();
  });

  it('fences a zombie of a task the new task set no longer has', { timeout: 180_000 }, async () => {
    db = await createTestDatabase('mariadb', 'fence');
    const sql = await db.connect();
    const run = uniqueName('fence');
    const cluster = clusterSettings(bootstrap, run);
    const prefix = `${run.replaceAll('-', '_')}_`;
    await exec(
      sql,
      'CREATE TABLE fr_a (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(20) NOT NULL)',
      'CREATE TABLE fr_b (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(20) NOT NULL)',
      "INSERT INTO fr_a (label) VALUES ('a1'), ('a2')",
      "INSERT INTO fr_b (label) VALUES ('b1')",
    );
    await sql.close();
    const worker = await startWorker(cluster);
    workers.push(worker);
    const name = 'fr-src';
    const config = {
      'connector.class': 'JdbcSourceConnector',
      ...connection(db),
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': 'fr_a,fr_b',
      'topic.prefix': prefix,
      'poll.interval.ms': '200',
      'tasks.max': '2',
    };
    await createRunning(worker.url, name, config, 2);
    await eventually('the first round recorded 2 tasks', async () =>
      taskCountValues(await readAll(bootstrap, cluster.configTopic, 500), name).includes('{"task-count":2}'),
    );

    // A zombie of task 1: a producer holding task 1's transactional id (as a paused worker's
    // task would, its transaction open) that has not been fenced by anything newer.
    const zombie = kafkaClients.createRawProducer({
      bootstrapServers: [bootstrap],
      clientId: `${run}-zombie`,
      transactionalId: `${cluster.groupId}-${name}-1`,
      autocreateTopics: true,
    });
    const zombieTopic = `${run}-zombie-writes`;
    try {
      const tx = await zombie.beginTransaction();
      await tx.send({
        messages: [{ topic: zombieTopic, key: Buffer.from('k'), value: Buffer.from('zombie') }],
      });

      // Two tasks become one: task 1 is in no new task set, and task 0's producer fences only id 0.
      const put = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
        ...config,
        'tasks.max': '1',
      });
      expect(put.status).toBe(200);
      await eventually('one task running', async () => {
        const s = await status(worker.url, name);
        return s.tasks.length === 1 && s.tasks[0]?.state === 'RUNNING';
      });
      const records = await readAll(bootstrap, cluster.configTopic, 500);
      expect(taskCountValues(records, name)).toEqual(['{"task-count":2}', '{"task-count":1}']);
      const state = stateOf(records);
      expect(state.pendingFencing(name)).toBe(false);
      expect(state.taskCountRecord(name)).toBe(1);

      // The zombie's commit is refused, and read_committed readers never see its record.
      await expect(tx.commit()).rejects.toThrow();
      expect(await readAll(bootstrap, zombieTopic, 1000)).toEqual([]);
    } finally {
      await zombie.close().catch(() => {});
    }
    // Apache's internal route, which its tasks use to ask the leader for the round: not here.
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/fence`)).status).toBe(404);
    const log = readFileSync(worker.logFile, 'utf8');
    expect(log).toMatch(
      /"result":"fenced".*"msg":"zombie fencing round done"|"msg":"zombie fencing round done".*"result":"fenced"/,
    );

    // The new task still delivers: a row added now reaches its topic.
    const again = await db.connect();
    await exec(again, "INSERT INTO fr_b (label) VALUES ('b2')");
    await again.close();
    await eventually('the new row in its topic', async () =>
      (await readAll(bootstrap, `${prefix}fr_b`, 500)).some((r) => r.value?.includes('"b2"')),
    );
  });

  it('writes the task count record as Apache Connect does (side by side, FileStreamSource)', {
    timeout: 300_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msa-fence-'));
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'one\ntwo\n');
    const records = async (cluster: ClusterSettings, worker: WorkerProcess) => {
      const name = 'fr-file';
      const created = await rest(worker.url, 'POST', '/connectors', {
        name,
        config: { 'connector.class': 'FileStreamSource', file, topic: `${cluster.groupId}-lines` },
      });
      expect(created.status).toBe(201);
      await eventually(
        'the file source running',
        async () => {
          const s = await status(worker.url, name);
          return s.tasks[0]?.state === 'RUNNING';
        },
        120_000,
      );
      const all = await eventually(
        'a task count record',
        async () => {
          const read = await readAll(bootstrap, cluster.configTopic, 500);
          return taskCountValues(read, name).length > 0 ? read : undefined;
        },
        60_000,
      );
      return { values: taskCountValues(all, name), state: stateOf(all), name };
    };
    const apacheCluster = clusterSettings(bootstrap, uniqueName('fence-apache'), {
      'exactly.once.source.support': 'enabled',
    });
    const apache = await startApacheWorker(apacheCluster);
    workers.push(apache);
    const fromApache = await records(apacheCluster, apache);
    await apache.kill('SIGTERM');
    const msaCluster = clusterSettings(bootstrap, uniqueName('fence-msa'), {
      'exactly.once.source.support': 'enabled',
    });
    const msa = await startWorker(msaCluster);
    workers.push(msa);
    const fromMsa = await records(msaCluster, msa);

    expect(fromApache.values).toEqual(['{"task-count":1}']);
    expect(fromMsa.values).toEqual(fromApache.values);
    // msa-sync reads Apache's record as the end of the round.
    expect(fromApache.state.pendingFencing(fromApache.name)).toBe(false);
    expect(fromApache.state.taskCountRecord(fromApache.name)).toBe(1);
  });
});
