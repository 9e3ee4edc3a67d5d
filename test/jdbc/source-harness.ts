import { createConsumer } from '@msa-sync/kafka';
import type { DialectName, SqlClient } from '@msa-sync/sql';
import { eventually, rest } from '../support/connect-worker.js';
import type { TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

/** Helpers of the JDBC source tests (test/jdbc/source-*.test.ts). */

export interface EnvelopeRecord {
  offset: bigint;
  partition: number;
  key: Buffer | undefined;
  text: string;
  value: { schema: Record<string, unknown>; payload: Record<string, unknown> };
}

/**
 * Records of a topic from the earliest offset (committed transactions only), read until at least
 * `min` arrived (and `until` holds) and nothing more came for `settleMs`, or `timeoutMs` passed.
 */
export async function readRecords(
  bootstrap: string,
  topic: string,
  options: {
    min: number;
    until?: (records: EnvelopeRecord[]) => boolean;
    settleMs?: number;
    timeoutMs?: number;
  },
): Promise<EnvelopeRecord[]> {
  const settleMs = options.settleMs ?? 1500;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const consumer = createConsumer({
    bootstrapServers: [bootstrap],
    clientId: 'source-test-reader',
    groupId: uniqueName('source-reader'),
    maxWaitTime: 200,
  });
  const records: EnvelopeRecord[] = [];
  try {
    // The task's first poll creates the topic; on a loaded machine that may take most of the wait.
    await eventually(
      `topic ${topic} to exist`,
      async () => {
        const offsets = await consumer.listOffsets({ topics: [topic] }).catch(() => undefined);
        return offsets?.has(topic) ?? false;
      },
      Math.max(deadline - Date.now(), 1_000),
    );
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    let last = Date.now();
    const timer = setInterval(() => {
      const enough = records.length >= options.min && (options.until?.(records) ?? true);
      const settled = enough && Date.now() - last >= settleMs;
      if (settled || Date.now() > deadline) void stream.close();
    }, 100);
    try {
      for await (const message of stream) {
        last = Date.now();
        const text = message.value?.toString('utf8') ?? 'null';
        records.push({
          offset: message.offset,
          partition: message.partition,
          key: message.key,
          text,
          value: JSON.parse(text),
        });
      }
    } finally {
      clearInterval(timer);
      await stream.close().catch(() => {});
    }
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return records;
}

/** The seed's users1 table (`create table users(...)` of the seed, named users1), per dialect. */
export function users1Ddl(dialect: DialectName, table = 'users1'): string {
  switch (dialect) {
    case 'mariadb':
      return `create table ${table}(
        id int auto_increment primary key,
        user_id varchar(20),
        pwd varchar(20),
        name varchar(20),
        created_at datetime default NOW())`;
    case 'postgres':
      return `create table ${table}(
        id serial primary key,
        user_id varchar(20),
        pwd varchar(20),
        name varchar(20),
        created_at timestamp default now())`;
    case 'sqlite':
      return `create table ${table}(
        id integer primary key autoincrement,
        user_id varchar(20),
        pwd varchar(20),
        name varchar(20),
        created_at datetime default current_timestamp)`;
  }
}

/** A connector config for this database: URL and credentials from the test database. */
export function connection(db: TestDatabase): Record<string, string> {
  return {
    'connection.url': db.url,
    ...(db.user ? { 'connection.user': db.user } : {}),
    ...(db.password ? { 'connection.password': db.password } : {}),
  };
}

export interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

export async function status(url: string, name: string): Promise<ConnectorStatus> {
  return (await rest(url, 'GET', `/connectors/${encodeURIComponent(name)}/status`)).body as ConnectorStatus;
}

/** Creates a connector and waits until it and all its tasks run. */
export async function createRunning(
  url: string,
  name: string,
  config: Record<string, string>,
  minTasks = 1,
): Promise<void> {
  const created = await rest(url, 'POST', '/connectors', { name, config });
  if (created.status !== 201)
    throw new Error(`POST ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  await eventually(
    `${name} RUNNING with ${minTasks} task(s)`,
    async () => {
      const s = await status(url, name);
      const failed = s.tasks.find((t) => t.state === 'FAILED');
      if (failed) throw new Error(`task failed: ${failed.trace}`);
      return (
        s.connector.state === 'RUNNING' &&
        s.tasks.length >= minTasks &&
        s.tasks.every((t) => t.state === 'RUNNING')
      );
    },
    60_000,
  );
}

/** Runs statements one by one. */
export async function exec(client: SqlClient, ...statements: string[]): Promise<void> {
  for (const sql of statements) await client.execute(sql);
}

/** Ids (payload.id) of records, in topic order. */
export function ids(records: EnvelopeRecord[]): number[] {
  return records.map((r) => Number(r.value.payload.id));
}

/** The values that occur more than once, with their counts. */
export function duplicates(values: readonly (number | string)[]): Map<number | string, number> {
  const counts = new Map<number | string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n > 1));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
