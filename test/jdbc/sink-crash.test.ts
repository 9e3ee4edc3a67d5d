import { createAdmin, createProducer } from '@msa-sync/kafka';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

const schema = {
  type: 'struct',
  name: 'orders',
  optional: false,
  fields: [
    { type: 'int32', optional: false, field: 'id' },
    { type: 'string', optional: true, field: 'name' },
  ],
};

/**
 * kill -9 of the worker while three sinks of one topic are writing, then a new worker: upsert on
 * a key and insert with exactly.once.offsets.table end with exactly one row per record. Plain
 * insert (at-least-once, as in Connect) is the control: it may hold duplicates, and says so.
 */
describe('JDBC sink across a kill -9 of the worker (real broker, MariaDB)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  let db: TestDatabase | undefined;
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    await db?.drop();
  });

  it('leaves exact row counts for upsert and for the exactly-once option', { timeout: 240_000 }, async () => {
    db = await createTestDatabase('mariadb', 'crash');
    const database = db;
    const id = uniqueName('sink-crash');
    const cluster = clusterSettings(bootstrap, id);
    const topic = `${id}-orders`;
    const total = 60_000;
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'crash-admin' });
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
    await admin.close();
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'crash-producer' });
    for (let start = 0; start < total; start += 10_000) {
      await producer.send({
        messages: Array.from({ length: 10_000 }, (_, i) => ({
          topic,
          partition: (start + i) % 3,
          value: Buffer.from(
            JSON.stringify({ schema, payload: { id: start + i, name: `order ${start + i}` } }),
          ),
        })),
      });
    }
    await producer.close();

    const common = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': database.url,
      'connection.user': database.user ?? '',
      topics: topic,
      'tasks.max': '2',
      'auto.create': 'true',
      'consumer.override.max.poll.records': '500',
    };
    const sinks = {
      upsert: {
        ...common,
        'table.name.format': 'crash_upsert',
        'insert.mode': 'upsert',
        'pk.mode': 'record_value',
        'pk.fields': 'id',
      },
      exactlyOnce: {
        ...common,
        'table.name.format': 'crash_eos',
        'exactly.once.offsets.table': 'sink_offsets',
      },
      plain: { ...common, 'table.name.format': 'crash_plain' },
    };
    let worker = await startWorker(cluster);
    workers.push(worker);
    for (const [name, config] of Object.entries(sinks)) {
      expect((await rest(worker.url, 'POST', '/connectors', { name: `${id}-${name}`, config })).status).toBe(
        201,
      );
    }

    const client: SqlClient = await database.connect();
    const stats = async (table: string) => {
      const [row] = await client
        .query<{ n: unknown; d: unknown }>(`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ${table}`)
        .catch(() => [{ n: 0, d: 0 }]);
      return { rows: Number(row?.n), distinct: Number(row?.d) };
    };
    try {
      await eventually(
        'the sinks to be half-way',
        async () =>
          (await stats('crash_eos')).rows > total / 10 && (await stats('crash_upsert')).rows > total / 10,
        120_000,
        50,
      );
      await worker.kill('SIGKILL');
      const atKill = { upsert: await stats('crash_upsert'), exactlyOnce: await stats('crash_eos') };
      expect(atKill.exactlyOnce.rows).toBeLessThan(total);

      worker = await startWorker(cluster);
      workers.push(worker);
      await eventually(
        'every record in both tables',
        async () =>
          (await stats('crash_eos')).distinct === total && (await stats('crash_upsert')).distinct === total,
        180_000,
        500,
      );
      // Give a late duplicate time to appear: offsets are committed every second.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await stats('crash_upsert')).toEqual({ rows: total, distinct: total });
      expect(await stats('crash_eos')).toEqual({ rows: total, distinct: total });
      const plain = await eventually(
        'the plain sink done',
        async () => {
          const s = await stats('crash_plain');
          return s.distinct === total ? s : undefined;
        },
        120_000,
      );
      console.log(
        `kill -9 at ${JSON.stringify(atKill)}; plain insert ended with ${plain.rows} rows for ${total} records (${plain.rows - total} duplicates)`,
      );
    } finally {
      await client.close();
    }
  });
});
