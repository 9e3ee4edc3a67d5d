import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

/**
 * Issue 17, target 2: each sink task runs on a thread of its own (task.threads.enable, default
 * true), as Apache runs each task on its own Java thread. Against a real broker and SQLite: two
 * tasks on two threads write every record once, their metrics and statuses reach the worker's REST
 * API, pause/resume and a task restart act on the thread (a restarted task reuses it), a failure's
 * trace comes from the thread, and task.threads.enable=false runs the same on the event loop.
 */
const PARTITIONS = 4;
const RECORDS = 400;

type Status = { connector: { state: string }; tasks: { id: number; state: string; trace?: string }[] };

const envelope = (id: number) =>
  JSON.stringify({
    schema: {
      type: 'struct',
      name: 'item',
      optional: false,
      fields: [
        { type: 'int32', optional: false, field: 'id' },
        { type: 'string', optional: true, field: 'name' },
      ],
    },
    payload: { id, name: `item ${id}` },
  });

describe.each([
  { threads: true, label: 'on task threads' },
  { threads: false, label: 'on the event loop (task.threads.enable=false)' },
])('JDBC sink tasks $label', ({ threads }) => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let db: TestDatabase;
  let client: SqlClient;
  const topic = uniqueName('threads').replaceAll('-', '_');
  const name = `${topic}-sink`;
  const table = `t_${topic}`;

  const status = async () => (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const rows = async () =>
    Number((await client.query(`SELECT COUNT(*) AS n FROM ${db.dialect.quoteIdentifier(table)}`))[0]?.n ?? 0);
  const produce = async (from: number, to: number, value: (id: number) => string = envelope) => {
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'task-threads-test' });
    try {
      const messages = [];
      for (let id = from; id < to; id++) {
        messages.push({
          topic,
          partition: id % PARTITIONS,
          key: Buffer.from(String(id)),
          value: Buffer.from(value(id)),
        });
      }
      await producer.send({ messages });
    } finally {
      await producer.close();
    }
  };
  const threadLines = () =>
    readFileSync(worker.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('task runs on a task thread') && line.includes(name))
      .map((line) => JSON.parse(line) as { task: number; threadId: number });

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'threads');
    client = await db.connect();
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'task-threads-admin' });
    try {
      await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
    } finally {
      await admin.close();
    }
    worker = await startWorker(
      clusterSettings(bootstrap, uniqueName('threads-worker'), { 'task.threads.enable': String(threads) }),
    );
  }, 120_000);

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await client?.close();
    await db?.drop();
  });

  it('writes every record once with two tasks, and reports their metrics', async () => {
    await produce(0, RECORDS);
    const created = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': db.url,
      topics: topic,
      'tasks.max': '2',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'auto.create': 'true',
      'insert.mode': 'insert',
      'pk.mode': 'none',
      'table.name.format': table,
    });
    expect(created.status).toBe(201);
    await eventually('both tasks RUNNING', async () => {
      const s = await status();
      return s.tasks.length === 2 && s.tasks.every((t) => t.state === 'RUNNING');
    });
    await eventually(`${RECORDS} rows`, async () => (await rows()) === RECORDS, 60_000);

    const lines = threadLines();
    if (threads) {
      expect(lines.map((l) => l.task).sort()).toEqual([0, 1]);
      // A thread per core at most: two here unless the machine has one core.
      expect(new Set(lines.map((l) => l.threadId)).size).toBe(Math.min(2, availableParallelism()));
    } else {
      expect(lines).toEqual([]);
    }
    // The threads' counts reach the worker's Prometheus registry (sent about once a second).
    await eventually('records out in /metrics', async () => {
      const text = String((await rest(worker.url, 'GET', '/metrics')).body);
      const out = [
        ...text.matchAll(
          new RegExp(`connect_task_records_out_total\\{connector="${name}",task="\\d"\\} (\\d+)`, 'g'),
        ),
      ];
      return out.reduce((sum, m) => sum + Number(m[1]), 0) === RECORDS;
    });
  }, 120_000);

  it('pauses and resumes the tasks, and restarts one on the thread it had', async () => {
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/pause`)).status).toBe(202);
    await eventually('tasks PAUSED', async () => (await status()).tasks.every((t) => t.state === 'PAUSED'));
    await produce(RECORDS, RECORDS + 40);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await rows()).toBe(RECORDS);
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await eventually('rows after resume', async () => (await rows()) === RECORDS + 40, 60_000);

    const before = threadLines();
    expect((await rest(worker.url, 'POST', `/connectors/${name}/tasks/0/restart`)).status).toBe(204);
    await eventually('task 0 RUNNING again', async () => {
      const s = await status();
      const running = s.tasks.find((t) => t.id === 0)?.state === 'RUNNING';
      return running && (!threads || threadLines().length > before.length);
    });
    if (threads) {
      const restarted = threadLines().at(-1);
      expect(restarted?.task).toBe(0);
      // A thread the stopped task left took the restarted one: no new thread, no second of imports.
      expect(before.map((l) => l.threadId)).toContain(restarted?.threadId);
    }
    await produce(RECORDS + 40, RECORDS + 80);
    await eventually('rows after restart', async () => (await rows()) === RECORDS + 80, 60_000);
  }, 120_000);

  it("fails a task with the trace the failure made, and keeps the worker's REST API up", async () => {
    // No schema where the JsonConverter (schemas.enable=true) needs one: a DataException under
    // errors.tolerance=none fails the task that reads it.
    await produce(RECORDS + 80, RECORDS + 81, () => '{"no":"envelope"}');
    const failed = await eventually('a FAILED task', async () =>
      (await status()).tasks.find((t) => t.state === 'FAILED'),
    );
    // Connect's shape: the tolerance operator's ConnectException, caused by the converter's DataException.
    expect(failed.trace).toMatch(
      /^org\.apache\.kafka\.connect\.errors\.ConnectException: Tolerance exceeded/,
    );
    expect(failed.trace).toContain('Caused by: org.apache.kafka.connect.errors.DataException: ');
    expect(failed.trace).toContain('\tat ');
    expect((await rest(worker.url, 'GET', '/connectors')).status).toBe(200);
  }, 120_000);
});
