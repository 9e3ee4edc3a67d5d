/**
 * JDBC source throughput: rows of a MariaDB table into a Kafka topic.
 *
 *   npx tsx bench/source/run.ts [--rows N] [--batch B] [--repeat K] [--append] [--cpu-prof DIR]
 *
 * 1. Fills a fresh MariaDB database with N rows shaped like the seed's users1 (default 1,000,000).
 * 2. Ceiling: a bare loop in this process, with the same driver (mariadb) and the same Kafka
 *    client (@msa-sync/kafka createProducer: idempotent, acks=all): SELECT a page of B rows by id,
 *    turn each row into the same JSON envelope text, send the page, await the ack, repeat.
 * 3. msa-sync: a real Connect worker process (packages/connect/dist) runs the JDBC source
 *    connector (mode incrementing, batch.max.rows B) on the same table: with exactly-once source
 *    delivery and transaction.boundary=poll (the default: one Kafka transaction per poll), with
 *    transaction.boundary=interval (one transaction per offset.flush.interval.ms, 1 s here), and
 *    without exactly-once. Timed from POST /connectors until the connector's committed offset is
 *    the last id.
 * Rounds are interleaved K times (default 3) and medians printed, with the ratio to the ceiling;
 * --append adds the table to bench/RESULTS.md; --cpu-prof writes a `node --cpu-prof` profile of
 * each worker process into DIR/<delivery>-<round>/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import * as mariadb from 'mariadb';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',')[0] as string;
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root' };

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    append: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
    'cpu-prof': { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const REPEAT = Number(args.repeat);
const run = `bench_source_${randomBytes(3).toString('hex')}`;

/** The schema part of the envelope, as the connector writes it for this table. */
const SCHEMA_JSON =
  '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},' +
  '{"type":"string","optional":true,"field":"user_id"},{"type":"string","optional":true,"field":"pwd"},' +
  '{"type":"string","optional":true,"field":"name"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],' +
  '"optional":false,"name":"bench_rows"}';

function log(line: string): void {
  process.stderr.write(`[bench/source] ${line}\n`);
}

async function fill(database: string): Promise<void> {
  const conn = await mariadb.createConnection({ ...MARIADB });
  try {
    await conn.query(`CREATE DATABASE \`${database}\``);
    await conn.query(`USE \`${database}\``);
    await conn.query(
      `CREATE TABLE bench_rows (id INT AUTO_INCREMENT PRIMARY KEY, user_id VARCHAR(20), pwd VARCHAR(20),
       name VARCHAR(20), created_at DATETIME DEFAULT NOW())`,
    );
    // MariaDB's sequence engine makes the rows server-side.
    await conn.query(
      `INSERT INTO bench_rows (user_id, pwd, name, created_at)
       SELECT CONCAT('user', seq), CONCAT('pwd', seq), CONCAT('User ', seq, ' name'),
              '2023-04-04 21:22:51' + INTERVAL seq SECOND
       FROM seq_1_to_${ROWS}`,
    );
  } finally {
    await conn.end();
  }
}

