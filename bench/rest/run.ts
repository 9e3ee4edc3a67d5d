/**
 * REST read latency with many connectors, msa-sync against Apache Kafka Connect in one run.
 *
 *   npx tsc -b && npx tsx bench/rest/run.ts [--connectors 50] [--requests 300] [--no-append]
 *
 * 1. Starts one msa-sync worker (packages/connect/dist) and one Apache Connect 4.3.1 worker (the
 *    JVM, jars from infra/kafka/connect-reference/pom.xml, fetched on first use), each in a
 *    cluster of its own on the same broker.
 * 2. Creates the same N FileStreamSink connectors (tasks.max 1) on both and waits until every
 *    connector and task is RUNNING.
 * 3. Sends each read --requests times, one request at a time, alternating between the two
 *    workers so that both see the same machine load; reports p50/p99 and msa-sync / Apache.
 *
 * Appends the table to bench/RESULTS.md unless --no-append.
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAdmin } from '@msa-sync/kafka';
import {
  clusterSettings,
  rest,
  startApacheWorker,
  startWorker,
  type WorkerProcess,
} from '../../test/support/connect-worker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',')[0] ?? '127.0.0.1:9092';

const args = parseArgs({
  options: {
    connectors: { type: 'string', default: '50' },
    requests: { type: 'string', default: '300' },
    'no-append': { type: 'boolean', default: false },
  },
}).values;
const CONNECTORS = Number(args.connectors);
const REQUESTS = Number(args.requests);

interface Stats {
  p50: number;
  p99: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function timed(url: string, path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`);
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${path} on ${url}: ${response.status}`);
  return ms;
}

async function createConnectors(worker: WorkerProcess, topic: string, names: string[]): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rest-'));
  const times: number[] = [];
  for (const name of names) {
    const started = performance.now();
    const response = await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'tasks.max': '1',
        topics: topic,
        file: join(dir, `${name}.txt`),
      },
    });
    times.push(performance.now() - started);
    if (response.status !== 201)
      throw new Error(`POST /connectors ${name}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return times;
}

async function allRunning(worker: WorkerProcess, count: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await rest(worker.url, 'GET', '/connectors?expand=status');
    const statuses = Object.values(response.body as Record<string, { status: ConnectorStatus }>);
    const running = statuses.filter(
      (s) =>
        s.status.connector.state === 'RUNNING' &&
        s.status.tasks.length > 0 &&
        s.status.tasks.every((t) => t.state === 'RUNNING'),
    ).length;
    if (running === count) return;
    last = JSON.stringify(
      statuses.map((s) => [s.status.connector.state, ...s.status.tasks.map((t) => t.state)].join('/')),
    );
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`not all ${count} connectors RUNNING on ${worker.url} within 180 s: ${last}`);
}

interface ConnectorStatus {
  connector: { state: string };
  tasks: { state: string }[];
}

const fmt = (ms: number) => ms.toFixed(1);

async function main(): Promise<void> {
  const id = Date.now().toString(36);
  const topic = `bench-rest-${id}`;
  const admin = createAdmin({ bootstrapServers: [BOOTSTRAP], clientId: 'bench-rest' });
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  await admin.close();
  // Each side's own names: a sink's consumer group is connect-<name>, and the two workers' sink
  // consumers must not meet in one group.
  const names = {
    msa: Array.from({ length: CONNECTORS }, (_, i) => `msa-rest-${id}-${i}`),
    apache: Array.from({ length: CONNECTORS }, (_, i) => `jvm-rest-${id}-${i}`),
  };
  process.stderr.write('starting both workers...\n');
  const [msa, apache] = await Promise.all([
    startWorker(clusterSettings(BOOTSTRAP, `bench-rest-msa-${id}`)),
    startApacheWorker(clusterSettings(BOOTSTRAP, `bench-rest-apache-${id}`)),
  ]);
  try {
    process.stderr.write(`creating ${CONNECTORS} connectors on each...\n`);
    const createMsa = await createConnectors(msa, topic, names.msa);
    const createApache = await createConnectors(apache, topic, names.apache);
    await Promise.all([allRunning(msa, CONNECTORS), allRunning(apache, CONNECTORS)]);
    // Let the last rebalance and status writes settle before measuring reads.
    await new Promise((r) => setTimeout(r, 5000));

    const reads: { label: string; path: (i: number, side: 'msa' | 'apache') => string }[] = [
      { label: 'GET /connectors', path: () => '/connectors' },
      { label: 'GET /connectors/{n}', path: (i, side) => `/connectors/${names[side][i % CONNECTORS]}` },
      {
        label: 'GET /connectors/{n}/config',
        path: (i, side) => `/connectors/${names[side][i % CONNECTORS]}/config`,
      },
      {
        label: 'GET /connectors/{n}/status',
        path: (i, side) => `/connectors/${names[side][i % CONNECTORS]}/status`,
      },
      {
        label: 'GET /connectors/{n}/tasks',
        path: (i, side) => `/connectors/${names[side][i % CONNECTORS]}/tasks`,
      },
      {
        label: 'GET /connectors/{n}/tasks/0/status',
        path: (i, side) => `/connectors/${names[side][i % CONNECTORS]}/tasks/0/status`,
      },
      {
        label: 'GET /connectors?expand=status&expand=info',
        path: () => '/connectors?expand=status&expand=info',
      },
    ];
    const rows: string[] = [];
    for (const read of reads) {
      const samples = { msa: [] as number[], apache: [] as number[] };
      for (let i = 0; i < 20; i++) {
        await timed(msa.url, read.path(i, 'msa'));
        await timed(apache.url, read.path(i, 'apache'));
      }
      for (let i = 0; i < REQUESTS; i++) {
        // Alternate which worker goes first so neither always follows the other's request.
        if (i % 2 === 0) {
          samples.msa.push(await timed(msa.url, read.path(i, 'msa')));
          samples.apache.push(await timed(apache.url, read.path(i, 'apache')));
        } else {
          samples.apache.push(await timed(apache.url, read.path(i, 'apache')));
          samples.msa.push(await timed(msa.url, read.path(i, 'msa')));
        }
      }
      const m = stats(samples.msa);
      const a = stats(samples.apache);
      const row = `| ${read.label} | ${fmt(m.p50)} | ${fmt(m.p99)} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${(m.p50 / a.p50).toFixed(2)} | ${(m.p99 / a.p99).toFixed(2)} |`;
      rows.push(row);
      process.stdout.write(`${row}\n`);
    }
    const cm = stats(createMsa);
    const ca = stats(createApache);
    const createRow = `| POST /connectors (write, for reference) | ${fmt(cm.p50)} | ${fmt(cm.p99)} | ${fmt(ca.p50)} | ${fmt(ca.p99)} | ${(cm.p50 / ca.p50).toFixed(2)} | ${(cm.p99 / ca.p99).toFixed(2)} |`;
    rows.push(createRow);
    process.stdout.write(`${createRow}\n`);
    const table = [
      `REST latency, ${CONNECTORS} FileStreamSink connectors (tasks.max 1) on one worker each, ${REQUESTS} sequential requests per read, ms:`,
      '',
      '| request | msa-sync p50 | msa-sync p99 | Apache 4.3.1 p50 | Apache p99 | ratio p50 | ratio p99 |',
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    if (!args['no-append']) {
      appendFileSync(
        join(root, 'bench', 'RESULTS.md'),
        `\n## REST reads, ${new Date().toISOString().slice(0, 10)} (\`npx tsx bench/rest/run.ts\`)\n\n${table}\n`,
      );
    }
  } finally {
    await Promise.all([msa.kill('SIGKILL'), apache.kill('SIGKILL')]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
