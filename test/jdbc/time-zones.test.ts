import type { SinkRecord, SinkTaskContext } from '@msa-sync/connect/api';
import { SchemaBuilder, Schemas, Struct, TimestampType } from '@msa-sync/connect/data';
import { JdbcSinkTask } from '@msa-sync/connect/testing';
import type { DialectName, SqlClient } from '@msa-sync/sql';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clusterSettings, startWorker, type WorkerProcess } from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { connection, createRunning, duplicates, ids, readRecords, sleep } from './source-harness.js';

/**
 * db.timezone other than UTC on the real databases: the sink stores a record's instant in a
 * PostgreSQL timestamptz whatever the session zone (even in the hour a DST change repeats) and
 * the clock time in zone-less columns; the source's timestamp query takes both bounds in
 * db.timezone from the database clock, so rows stamped with the Seoul clock are read at once,
 * each exactly once.
 */
const events = SchemaBuilder.struct()
  .name('events')
  .field('id', Schemas.INT32)
  .field('at_instant', TimestampType.SCHEMA)
  .field('at_clock', TimestampType.SCHEMA)
  .build();

async function sinkTask(db: TestDatabase, timeZone: string): Promise<JdbcSinkTask> {
  const task = new JdbcSinkTask();
  const context: SinkTaskContext = {
    connector: 'tz-sink',
    taskId: 0,
    offset: () => {},
    requestCommit: () => {},
    errantRecordReporter: undefined,
    assignment: () => [],
  };
  await task.start(
    {
      'connection.url': db.url,
      ...(db.user ? { 'connection.user': db.user } : {}),
      'db.timezone': timeZone,
      'table.name.format': 'events',
    },
    context,
  );
  return task;
}

let kafkaOffset = 0n;
function record(id: number, instant: number): SinkRecord {
  return {
    topic: 'events',
    kafkaPartition: 0,
    kafkaOffset: kafkaOffset++,
    keySchema: undefined,
    key: null,
    valueSchema: events,
    value: new Struct(events)
      .put('id', id)
      .put('at_instant', new Date(instant))
      .put('at_clock', new Date(instant)),
    timestamp: undefined,
    headers: [],
  };
}

// 2024-11-03 01:30 happens twice in New York: 05:30Z (EDT) and 06:30Z (EST).
const NY_FIRST_0130 = Date.UTC(2024, 10, 3, 5, 30);
const NY_SECOND_0130 = Date.UTC(2024, 10, 3, 6, 30);
const SEOUL_NOON = Date.UTC(2024, 3, 5, 3, 0, 0, 123); // 12:00:00.123 in Seoul