/** The ceiling: SELECT a page, make the envelope text, produce, await the ack. */
async function bareLoop(database: string, round: number): Promise<number> {
  const topic = `${run}_bare_${round}`;
  const conn = await mariadb.createConnection({ ...MARIADB, database, timezone: 'Z', bigIntAsNumber: false });
  const producer = createProducer({
    bootstrapServers: [BOOTSTRAP],
    clientId: `${run}-bare`,
    autocreateTopics: true,
  });
  const started = performance.now();
  let after = 0;
  let sent = 0;
  try {
    for (;;) {
      const rows = (await conn.query(
        'SELECT id, user_id, pwd, name, created_at FROM bench_rows WHERE id > ? ORDER BY id LIMIT ?',
        [after, BATCH],
      )) as { id: number; user_id: string; pwd: string; name: string; created_at: Date | null }[];
      if (rows.length === 0) break;
      const messages = rows.map((r) => ({
        topic,
        value: Buffer.from(
          `{"schema":${SCHEMA_JSON},"payload":${JSON.stringify({
            id: r.id,
            user_id: r.user_id,
            pwd: r.pwd,
            name: r.name,
            created_at: r.created_at === null ? null : r.created_at.getTime(),
          })}}`,
        ),
      }));
      await producer.send({ messages });
      sent += rows.length;
      after = (rows.at(-1) as { id: number }).id;
    }
  } finally {
    await producer.close();
    await conn.end();
  }
  const seconds = (performance.now() - started) / 1000;
  if (sent !== ROWS) throw new Error(`bare loop sent ${sent} of ${ROWS}`);
  return ROWS / seconds;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startWorker(
  id: string,
  extra: Record<string, string>,
  profileDir?: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-source-'));
  const properties = join(dir, 'worker.properties');
  const lines = {
    'bootstrap.servers': BOOTSTRAP,
    'group.id': `${id}-group`,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'config.storage.topic': `${id}-configs`,
    'offset.storage.topic': `${id}-offsets`,
    'status.storage.topic': `${id}-status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.flush.interval.ms': '1000',
    listeners: `HTTP://127.0.0.1:${port}`,
    ...extra,
  };
  writeFileSync(
    properties,
    Object.entries(lines)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      join(root, 'packages/connect/dist/bin/connect-main.js'),
      properties,
    ],
    {
      env: { ...process.env, MSA_LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/connectors`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill('SIGKILL');
  throw new Error('worker not ready');
}

/** msa-sync's source in a worker process: from POST until the committed offset is the last row. */
interface Run {
  total: number;
  steady: number;
  firstMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type Delivery = 'eos-poll' | 'eos-interval' | 'alo';

async function connector(database: string, delivery: Delivery, round: number): Promise<Run> {
  const id = `${run}-${delivery}-${round}`;
  const profile = args['cpu-prof'];
  const worker = await startWorker(
    id,
    { 'exactly.once.source.support': delivery === 'alo' ? 'disabled' : 'enabled' },
    profile ? join(profile, `${delivery}-${round}`) : undefined,
  );
  try {
    const name = 'bench-source';
    const started = performance.now();
    const response = await fetch(`${worker.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        config: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
          'connection.url': `jdbc:mariadb://${MARIADB.host}:${MARIADB.port}/${database}`,
          'connection.user': MARIADB.user,
          mode: 'incrementing',
          'incrementing.column.name': 'id',
          'table.whitelist': 'bench_rows',
          'topic.prefix': `${id}_`,
          'batch.max.rows': String(BATCH),
          'poll.interval.ms': '100',
          ...(delivery === 'eos-interval' ? { 'transaction.boundary': 'interval' } : {}),
        },
      }),
    });
    if (response.status !== 201) throw new Error(`POST: ${response.status} ${await response.text()}`);
    let first: { at: number; rows: number } | undefined;
    for (;;) {
      const offsets = (await (await fetch(`${worker.url}/connectors/${name}/offsets`)).json()) as {
        offsets: { offset: { incrementing?: number } }[];
      };
      const reached = offsets.offsets[0]?.offset.incrementing;
      if (reached !== undefined && first === undefined) {
        first = { at: performance.now(), rows: reached };
        log(`first offset ${reached} after ${Math.round(first.at - started)} ms`);
      }
      if (reached === ROWS) {
        const now = performance.now();
        const f = first ?? { at: started, rows: 0 };
        return {
          total: ROWS / ((now - started) / 1000),
          steady: (ROWS - f.rows) / ((now - f.at) / 1000),
          firstMs: f.at - started,
        };
      }
      const status = (await (await fetch(`${worker.url}/connectors/${name}/status`)).json()) as {
        tasks: { state: string; trace?: string }[];
      };
      if (status.tasks[0]?.state === 'FAILED') throw new Error(`task failed: ${status.tasks[0].trace}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    worker.child.kill('SIGTERM');
    await new Promise((r) => worker.child.once('exit', r));
  }
}

async function cleanup(database: string): Promise<void> {
  const conn = await mariadb.createConnection({ ...MARIADB });
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``).finally(() => conn.end());
  const admin = createAdmin({ bootstrapServers: [BOOTSTRAP], clientId: `${run}-admin` });
  const topics = (await admin.listTopics()).filter(
    (t) => t.startsWith(run) || t.startsWith(run.replaceAll('_', '-')),
  );
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
  await admin.close();
}

async function main(): Promise<void> {
  const database = run;
  log(`filling ${database} with ${ROWS.toLocaleString('en-US')} rows`);
  await fill(database);
  try {
    // Interleaved rounds, medians reported: load from the shared machine hits all three alike.
    const bares: number[] = [];
    const eoss: Run[] = [];
    const intervals: Run[] = [];
    const alos: Run[] = [];
    for (let round = 1; round <= REPEAT; round++) {
      log(`round ${round}/${REPEAT}: bare SELECT-and-produce loop`);
      bares.push(await bareLoop(database, round));
      log(`bare: ${Math.round(bares.at(-1) as number)} rows/s`);
      eoss.push(await connector(database, 'eos-poll', round));
      log(`msa-sync exactly-once, poll boundary: ${Math.round((eoss.at(-1) as Run).total)} rows/s`);
      intervals.push(await connector(database, 'eos-interval', round));
      log(`msa-sync exactly-once, interval boundary: ${Math.round((intervals.at(-1) as Run).total)} rows/s`);
      alos.push(await connector(database, 'alo', round));
      log(`msa-sync at-least-once: ${Math.round((alos.at(-1) as Run).total)} rows/s`);
    }
    const bare = median(bares);
    const medians = (runs: Run[]) => ({
      total: median(runs.map((r) => r.total)),
      steady: median(runs.map((r) => r.steady)),
      firstMs: median(runs.map((r) => r.firstMs)),
    });
    const eos = medians(eoss);
    const interval = medians(intervals);
    const alo = medians(alos);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const row = (label: string, r: { total: number; steady: number; firstMs: number }) =>
      `| msa-sync JDBC source in a worker | ${label} | ${fmt(r.total)} | ${(r.total / bare).toFixed(2)} | ` +
      `${fmt(r.steady)} | ${(r.steady / bare).toFixed(2)} | ${(r.firstMs / 1000).toFixed(1)} s |`;
    const table = [
      '| path | delivery | rows/s from POST | vs bare loop | rows/s after first commit | vs bare loop | first offset after |',
      '| ---- | -------- | ---------------- | ------------ | ------------------------- | ------------ | ------------------ |',
      `| bare SELECT-and-produce loop (mariadb + @msa-sync/kafka) | idempotent, acks=all | ${fmt(bare)} | 1.00 | ${fmt(bare)} | 1.00 | n/a |`,
      row('exactly-once, `transaction.boundary=poll` (the default: a transaction per poll)', eos),
      row('exactly-once, `transaction.boundary=interval` (1 s, the offset flush interval)', interval),
      row('at-least-once (`exactly.once.source.support=disabled`)', alo),
    ].join('\n');
    process.stdout.write(`${table}\n`);
    if (args.append) {
      appendFileSync(
        join(root, 'bench', 'RESULTS.md'),
        `\n## JDBC source (bench/source), ${new Date().toISOString().slice(0, 10)}\n\nCommand:\n\n\`\`\`sh\nnpx tsx bench/source/run.ts --rows ${ROWS} --batch ${BATCH} --repeat ${REPEAT} --append\n\`\`\`\n\n` +
          `Setup: MariaDB ${await serverVersion()} and Apache Kafka on this machine, Node ${process.version}. ` +
          `${ROWS.toLocaleString('en-US')} rows shaped like the seed's users1 (id, user_id, pwd, name, created_at), ` +
          `pages of ${BATCH.toLocaleString('en-US')} rows (batch.max.rows), JsonConverter envelopes with schemas. ` +
          `Medians of ${REPEAT} interleaved rounds (bare, exactly-once poll and interval boundaries, at-least-once). Run ${new Date().toISOString()}.\n\n${table}\n`,
      );
    }
  } finally {
    await cleanup(database);
  }
}

async function serverVersion(): Promise<string> {
  const conn = await mariadb.createConnection({ ...MARIADB });
  try {
    const rows = (await conn.query('SELECT VERSION() AS v')) as { v: string }[];
    return rows[0]?.v ?? '?';
  } finally {
    await conn.end();
  }
}

await main();
