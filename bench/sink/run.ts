/**
 * JDBC sink throughput into MariaDB, side by side in one run.
 *
 *   npx tsx bench/sink/run.ts [--records 1000000] [--partitions 4] [--batch 3000] [--no-append]
 *     [--tasks 1,2] [--threads on,off] [--no-debezium] [--cpu-prof DIR]
 *     [--worker-node-args '--max-semi-space-size=32']
 *
 * --tasks: which tasks.max runs (default 1,2); --threads: with each task on a thread of its own
 * (`on`, the worker's default), on the worker's event loop (`off`, task.threads.enable=false), or
 * both, one after the other for each tasks.max (default on); --no-debezium skips the JVM run;
 * --cpu-prof writes a `node --cpu-prof` profile of each msa-sync worker into DIR.
 *
 * 1. Loads N seed-shaped records (the seed's users1 envelope: id, user_id, pwd, name,
 *    created_at as Timestamp) into a fresh topic.
 * 2. Raw ceiling: the same rows, built in memory, written with a bare multi-row INSERT loop
 *    (--batch rows per statement, autocommit) through the same driver (mariadb) — no Kafka, no JSON.
 * 3. msa-sync: a fresh worker process per run, the JDBC sink with tasks.max 1, then 2, each
 *    into its own table; rows/s from the first row seen to the last, RSS peak of the worker.
 * 4. Apache Kafka Connect (JVM, the version infra/kafka/pom.xml fetches, the same Maven jars as the broker) + the Debezium JDBC
 *    sink 3.4.0.Final (fetched by infra/kafka/debezium-jdbc/pom.xml on first use).
 *
 * Prints ratios (vs raw ceiling, vs Debezium) and appends the table to bench/RESULTS.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KAFKA_VERSION } from '@msa-sync/connect/api';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import { dialectFor, parseJdbcUrl, type SqlClient } from '@msa-sync/sql';
import {
  clusterSettings,
  freePort,
  rest,
  startWorker,
  type WorkerProcess,
} from '../../test/support/connect-worker.js';
import { cpuSeconds, machineBusySeconds, rssMb } from '../proc-stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',')[0] ?? '127.0.0.1:9092';
const MARIADB = 'jdbc:mariadb://127.0.0.1:3306/';
const SEED_INSTANT = 1680643371000;

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '4' },
    batch: { type: 'string', default: '3000' },
    'no-append': { type: 'boolean', default: false },
    tasks: { type: 'string', default: '1,2' },
    threads: { type: 'string', default: 'on' },
    'no-debezium': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'worker-node-args': { type: 'string', default: '' },
  },
});
const N = Number(args.records);
const PARTITIONS = Number(args.partitions);
const RAW_BATCH = Number(args.batch);
const TASKS = args.tasks.split(',').map(Number);
const THREADS = args.threads.split(',').map((mode) => {
  if (mode !== 'on' && mode !== 'off') throw new Error(`--threads: on, off or on,off; not ${args.threads}`);
  return mode === 'on';
});
const CPU_PROF = args['cpu-prof'];
const WORKER_NODE_ARGS = [
  ...args['worker-node-args'].split(' ').filter(Boolean),
  ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
];

const schema = {
  type: 'struct',
  fields: [
    { type: 'int32', optional: false, field: 'id' },
    { type: 'string', optional: true, field: 'user_id' },
    { type: 'string', optional: true, field: 'pwd' },
    { type: 'string', optional: true, field: 'name' },
    {
      type: 'int64',
      optional: true,
      name: 'org.apache.kafka.connect.data.Timestamp',
      version: 1,
      field: 'created_at',
    },
  ],
  optional: false,
  name: 'users1',
};
const schemaJson = JSON.stringify(schema);
const row = (i: number) => ({
  id: i,
  user_id: `user${i}`,
  pwd: `pwd${i}${i}`,
  name: `User${i} name`,
  created_at: SEED_INSTANT + i,
});

interface Result {
  candidate: string;
  rowsPerSec: number;
  seconds: number;
  rssPeakMb: number | undefined;
  note: string;
}

/** A carriage-return progress line on stderr. */
function progress(label: string, total: number, current: () => number): () => void {
  const started = performance.now();
  let last = { at: started, n: 0 };
  const draw = () => {
    const now = performance.now();
    const n = current();
    const rate = ((n - last.n) * 1000) / Math.max(1, now - last.at);
    last = { at: now, n };
    const width = 30;
    const filled = Math.min(width, Math.round((width * n) / total));
    process.stderr.write(
      `\r${label.padEnd(22)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${((100 * n) / total).toFixed(1).padStart(5)}% ` +
        `${n.toLocaleString('en')}/${total.toLocaleString('en')} ${Math.round(rate).toLocaleString('en')} rows/s   `,
    );
  };
  const timer = setInterval(draw, 500);
  return () => {
    clearInterval(timer);
    draw();
    process.stderr.write('\n');
  };
}