describe('time zones on the real databases', () => {
  const dbs: TestDatabase[] = [];
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    for (const w of workers) await w.kill('SIGKILL');
    for (const db of dbs) await db.drop();
  });

  it('PostgreSQL sink: timestamptz gets the instant, timestamp the clock in db.timezone', async () => {
    const db = await createTestDatabase('postgres', 'tzsink');
    dbs.push(db);
    const client = await db.connect();
    try {
      // Sessions default to a third zone; the connector's own session is set to db.timezone.
      await client.execute(`ALTER DATABASE ${db.url.split('/').pop()} SET timezone TO 'America/Los_Angeles'`);
      await client.execute(
        'CREATE TABLE events (id INT PRIMARY KEY, at_instant TIMESTAMPTZ(3) NOT NULL, at_clock TIMESTAMP(3) NOT NULL)',
      );
      for (const [zone, instants] of [
        ['Asia/Seoul', [SEOUL_NOON]],
        ['America/New_York', [NY_FIRST_0130, NY_SECOND_0130]],
      ] as const) {
        const task = await sinkTask(db, zone);
        await task.put(instants.map((at, i) => record(1000 * zone.length + i, at)));
        await task.stop();
      }
      const rows = await client.query<{ id: number; ms: string; clock: string }>(
        `SELECT id, (extract(epoch FROM at_instant) * 1000)::bigint::text AS ms,
                to_char(at_clock, 'YYYY-MM-DD HH24:MI:SS.MS') AS clock FROM events ORDER BY id`,
      );
      expect(rows.map((r) => [Number(r.ms), r.clock])).toEqual([
        [SEOUL_NOON, '2024-04-05 12:00:00.123'],
        [NY_FIRST_0130, '2024-11-03 01:30:00.000'],
        [NY_SECOND_0130, '2024-11-03 01:30:00.000'],
      ]);
    } finally {
      await client.close();
    }
  });

  it('MariaDB sink: DATETIME holds the clock in db.timezone, TIMESTAMP the instant', async () => {
    const db = await createTestDatabase('mariadb', 'tzsink');
    dbs.push(db);
    const client = await db.connect();
    try {
      await client.execute(
        'CREATE TABLE events (id INT PRIMARY KEY, at_instant TIMESTAMP(3) NOT NULL, at_clock DATETIME(3) NOT NULL)',
      );
      const task = await sinkTask(db, 'Asia/Seoul');
      await task.put([record(1, SEOUL_NOON)]);
      await task.stop();
      await client.execute("SET time_zone = '-07:00'");
      const rows = await client.query<{ ms: unknown; clock: string }>(
        "SELECT ROUND(UNIX_TIMESTAMP(at_instant) * 1000) AS ms, DATE_FORMAT(at_clock, '%Y-%m-%d %H:%i:%s.%f') AS clock FROM events",
      );
      expect(rows.map((r) => [Number(r.ms), r.clock])).toEqual([[SEOUL_NOON, '2024-04-05 12:00:00.123000']]);
    } finally {
      await client.close();
    }
  });

  describe.each(['mariadb', 'postgres'] as DialectName[])(
    'source on %s, db.timezone=Asia/Seoul',
    (dialect) => {
      it('reads rows stamped with the Seoul clock at once, each exactly once', {
        timeout: 180_000,
      }, async () => {
        const bootstrap = inject('kafkaBootstrap');
        const db = await createTestDatabase(dialect, 'tzsrc');
        dbs.push(db);
        const run = uniqueName(`tz-${dialect}`);
        const prefix = `${run.replaceAll('-', '_')}_`;
        const writer: SqlClient = await db.connect();
        try {
          // The application writes the Seoul clock, as the connector's db.timezone says.
          if (dialect === 'mariadb') {
            await writer.execute("SET time_zone = '+09:00'");
            await writer.execute(
              'CREATE TABLE stamped (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(40), updated_at DATETIME(6) NOT NULL DEFAULT NOW(6))',
            );
          } else {
            await writer.execute("SET TIME ZONE 'Asia/Seoul'");
            await writer.execute(
              'CREATE TABLE stamped (id SERIAL PRIMARY KEY, label VARCHAR(40), updated_at TIMESTAMP(6) NOT NULL DEFAULT clock_timestamp())',
            );
          }
          const insert = async (n: number) => {
            // Several rows per statement: on MariaDB they share one NOW(6), a timestamp group.
            const values = Array.from({ length: n }, (_, i) => `('r${i}')`).join(', ');
            await writer.execute(`INSERT INTO stamped (label) VALUES ${values}`);
          };
          for (let i = 0; i < 20; i++) await insert(5);

          const worker = await startWorker(clusterSettings(bootstrap, run));
          workers.push(worker);
          await createRunning(worker.url, `${run}-src`, {
            'connector.class': 'JdbcSourceConnector',
            ...connection(db),
            mode: 'timestamp',
            'timestamp.column.name': 'updated_at',
            'table.whitelist': 'stamped',
            'topic.prefix': prefix,
            'db.timezone': 'Asia/Seoul',
            'batch.max.rows': '7',
            'poll.interval.ms': '200',
          });
          // More rows while it runs, then read: all within seconds (a bound in another zone would
          // leave the Seoul-stamped rows nine hours in the future, or read them again).
          for (let i = 0; i < 30; i++) {
            await insert(3);
            await sleep(30);
          }
          const total = 20 * 5 + 30 * 3;
          const started = Date.now();
          const records = await readRecords(bootstrap, `${prefix}stamped`, {
            min: total,
            settleMs: 3000,
            timeoutMs: 30_000,
          });
          const seen = ids(records);
          expect(duplicates(seen)).toEqual(new Map());
          expect(new Set(seen).size).toBe(total);
          expect(Date.now() - started).toBeLessThan(30_000);
          // The record's instant is the Seoul clock of the row.
          const [row] = await writer.query<{ clock: string }>(
            dialect === 'mariadb'
              ? "SELECT DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') AS clock FROM stamped WHERE id = 1"
              : "SELECT to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US') AS clock FROM stamped WHERE id = 1",
          );
          const first = records.find((r) => Number(r.value.payload.id) === 1);
          const [date, time] = String(row?.clock).split(' ') as [string, string];
          const expected = Date.parse(`${date}T${time.slice(0, 12)}+09:00`);
          expect(first?.value.payload.updated_at).toBe(expected);
        } finally {
          await writer.close();
        }
      });
    },
  );
});
