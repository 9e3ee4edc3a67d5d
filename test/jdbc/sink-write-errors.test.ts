import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ErrantRecordReporter, SinkRecord, SinkTaskContext } from '@msa-sync/connect/api';
import { SchemaBuilder, Schemas, Struct } from '@msa-sync/connect/data';
import { JdbcSinkTask } from '@msa-sync/connect/testing';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * The sink's write path against the real databases (issue 8, points 2-4): data errors split to
 * the bad records, connection errors never reported, batches across puts, upserts and
 * insert.ignore that match the primary key only. Through a worker and Kafka: sink-dlq.test.ts.
 */
const orders = SchemaBuilder.struct()
  .name('orders')
  .field('order_id', Schemas.INT32)
  .field('email', Schemas.OPTIONAL_STRING)
  .field('note', Schemas.OPTIONAL_STRING)
  .field('qty', Schemas.OPTIONAL_INT32)
  .build();

function order(id: number, fields: { email?: string | null; note?: string | null; qty?: number } = {}) {
  return new Struct(orders)
    .put('order_id', id)
    .put('email', fields.email === undefined ? `o${id}@shop.test` : fields.email)
    .put('note', fields.note === undefined ? `n${id}` : fields.note)
    .put('qty', fields.qty ?? 1);
}

let nextOffset = 0n;
function rec(topic: string, value: Struct): SinkRecord {
  return {
    topic,
    kafkaPartition: 0,
    kafkaOffset: nextOffset++,
    keySchema: undefined,
    key: null,
    valueSchema: value.schema,
    value,
    timestamp: undefined,
    headers: [],
  };
}

class Reported implements ErrantRecordReporter {
  readonly records: { record: SinkRecord; error: Error & { contextHeaders?: Record<string, string> } }[] = [];
  async report(record: SinkRecord, error: Error): Promise<void> {
    this.records.push({ record, error });
  }
}

async function startTask(
  url: string,
  db: TestDatabase,
  config: Record<string, string>,
  options: { reporter?: ErrantRecordReporter; buffersAcrossPuts?: boolean } = {},
): Promise<JdbcSinkTask> {
  const task = new JdbcSinkTask();
  const context: SinkTaskContext = {
    connector: 'sink',
    taskId: 0,
    offset: () => {},
    requestCommit: () => {},
    errantRecordReporter: options.reporter,
    assignment: () => [],
    buffersAcrossPuts: options.buffersAcrossPuts ?? false,
  };
  await task.start(
    { 'connection.url': url, ...(db.user ? { 'connection.user': db.user } : {}), ...config },
    context,
  );
  return task;
}

