import { readFileSync } from 'node:fs';
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
import { connection } from './source-harness.js';

/**
 * open() of the JDBC sink with exactly.once.offsets.table, through a real worker: a new owner
 * resumes from the offset stored in the database even while a previous owner, frozen inside a
 * write, holds the partition's offsets row, and an open() that fails is retried with delivery
 * held. The group's committed Kafka offset is set past the stored one, so a task that skipped
 * the rewind would leave records out, and one that wrote without the in-transaction check would
 * write the frozen owner's records twice.
 */
const RECORDS = 30;
const STORED = 10;

const schema = {
  type: 'struct',
  name: 'offsets_open_row',
  optional: false,
  fields: [
    { type: 'int32', optional: false, field: 'id' },
    { type: 'string', optional: false, field: 'name' },
  ],
};

type Status = { tasks: { state: string; trace?: string }[] };

describe.each(['mariadb', 'postgres'] as const)(
  'JDBC sink open() with the offsets table on %s',
  (dialect) => {
    const bootstrap = inject('kafkaBootstrap');
    let worker: WorkerProcess;
    let db: TestDatabase;
    let client: SqlClient;
    const q = (name: string) => db.dialect.quoteIdentifier(name);
    const p = (i: number) => db.dialect.placeholder(i);

    beforeAll(async () => {
      db = await createTestDatabase(dialect, 'offopen');
      client = await db.connect();
      worker = await startWorker(clusterSettings(bootstrap, uniqueName('offsets-open')));
    });
    afterAll(async () => {
      await worker?.kill();
      await client?.close();
      await db?.drop();
    });

    /**
     * A topic of RECORDS records (ids 0..), a table holding the first STORED of them, the offsets
     * row saying so (next_offset omitted for a broken table), and the group's Kafka offset at the end.
     */
    async function prepare(tag: string, offsetsTableOk: boolean) {
      const name = uniqueName(`oo-${tag}`);
      const topic = `${name}-t`;
      const table = `oo_${tag}_rows`;
      const offsets = `oo_${tag}_offsets`;
      const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'offsets-open-admin' });
      const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'offsets-open' });
      try {
        await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
        await producer.send({
          messages: Array.from({ length: RECORDS }, (_, id) => ({
            topic,
            partition: 0,
            value: Buffer.from(JSON.stringify({ schema, payload: { id, name: `row ${id}` } })),
          })),
        });
        await admin.alterConsumerGroupOffsets({
          groupId: `connect-${name}`,
          topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: BigInt(RECORDS) }] }],
        });
      } finally {
        await producer.close();
        await admin.close();
      }
      await client.execute(`CREATE TABLE ${q(table)} (id INT NOT NULL, name VARCHAR(40) NOT NULL)`);
      for (let id = 0; id < STORED; id++) {
        await client.execute(`INSERT INTO ${q(table)} (id, name) VALUES (${p(1)}, ${p(2)})`, [
          id,
          `row ${id}`,
        ]);
      }
      await client.execute(
        `CREATE TABLE ${q(offsets)} (connector VARCHAR(200) NOT NULL, topic VARCHAR(200) NOT NULL, ` +
          `kafka_partition INT NOT NULL${offsetsTableOk ? ', next_offset BIGINT' : ''}, ` +
          'PRIMARY KEY (connector, topic, kafka_partition))',
      );
      await client.execute(
        offsetsTableOk
          ? `INSERT INTO ${q(offsets)} (connector, topic, kafka_partition, next_offset) VALUES (${p(1)}, ${p(2)}, 0, ${STORED})`
          : `INSERT INTO ${q(offsets)} (connector, topic, kafka_partition) VALUES (${p(1)}, ${p(2)}, 0)`,
        [name, topic],
      );
      const config = {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        ...connection(db),
        topics: topic,
        'table.name.format': table,
        'insert.mode': 'insert',
        'pk.mode': 'none',
        'exactly.once.offsets.table': offsets,
      };
      return { name, topic, table, offsets, config };
    }

    /** The worker's log messages about this connector. */
    const messages = (connector: string) =>
      readFileSync(worker.logFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { connector?: string; msg?: string; offsets?: string[] })
        .filter((l) => l.connector === connector);

    /** Waits until the table holds every record, each once, with the task running. */
    async function expectEveryRecordOnce(name: string, table: string) {
      const stats = async () => {
        const [row] = await client.query<{ n: unknown; d: unknown }>(
          `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ${q(table)}`,
        );
        return { rows: Number(row?.n), distinct: Number(row?.d) };
      };
      await eventually(
        'every record in the table',
        async () => {
          const s = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
          if (s.tasks[0]?.state === 'FAILED') throw new Error(`task failed: ${s.tasks[0].trace}`);
          return (await stats()).distinct === RECORDS;
        },
        60_000,
      );
      // Time for a late double write to land.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await stats()).toEqual({ rows: RECORDS, distinct: RECORDS });
    }

    it('resumes while a frozen previous owner holds the offsets row, and skips what that owner commits', {
      timeout: 120_000,
    }, async () => {
      const { name, topic, table, offsets, config } = await prepare('frozen', true);
      // The previous owner, stopped inside its write: offsets row locked, rows and offset not committed.
      const zombie = await db.connect();
      try {
        await zombie.execute('BEGIN');
        await zombie.query(
          `SELECT next_offset FROM ${q(offsets)} WHERE connector = ${p(1)} AND topic = ${p(2)} AND kafka_partition = 0 FOR UPDATE`,
          [name, topic],
        );
        for (let id = STORED; id < STORED + 5; id++) {
          await zombie.execute(`INSERT INTO ${q(table)} (id, name) VALUES (${p(1)}, ${p(2)})`, [
            id,
            `row ${id}`,
          ]);
        }
        await zombie.execute(
          `UPDATE ${q(offsets)} SET next_offset = ${STORED + 5} WHERE connector = ${p(1)} AND topic = ${p(2)}`,
          [name, topic],
        );
        expect((await rest(worker.url, 'POST', '/connectors', { name, config })).status).toBe(201);
        // open() reads the committed offset without waiting for the lock (it used to wait for
        // innodb_lock_wait_timeout, 50 s, then fail, and the task went on without rewinding).
        const resumed = await eventually(
          'the task resuming from the stored offset',
          async () => messages(name).find((l) => l.msg === 'resuming from offsets stored in the database'),
          20_000,
        );
        expect(resumed.offsets).toEqual([`${topic}-0@${STORED}`]);
        // The frozen owner's write lands after all; the new owner's write skips those records.
        await zombie.execute('COMMIT');
      } finally {
        await zombie.close();
      }
      await expectEveryRecordOnce(name, table);
    });

    it('retries a failed open() with delivery held, then rewinds to the stored offset', {
      timeout: 120_000,
    }, async () => {
      const { name, table, offsets, config } = await prepare('broken', false);
      expect((await rest(worker.url, 'POST', '/connectors', { name, config })).status).toBe(201);
      await eventually(
        'open() failing and being retried',
        async () =>
          messages(name).some(
            (l) => l.msg === 'open of assigned partitions failed; holding delivery and retrying',
          ),
        30_000,
      );
      await client.execute(`ALTER TABLE ${q(offsets)} ADD next_offset BIGINT`);
      await client.execute(`UPDATE ${q(offsets)} SET next_offset = ${STORED}`);
      await expectEveryRecordOnce(name, table);
      expect(messages(name).some((l) => l.msg === 'resuming from offsets stored in the database')).toBe(true);
    });
  },
);