async function loadTopic(topic: string): Promise<number> {
  const admin = createAdmin({ bootstrapServers: [BOOTSTRAP], clientId: 'bench-sink-admin' });
  await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
  await admin.close();
  const producer = createProducer({ bootstrapServers: [BOOTSTRAP], clientId: 'bench-sink-producer' });
  let sent = 0;
  const done = progress('load topic', N, () => sent);
  const started = performance.now();
  // The producer merges queued sends into one request: keep each partition's batch under the broker's 1 MB.
  const chunk = 2000;
  const inflight: Promise<unknown>[] = [];
  for (let start = 0; start < N; start += chunk) {
    const messages = [];
    for (let i = start; i < Math.min(N, start + chunk); i++) {
      messages.push({
        topic,
        partition: i % PARTITIONS,
        value: Buffer.from(`{"schema":${schemaJson},"payload":${JSON.stringify(row(i))}}`),
      });
    }
    inflight.push(producer.send({ messages }).then(() => (sent += messages.length)));
    if (inflight.length >= 2) await inflight.shift();
  }
  await Promise.all(inflight);
  done();
  await producer.close();
  return (performance.now() - started) / 1000;
}

const CREATE = (table: string) =>
  `CREATE TABLE ${table} (id INT NOT NULL, user_id TEXT NULL, pwd TEXT NULL, name TEXT NULL, created_at DATETIME(3) NULL)`;

/**
 * The bare loop: `multi` sends one multi-row INSERT per batch (the ceiling the issue names);
 * `bulk` binds the batch to a one-row INSERT through the driver's batch() (MariaDB's bulk
 * protocol, one round trip), which is what the msa-sync sink uses on MariaDB.
 */
async function rawCeiling(client: SqlClient, mode: 'multi' | 'bulk'): Promise<Result> {
  const table = mode === 'multi' ? 'raw_ceiling' : 'raw_bulk';
  await client.execute(CREATE(table));
  const rows = Array.from({ length: N }, (_, i) => {
    const r = row(i);
    const at = new Date(r.created_at).toISOString();
    return [r.id, r.user_id, r.pwd, r.name, `${at.slice(0, 10)} ${at.slice(11, 23)}`];
  });
  const statements = new Map<number, string>();
  const sqlFor = (n: number) => {
    let sql = statements.get(n);
    if (!sql) {
      sql = `INSERT INTO ${table} (id,user_id,pwd,name,created_at) VALUES ${Array.from({ length: n }, () => '(?,?,?,?,?)').join(',')}`;
      statements.set(n, sql);
    }
    return sql;
  };
  let written = 0;
  const done = progress(`raw ${mode} INSERT loop`, N, () => written);
  const started = performance.now();
  for (let start = 0; start < N; start += RAW_BATCH) {
    const batch = rows.slice(start, start + RAW_BATCH);
    if (mode === 'multi') await client.execute(sqlFor(batch.length), batch.flat());
    else await client.executeMany(sqlFor(1), batch);
    written += batch.length;
  }
  const seconds = (performance.now() - started) / 1000;
  done();
  return {
    candidate:
      mode === 'multi'
        ? `raw multi-row INSERT loop (${RAW_BATCH} rows/stmt)`
        : `raw bulk INSERT loop (${RAW_BATCH} rows/batch())`,
    rowsPerSec: N / seconds,
    seconds,
    rssPeakMb: undefined,
    note: 'mariadb driver, no Kafka',
  };
}