/** A TCP relay to the database that the test can cut, like a database host going away. */
async function relay(port: number): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(ALL_DIALECTS)('JDBC sink write path on %s', (dialect) => {
  let db: TestDatabase;
  let client: SqlClient;
  const q = (name: string) => db.dialect.quoteIdentifier(name);
  const count = async (table: string) =>
    Number((await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${q(table)}`))[0]?.n);
  const rows = (table: string) =>
    client.query<Record<string, unknown>>(
      `SELECT ${q('order_id')} AS id, ${q('email')} AS email, ${q('note')} AS note FROM ${q(table)} ORDER BY ${q('order_id')}`,
    );
  /** PK order_id, a second unique key on email, a short note and a CHECK on qty. */
  const createOrders = async (table: string) => {
    const note = dialect === 'sqlite' ? `TEXT CHECK (length(${q('note')}) <= 10)` : 'VARCHAR(10)';
    await client.execute(
      `CREATE TABLE ${q(table)} (${q('order_id')} INT NOT NULL PRIMARY KEY, ${q('email')} VARCHAR(100) NOT NULL, ` +
        `${q('note')} ${note} NULL, ${q('qty')} INT NULL CHECK (${q('qty')} >= 0), ` +
        `CONSTRAINT ${q(`${table}_email`)} UNIQUE (${q('email')}))`,
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'sinkw');
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  it('a batch with 3 bad records among 100: 97 rows written, the 3 reported with table and SQL state', async () => {
    await createOrders('dlq_orders');
    const reporter = new Reported();
    const task = await startTask(db.url, db, { 'insert.mode': 'insert', 'max.retries': '0' }, { reporter });
    const batch = Array.from({ length: 100 }, (_, i) => rec('dlq_orders', order(i)));
    // NULL into NOT NULL, a value too long (a CHECK on SQLite, which has no lengths), a failed CHECK.
    batch[10] = rec('dlq_orders', order(10, { email: null }));
    batch[50] = rec('dlq_orders', order(50, { note: 'far too long for ten' }));
    batch[97] = rec('dlq_orders', order(97, { qty: -5 }));
    await task.put(batch);
    await task.stop();
    expect(await count('dlq_orders')).toBe(97);
    const ids = (await rows('dlq_orders')).map((r) => Number(r.id));
    expect(ids).not.toContain(10);
    expect(ids).not.toContain(50);
    expect(ids).not.toContain(97);
    expect(reporter.records.map((r) => r.record)).toEqual([batch[10], batch[50], batch[97]]);
    for (const { error } of reporter.records) {
      expect(error.message).toContain('dlq_orders');
      expect(error.contextHeaders?.['jdbc.table']).toContain('dlq_orders');
      if (dialect !== 'sqlite') expect(error.contextHeaders?.['jdbc.sql.state']).toMatch(/^2[23]/);
    }
  });

  it('with exactly.once.offsets.table: bad records reported, the rest and the next offset in one commit', async () => {
    await createOrders('dlq_eos');
    const reporter = new Reported();
    const task = await startTask(
      db.url,
      db,
      { 'exactly.once.offsets.table': 'dlq_eos_offsets' },
      { reporter },
    );
    const batch = Array.from({ length: 20 }, (_, i) => rec('dlq_eos', order(i, { qty: i === 7 ? -1 : 1 })));
    await task.put(batch);
    // Delivered again (a crash before the consumer commit): nothing written or reported twice.
    await task.put(batch);
    await task.stop();
    expect(await count('dlq_eos')).toBe(19);
    expect(reporter.records.map((r) => r.record)).toEqual([batch[7]]);
    const stored = await client.query<{ o: unknown }>(
      `SELECT ${q('next_offset')} AS o FROM ${q('dlq_eos_offsets')} WHERE ${q('topic')} = 'dlq_eos'`,
    );
    expect(stored.map((r) => BigInt(r.o as bigint))).toEqual([(batch.at(-1) as SinkRecord).kafkaOffset + 1n]);
  });

  it('a duplicate primary key in insert mode is reported, the rest of the batch written', async () => {
    await createOrders('dlq_dup');
    await client.execute(
      `INSERT INTO ${q('dlq_dup')} (${q('order_id')}, ${q('email')}) VALUES (5, 'first@shop.test')`,
    );
    const reporter = new Reported();
    const task = await startTask(db.url, db, {}, { reporter });
    await task.put(Array.from({ length: 10 }, (_, i) => rec('dlq_dup', order(i))));
    await task.stop();
    expect(await count('dlq_dup')).toBe(10);
    expect(reporter.records.map((r) => r.record.value)).toEqual([order(5)]);
    expect((await rows('dlq_dup')).find((r) => Number(r.id) === 5)?.email).toBe('first@shop.test');
  });

  it('without a reporter a data error fails the put with table, SQL state and message', async () => {
    await createOrders('dlq_none');
    const task = await startTask(db.url, db, {});
    const error = await task
      .put([rec('dlq_none', order(1)), rec('dlq_none', order(2, { qty: -1 }))])
      .catch((e: Error) => e);
    await task.stop();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/dlq_none.*(SQL state|CHECK|constraint)/is);
    expect(await count('dlq_none')).toBe(0);
  });

  it('upsert matches the primary key only: a clash on another unique key is an error, the other row intact', async () => {
    await createOrders('ups_unique');
    const reporter = new Reported();
    const task = await startTask(
      db.url,
      db,
      { 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'order_id' },
      { reporter },
    );
    await task.put([rec('ups_unique', order(1, { email: 'a@shop.test', note: 'first' }))]);
    // Same key: updated. New key, but the email of order 1: must not be merged into order 1.
    await task.put([
      rec('ups_unique', order(1, { email: 'a@shop.test', note: 'updated' })),
      rec('ups_unique', order(2, { email: 'a@shop.test', note: 'intruder' })),
      rec('ups_unique', order(3, { email: 'c@shop.test', note: 'third' })),
    ]);
    await task.stop();
    expect((await rows('ups_unique')).map((r) => [Number(r.id), r.email, r.note])).toEqual([
      [1, 'a@shop.test', 'updated'],
      [3, 'c@shop.test', 'third'],
    ]);
    expect(reporter.records.map((r) => (r.record.value as Struct).get('order_id'))).toEqual([2]);
    if (dialect === 'mariadb') expect(reporter.records[0]?.error.message).toContain('ups_unique_email');
  });

  it('upsert without a reporter fails on the secondary unique clash instead of overwriting', async () => {
    await createOrders('ups_fail');
    const task = await startTask(db.url, db, {
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'order_id',
    });
    await task.put([rec('ups_fail', order(1, { email: 'a@shop.test', note: 'first' }))]);
    const error = await task
      .put([rec('ups_fail', order(2, { email: 'a@shop.test', note: 'intruder' }))])
      .catch((e: Error) => e);
    await task.stop();
    expect(error).toBeInstanceOf(Error);
    expect((await rows('ups_fail')).map((r) => [Number(r.id), r.note])).toEqual([[1, 'first']]);
  });

  it('insert.ignore: re-delivered records leave the first version; other errors still surface', async () => {
    await createOrders('ignore');
    const config = { 'insert.mode': 'insert.ignore', 'pk.mode': 'record_value', 'pk.fields': 'order_id' };
    const task = await startTask(db.url, db, config);
    await task.put([rec('ignore', order(1, { note: 'v1' })), rec('ignore', order(2, { note: 'v1' }))]);
    await task.put([
      rec('ignore', order(1, { note: 'v2' })),
      rec('ignore', order(2, { note: 'v2' })),
      rec('ignore', order(3, { note: 'v1' })),
      rec('ignore', order(3, { note: 'v2' })),
    ]);
    expect((await rows('ignore')).map((r) => [Number(r.id), r.note])).toEqual([
      [1, 'v1'],
      [2, 'v1'],
      [3, 'v1'],
    ]);
    // Not a key duplicate: a NULL into NOT NULL, a clash on the email key. Neither is skipped.
    const nulled = await task.put([rec('ignore', order(4, { email: null }))]).catch((e: Error) => e);
    expect(nulled).toBeInstanceOf(Error);
    await task.stop();
    const again = await startTask(db.url, db, config);
    const clash = await again
      .put([rec('ignore', order(5, { email: 'o1@shop.test' }))])
      .catch((e: Error) => e);
    await again.stop();
    expect(clash).toBeInstanceOf(Error);
    expect(await count('ignore')).toBe(3);
  });

  it('buffers across puts up to batch.size: polls of 50, statements of 500, written before commit', async () => {
    const task = await startTask(
      db.url,
      db,
      { 'auto.create': 'true', 'batch.size': '500', 'batch.max.wait.ms': '600000' },
      { buffersAcrossPuts: true },
    );
    const all = Array.from({ length: 1120 }, (_, i) => rec('buffered', order(i)));
    await task.put(all.slice(0, 50));
    expect(task.statementStats.statements).toBe(0);
    for (let i = 50; i < all.length; i += 50) await task.put(all.slice(i, i + 50));
    // 1100 of 1120 put: two full buffers written; the last 100+20 wait for a flush.
    expect(task.statementStats).toEqual({ statements: 2, rows: 1000, largest: 500 });
    expect(await count('buffered')).toBe(1000);
    const current = new Map([
      ['buffered-0', { topicPartition: { topic: 'buffered', partition: 0 }, offset: 0n }],
    ]);
    expect(await task.preCommit(current)).toBe(current);
    expect(await count('buffered')).toBe(1120);
    // The worker had nothing more to deliver: an empty put writes what waits.
    await task.put([rec('buffered', order(5000))]);
    expect(await count('buffered')).toBe(1120);
    await task.put([]);
    expect(await count('buffered')).toBe(1121);
    await task.stop();
  });
});

/** SQLite has no server to lose. */
describe.each(['mariadb', 'postgres'] as const)('JDBC sink on %s losing its database', (dialect) => {
  let db: TestDatabase;
  let client: SqlClient;
  const q = (name: string) => db.dialect.quoteIdentifier(name);

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'sinkg');
    client = await db.connect();
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  it('a database gone away is retried and never reported as bad records', async () => {
    await client.execute(
      `CREATE TABLE ${q('gone')} (${q('order_id')} INT NOT NULL PRIMARY KEY, ${q('email')} VARCHAR(100), ${q('note')} VARCHAR(10), ${q('qty')} INT)`,
    );
    const port = dialect === 'mariadb' ? 3306 : 5432;
    const tunnel = await relay(port);
    const url = db.url.replace(`:${port}/`, `:${tunnel.port}/`);
    const reporter = new Reported();
    const task = await startTask(
      url,
      db,
      { 'max.retries': '2', 'retry.backoff.ms': '100', 'connection.attempts': '1' },
      { reporter },
    );
    await task.put([rec('gone', order(1))]);
    await tunnel.cut();
    const error = await task
      .put(Array.from({ length: 20 }, (_, i) => rec('gone', order(i + 10, { qty: i === 3 ? -1 : 1 }))))
      .catch((e: Error) => e);
    await task.stop();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/gave up after 2 retries|Could not connect/);
    expect(reporter.records).toEqual([]);
    const n = Number((await client.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${q('gone')}`))[0]?.n);
    expect(n).toBe(1);
  });
});
