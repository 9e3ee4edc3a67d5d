import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './run-process.js';

export interface ClusterSettings {
  bootstrap: string;
  groupId: string;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  offsetFlushIntervalMs?: number;
  extra?: Record<string, string>;
}

/** A cluster of its own: unique group and internal topics, so tests run side by side. */
export function clusterSettings(
  bootstrap: string,
  id: string,
  extra?: Record<string, string>,
): ClusterSettings {
  return {
    bootstrap,
    groupId: `${id}-group`,
    configTopic: `${id}-configs`,
    offsetTopic: `${id}-offsets`,
    statusTopic: `${id}-status`,
    offsetFlushIntervalMs: 1000,
    ...(extra ? { extra } : {}),
  };
}

export function freePort(): Promise<number> {
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

export interface WorkerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface WorkerOptions {
  /** The address the worker listens on and is reached at (default 127.0.0.1). */
  host?: string;
  /** Sent with the readiness check (e.g. Authorization when the worker requires it). */
  headers?: Record<string, string>;
  /** Added to the worker's environment. */
  env?: Record<string, string>;
  /** Node options before the worker's script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/** A worker.properties for the cluster, listening on host:port, in a new temporary folder. */
export function writeWorkerProperties(
  cluster: ClusterSettings,
  host: string,
  restPort: number,
): { dir: string; properties: string } {
  const dir = mkdtempSync(join(tmpdir(), 'msa-connect-'));
  const properties = join(dir, 'worker.properties');
  const lines = {
    'bootstrap.servers': cluster.bootstrap,
    'group.id': cluster.groupId,
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'config.storage.topic': cluster.configTopic,
    'offset.storage.topic': cluster.offsetTopic,
    'status.storage.topic': cluster.statusTopic,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '5',
    'offset.flush.interval.ms': String(cluster.offsetFlushIntervalMs ?? 1000),
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    listeners: `HTTP://${host}:${restPort}`,
    ...cluster.extra,
  };
  writeFileSync(
    properties,
    Object.entries(lines)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  return { dir, properties };
}

/** Starts `msa-sync-connect` as a real process and waits until its REST API answers. */
export async function startWorker(
  cluster: ClusterSettings,
  port?: number,
  options: WorkerOptions = {},
): Promise<WorkerProcess> {
  const host = options.host ?? '127.0.0.1';
  const restPort = port ?? (await freePort());
  const { dir, properties } = writeWorkerProperties(cluster, host, restPort);
  const logFile = join(dir, 'worker.log');
  const log = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MSA_LOG_LEVEL: process.env.MSA_LOG_LEVEL ?? 'INFO',
    ...options.env,
  };
  delete env.KAFKA_BOOTSTRAP_SERVERS;
  const [command, args] = msaWorkerCommand(properties);
  const child = spawn(command, [...(options.nodeArgs ?? []), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${restPort}`;
  // Beyond the worker's own bound on joining (rebalance.timeout.ms + 30 s after its stores are
  // read), so a worker that cannot join says why in its log before this gives up.
  return watchUntilReady(child, url, restPort, logFile, options.headers ?? {}, 120_000);
}

/**
 * Waits until the worker's REST API lists connectors (200 only once the herder joined its group),
 * failing early when the process exits.
 */
async function watchUntilReady(
  child: ChildProcess,
  url: string,
  port: number,
  logFile: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<WorkerProcess> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (Date.now() < deadline) {
    const early = await Promise.race([
      exited,
      new Promise<'running'>((r) => setTimeout(() => r('running'), 300)),
    ]);
    if (early !== 'running')
      throw new WorkerStartError(
        `worker exited with ${early} before it was ready; last lines: ${logSummary(logFile)}; log: ${logFile}`,
        logFile,
      );
    try {
      const response = await fetch(`${url}/connectors`, { headers });
      if (response.status === 200) {
        ready = true;
        break;
      }
    } catch {
      // not listening yet
    }
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new WorkerStartError(
      `worker on ${url} not ready within ${timeoutMs / 1000} s; last lines: ${logSummary(logFile)}; log: ${logFile}`,
      logFile,
    );
  }
  return {
    url,
    port,
    child,
    logFile,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** A worker process that did not get ready; `logFile` holds all it wrote. */
export class WorkerStartError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(message);
  }
}

/**
 * The last warnings and errors of a worker log and its last line, on one line: a CI summary keeps
 * one line of a failure, and the log file is gone with the machine.
 */
export function logSummary(logFile: string, keep = 4): string {
  let lines: string[];
  try {
    lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return '(no log)';
  }
  const brief = (line: string): string => {
    try {
      const r = JSON.parse(line) as {
        level?: number;
        time?: number;
        msg?: string;
        err?: { message?: string };
      };
      const at = r.time ? new Date(r.time).toISOString().slice(11, 23) : '';
      return `${at} ${r.level ?? ''} ${r.msg ?? ''}${r.err?.message ? ` (${r.err.message})` : ''}`.trim();
    } catch {
      return line.slice(0, 200);
    }
  };
  const warnings = lines.filter((l) => /"level":(4|5|6)\d/.test(l)).slice(-keep);
  const last = lines.at(-1);
  const picked = [...warnings, ...(last && !warnings.includes(last) ? [last] : [])];
  return picked.length ? picked.map(brief).join(' | ') : '(empty)';
}

const referenceDir = join(root, 'infra', 'kafka', 'connect-reference');
const referenceLibs = join(referenceDir, 'libs');

/** The command line of an msa-sync distributed worker (packages/connect/dist) for a worker.properties. */
export function msaWorkerCommand(properties: string): [string, string[]] {
  return [process.execPath, [join(root, 'packages/connect/dist/bin/connect-main.js'), properties]];
}

/** The command line of Apache Kafka Connect's distributed worker (see {@link startApacheWorker}). */
export function apacheWorkerCommand(properties: string): [string, string[]] {
  return [
    'java',
    [
      '-Xms256m',
      '-Xmx768m',
      `-Dlog4j2.configurationFile=${join(root, 'infra', 'kafka', 'log4j2.properties')}`,
      '-Dkafka.log.level=WARN',
      '-cp',
      join(referenceLibs, '*'),
      'org.apache.kafka.connect.cli.ConnectDistributed',
      properties,
    ],
  ];
}

/** Fetches Apache Connect's jars (infra/kafka/connect-reference/pom.xml) unless already there. */
export function ensureApacheConnectJars(): void {
  if (existsSync(referenceLibs) && readdirSync(referenceLibs).some((f) => f.startsWith('connect-file-')))
    return;
  const fetched = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(referenceDir, 'pom.xml'), 'dependency:copy-dependencies'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (fetched.status !== 0)
    throw new Error(`could not fetch Apache Connect (mvn exited ${fetched.status}): see the output above`);
}

/**
 * Starts Apache Kafka Connect's own distributed worker (the JVM, with the FileStream connectors
 * and transforms on its classpath, fetched from Maven Central on first use by
 * infra/kafka/connect-reference/pom.xml) with the same worker.properties as {@link startWorker}:
 * the reference that conformance tests compare with.
 */
export async function startApacheWorker(cluster: ClusterSettings): Promise<WorkerProcess> {
  ensureApacheConnectJars();
  const restPort = await freePort();
  const { dir, properties } = writeWorkerProperties(cluster, '127.0.0.1', restPort);
  const logFile = join(dir, 'worker.log');
  const log = createWriteStream(logFile);
  const [command, args] = apacheWorkerCommand(properties);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return watchUntilReady(child, `http://127.0.0.1:${restPort}`, restPort, logFile, {}, 180_000);
}

/** JSON over HTTP against a worker, returning status and parsed body. */
export async function rest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Polls until check() returns a truthy value, or fails with the last value seen. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `Timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
  );
}