async function countRows(client: SqlClient, table: string): Promise<number> {
  const rows = await client
    .query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`)
    .catch(() => [{ n: 0 }]);
  return Number(rows[0]?.n ?? 0);
}

/** Polls the table until it holds N rows: rows/s from the first row seen to the last, RSS peak of the worker. */
async function measureRows(
  label: string,
  client: SqlClient,
  table: string,
  pid: number | undefined,
  posted: number,
  statusUrl: string,
): Promise<{
  rowsPerSec: number;
  seconds: number;
  rssPeakMb: number;
  firstAfter: number;
  cpuMsPer1000: number;
  machineCores: number;
}> {
  let peak = rssMb(pid);
  let count = 0;
  const done = progress(label, N, () => count);
  let first: number | undefined;
  let cpuAtFirst = 0;
  let machineAtFirst = 0;
  let rowsAtFirst = 0;
  const deadline = Date.now() + 30 * 60_000;
  while (count < N) {
    if (Date.now() > deadline) throw new Error(`${label}: only ${count} of ${N} rows after 30 minutes`);
    await new Promise((r) => setTimeout(r, 250));
    peak = Math.max(peak, rssMb(pid));
    count = await countRows(client, table);
    if (first === undefined && count > 0) {
      first = performance.now();
      cpuAtFirst = cpuSeconds(pid);
      machineAtFirst = machineBusySeconds();
      rowsAtFirst = count;
    }
    if (count === 0 && performance.now() - posted > 20_000) {
      // A failed task never writes: say why instead of waiting for the deadline.
      const status = (await rest(statusUrl, 'GET', '')).body as {
        tasks?: { state: string; trace?: string }[];
      };
      const failed = status.tasks?.find((t) => t.state === 'FAILED');
      if (failed) throw new Error(`${label}: task FAILED: ${(failed.trace ?? '').split('\n')[0]}`);
    }
  }
  const end = performance.now();
  const cpuUsed = cpuSeconds(pid) - cpuAtFirst;
  const machineUsed = machineBusySeconds() - machineAtFirst;
  done();
  // Exactly N: a planned rebalance (tasks joining, the group settling) must not write a record
  // twice in insert mode (issue 14). Rows still in flight would show within a few polls.
  await new Promise((r) => setTimeout(r, 3000));
  const settled = await countRows(client, table);
  if (settled !== N)
    throw new Error(`${label}: ${settled} rows for ${N} records (${settled - N} written twice)`);
  const seconds = (end - (first ?? posted)) / 1000;
  return {
    rowsPerSec: N / seconds,
    seconds,
    rssPeakMb: peak,
    firstAfter: ((first ?? posted) - posted) / 1000,
    // The worker's CPU per 1000 rows written while running: less sensitive to a busy machine than rows/s.
    cpuMsPer1000: (cpuUsed * 1000 * 1000) / Math.max(1, N - rowsAtFirst),
    // Cores of the whole machine busy meanwhile: near all of them, more tasks cannot go faster.
    machineCores: machineUsed / Math.max(0.001, (end - (first ?? posted)) / 1000),
  };
}

async function msaSync(
  client: SqlClient,
  dbUrl: string,
  topic: string,
  tasks: number,
  threads: boolean,
): Promise<Result> {
  const table = msaTable(tasks, threads);
  // Its own consumer group per run of the topic, so each run reads every record.
  const connectorName = `bench-${table.replaceAll('_', '-')}`;
  const label = `tasks.max=${tasks}${THREADS.length > 1 ? (threads ? ', threads' : ', event loop') : ''}`;
  const worker: WorkerProcess = await startWorker(
    clusterSettings(BOOTSTRAP, `bench-sink-${Date.now().toString(36)}-${tasks}`, {
      'task.threads.enable': String(threads),
    }),
    undefined,
    { nodeArgs: WORKER_NODE_ARGS },
  );
  try {
    const posted = performance.now();
    const response = await rest(worker.url, 'POST', '/connectors', {
      name: connectorName,
      config: {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        'connection.url': dbUrl,
        'connection.user': 'root',
        topics: topic,
        'tasks.max': String(tasks),
        'auto.create': 'true',
        'table.name.format': table,
      },
    });
    if (response.status !== 201)
      throw new Error(`POST /connectors: ${response.status} ${JSON.stringify(response.body)}`);
    const m = await measureRows(
      `msa-sync ${label}`,
      client,
      table,
      worker.child.pid,
      posted,
      `${worker.url}/connectors/${connectorName}/status`,
    );
    return {
      candidate: `msa-sync JDBC sink, ${label}`,
      rowsPerSec: m.rowsPerSec,
      seconds: m.seconds,
      rssPeakMb: m.rssPeakMb,
      note: `first row ${m.firstAfter.toFixed(1)} s after POST; worker CPU ${m.cpuMsPer1000.toFixed(1)} ms per 1000 rows; machine ${m.machineCores.toFixed(2)} of ${availableParallelism()} cores busy`,
    };
  } finally {
    await worker.kill('SIGTERM');
  }
}

function msaTable(tasks: number, threads: boolean): string {
  return `msa_sink_t${tasks}${threads ? '' : '_loop'}`;
}

const DEBEZIUM_PLUGIN = join(root, 'infra', 'kafka', 'plugins', 'debezium-connector-jdbc');
const DEBEZIUM_VERSION = '3.4.0.Final';

/**
 * Apache Kafka Connect (the JVM worker from the same Maven jars as our broker) running
 * the Debezium JDBC sink on the same topic into the same database.
 */
async function debezium(client: SqlClient, dbUrl: string, topic: string): Promise<Result> {
  const candidate = `Apache Connect ${KAFKA_VERSION} (JVM) + Debezium JDBC sink ${DEBEZIUM_VERSION}`;
  if (!existsSync(DEBEZIUM_PLUGIN)) {
    process.stderr.write('fetching the Debezium JDBC sink plugin (infra/kafka/debezium-jdbc/pom.xml)...\n');
    const fetch = spawnSync(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        join(root, 'infra', 'kafka', 'debezium-jdbc', 'pom.xml'),
        'dependency:copy-dependencies',
      ],
      { stdio: 'inherit' },
    );
    if (fetch.status !== 0) {
      return {
        candidate,
        rowsPerSec: Number.NaN,
        seconds: Number.NaN,
        rssPeakMb: undefined,
        note: 'plugin fetch failed',
      };
    }
  }
  const id = `bench-dbz-${Date.now().toString(36)}`;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-dbz-'));
  const properties = join(dir, 'connect-distributed.properties');
  writeFileSync(
    properties,
    [
      `bootstrap.servers=${BOOTSTRAP}`,
      `group.id=${id}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `config.storage.topic=${id}-configs`,
      `offset.storage.topic=${id}-offsets`,
      `status.storage.topic=${id}-status`,
      'config.storage.replication.factor=1',
      'offset.storage.replication.factor=1',
      'status.storage.replication.factor=1',
      'offset.flush.interval.ms=10000',
      `listeners=HTTP://127.0.0.1:${port}`,
      `plugin.path=${join(root, 'infra', 'kafka', 'plugins')}`,
    ].join('\n'),
  );
  const started = performance.now();
  const jvm = spawn(
    'java',
    [
      '-Xms512m',
      '-Xmx1g',
      `-Dlog4j2.configurationFile=${join(root, 'infra', 'kafka', 'log4j2.properties')}`,
      '-Dkafka.log.level=WARN',
      '-cp',
      join(root, 'infra', 'kafka', 'libs', '*'),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      properties,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    let ready = false;
    while (!ready && performance.now() - started < 180_000) {
      await new Promise((r) => setTimeout(r, 500));
      ready = await fetch(`${url}/connectors`)
        .then((r) => r.status === 200)
        .catch(() => false);
    }
    if (!ready) throw new Error('the JVM Connect worker did not answer within 180 s');
    const startupSeconds = (performance.now() - started) / 1000;
    const table = 'dbz_sink';
    const posted = performance.now();
    const response = await rest(url, 'POST', '/connectors', {
      name: 'bench-debezium',
      config: {
        'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
        'connection.url': dbUrl,
        'connection.username': 'root',
        'connection.password': '',
        topics: topic,
        'tasks.max': '1',
        'insert.mode': 'insert',
        'primary.key.mode': 'none',
        'schema.evolution': 'basic',
        'table.name.format': table,
        'batch.size': '3000',
      },
    });
    if (response.status !== 201)
      throw new Error(`POST /connectors: ${response.status} ${JSON.stringify(response.body)}`);
    const m = await measureRows(
      'Debezium (JVM)',
      client,
      table,
      jvm.pid,
      posted,
      `${url}/connectors/bench-debezium/status`,
    );
    return {
      candidate,
      rowsPerSec: m.rowsPerSec,
      seconds: m.seconds,
      rssPeakMb: m.rssPeakMb,
      note: `JVM worker ready after ${startupSeconds.toFixed(1)} s; first row ${m.firstAfter.toFixed(1)} s after POST`,
    };
  } catch (error) {
    return {
      candidate,
      rowsPerSec: Number.NaN,
      seconds: Number.NaN,
      rssPeakMb: undefined,
      note: `not measured: ${(error as Error).message}`,
    };
  } finally {
    jvm.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const stamp = Date.now().toString(36);
  const database = `bench_sink_${stamp}`;
  const topic = `bench-sink-${stamp}`;
  const admin = await dialectFor('mariadb').connect(parseJdbcUrl(MARIADB), { user: 'root' });
  await admin.execute(`CREATE DATABASE ${database}`);
  await admin.close();
  const dbUrl = `${MARIADB}${database}`;
  const client = await dialectFor('mariadb').connect(parseJdbcUrl(dbUrl), { user: 'root' });
  const results: Result[] = [];
  try {
    process.stderr.write(
      `${N.toLocaleString('en')} records, topic ${topic} (${PARTITIONS} partitions), database ${database}\n`,
    );
    const loadSeconds = await loadTopic(topic);
    process.stderr.write(`loaded in ${loadSeconds.toFixed(1)} s\n`);
    results.push(await rawCeiling(client, 'multi'));
    results.push(await rawCeiling(client, 'bulk'));
    for (const tasks of TASKS) {
      for (const threads of THREADS) results.push(await msaSync(client, dbUrl, topic, tasks, threads));
    }
    if (!args['no-debezium']) results.push(await debezium(client, dbUrl, topic));
    const tables = [
      'raw_ceiling',
      'raw_bulk',
      ...TASKS.flatMap((t) => THREADS.map((threads) => msaTable(t, threads))),
    ];
    if (!args['no-debezium']) tables.push('dbz_sink');
    for (const table of tables) {
      if (table === 'dbz_sink' && Number.isNaN(results.at(-1)?.rowsPerSec ?? Number.NaN)) continue;
      const n = await countRows(client, table);
      if (n !== N) throw new Error(`${table} holds ${n} rows, expected ${N}`);
    }
  } finally {
    await client.execute(`DROP DATABASE ${database}`).catch(() => {});
    await client.close();
  }
  const raw = results[0] as Result;
  const bulk = results[1] as Result;
  const dbz = results.find((r) => r.candidate.includes('Debezium'));
  const fmt = (n: number | undefined, digits = 0) =>
    n === undefined || Number.isNaN(n)
      ? 'n/a'
      : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    '| candidate | rows/s | seconds | vs raw multi-row ceiling | vs raw bulk loop | vs Debezium | worker RSS peak MB | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.candidate} | ${fmt(r.rowsPerSec)} | ${fmt(r.seconds, 1)} | ${fmt(r.rowsPerSec / raw.rowsPerSec, 2)} | ` +
        `${fmt(r.rowsPerSec / bulk.rowsPerSec, 2)} | ` +
        `${fmt(dbz ? r.rowsPerSec / dbz.rowsPerSec : Number.NaN, 2)} | ${fmt(r.rssPeakMb)} | ${r.note} |`,
    ),
  ];
  const table = lines.join('\n');
  process.stdout.write(`\n${table}\n`);
  if (!args['no-append']) {
    const command = `npx tsx bench/sink/run.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    appendFileSync(
      join(root, 'bench', 'RESULTS.md'),
      `\n## JDBC sink into MariaDB (bench/sink)\n\nCommand:\n\n\`\`\`sh\n${command}\n\`\`\`\n\n` +
        `Run ${new Date().toISOString()}: ${N.toLocaleString('en')} seed-shaped records (users1 envelope, JsonConverter ` +
        `with schemas), topic of ${PARTITIONS} partitions, MariaDB 10.11 on 127.0.0.1, Node ${process.version}. ` +
        'rows/s for the sink runs is measured from the first row seen to the last (COUNT(*) polled every 250 ms), ' +
        'so worker start and group join are not counted; the note says how long they took.\n\n' +
        `${table}\n`,
    );
  }
}

await main();
process.exit(0);
