/**
 * Worker start-up, msa-sync against Apache Kafka Connect in one run (issue 17, target 6).
 *
 *   npx tsc -b && npx tsx bench/startup/run.ts [--rounds 3] [--no-append]
 *
 * Each round starts one msa-sync worker and one Apache Connect 4.3.1 worker (the JVM, jars from
 * infra/kafka/connect-reference/pom.xml, fetched on first use), one after the other and in
 * alternating order so that both see the same machine, each in a new cluster of its own on the
 * same broker (new internal topics every time: a first start, as after `npm start` on a clean
 * machine). It measures from the process spawn:
 *   - REST: the first 200 of `GET /connectors` (the herder has joined its group and read the
 *     config topic; the worker answers 503/refuses before);
 *   - task: the FileStreamSource connector posted at that moment has task 0 RUNNING;
 * and the resident memory once the task runs. Medians over the rounds, and msa-sync / Apache.
 *
 * Appends the table to bench/RESULTS.md unless --no-append.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  apacheWorkerCommand,
  clusterSettings,
  ensureApacheConnectJars,
  freePort,
  msaWorkerCommand,
  writeWorkerProperties,
} from '../../test/support/connect-worker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092').split(',')[0] ?? '127.0.0.1:9092';
const POLL_MS = 25;
const TIMEOUT_MS = 180_000;

const args = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'no-append': { type: 'boolean', default: false },
  },
}).values;
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  process.stderr.write(`--rounds must be a whole number of at least 1, not "${args.rounds}"\n`);
  process.exit(2);
}

type Side = 'msa' | 'apache';
interface Sample {
  restMs: number;
  taskMs: number;
  rssMb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) / 1024 : Number.NaN;
}

async function until<T>(what: string, child: ChildProcess, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}) before ${what}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

async function measure(side: Side, id: string): Promise<Sample> {
  const port = await freePort();
  const { dir, properties } = writeWorkerProperties(clusterSettings(BOOTSTRAP, id), '127.0.0.1', port);
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'one line\n');
  const [command, commandArgs] =
    side === 'msa' ? msaWorkerCommand(properties) : apacheWorkerCommand(properties);
  const env: NodeJS.ProcessEnv = { ...process.env, MSA_LOG_LEVEL: 'WARN' };
  delete env.KAFKA_BOOTSTRAP_SERVERS;
  const started = performance.now();
  const child = spawn(command, commandArgs, { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('REST to answer', child, async () =>
      (await fetch(`${url}/connectors`)).status === 200 ? true : undefined,
    );
    const restMs = performance.now() - started;
    const created = await fetch(`${url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `${id}-source`,
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          'tasks.max': '1',
          file: input,
          topic: `${id}-lines`,
        },
      }),
    });
    if (created.status !== 201)
      throw new Error(`POST /connectors: ${created.status} ${await created.text()}`);
    await until('task 0 RUNNING', child, async () => {
      const { status, body } = await getJson(`${url}/connectors/${id}-source/status`);
      const tasks = (body as { tasks?: { state: string }[] } | undefined)?.tasks ?? [];
      return status === 200 && tasks[0]?.state === 'RUNNING' ? true : undefined;
    });
    const taskMs = performance.now() - started;
    return { restMs, taskMs, rssMb: rssMb(child.pid as number) };
  } finally {
    child.kill('SIGKILL');
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function bar(done: number, total: number, label: string): void {
  const width = 30;
  const filled = Math.round((width * done) / total);
  process.stderr.write(
    `\rstart-ups [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} ${label.padEnd(40)}`,
  );
}

async function main(): Promise<void> {
  ensureApacheConnectJars();
  const runId = Date.now().toString(36);
  const samples: Record<Side, Sample[]> = { msa: [], apache: [] };
  const total = ROUNDS * 2;
  let done = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const order: Side[] = round % 2 === 0 ? ['msa', 'apache'] : ['apache', 'msa'];
    for (const side of order) {
      bar(done, total, `round ${round + 1}: ${side}`);
      samples[side].push(await measure(side, `bench-start-${runId}-${side}-${round}`));
      done++;
    }
  }
  bar(done, total, 'done');
  process.stderr.write('\n');
  const m = (side: Side, key: keyof Sample) => median(samples[side].map((s) => s[key]));
  const row = (label: string, key: keyof Sample, unit: string) =>
    `| ${label} | ${m('msa', key).toFixed(0)} ${unit} | ${m('apache', key).toFixed(0)} ${unit} | ${(m('msa', key) / m('apache', key)).toFixed(2)} |`;
  const each = (side: Side) =>
    samples[side].map((s) => `${(s.restMs / 1000).toFixed(2)}/${(s.taskMs / 1000).toFixed(2)} s`).join(', ');
  const table = [
    `Worker start-up from the process spawn, median of ${ROUNDS} rounds, each worker in a new cluster (new internal topics) on the same broker:`,
    '',
    '| measure | msa-sync | Apache Connect 4.3.1 (JVM) | msa-sync / Apache |',
    '|---|---|---|---|',
    row('spawn → `GET /connectors` answers 200', 'restMs', 'ms'),
    row('spawn → FileStreamSource task 0 RUNNING', 'taskMs', 'ms'),
    row('resident memory then', 'rssMb', 'MB'),
    '',
    `Each round (REST/task): msa-sync ${each('msa')}; Apache ${each('apache')}.`,
  ].join('\n');
  process.stdout.write(`\n${table}\n`);
  if (!args['no-append']) {
    appendFileSync(
      join(root, 'bench', 'RESULTS.md'),
      `\n## Start-up, ${new Date().toISOString().slice(0, 10)} (\`npx tsx bench/startup/run.ts\`)\n\n${table}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
