import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
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
}

/** Starts `msa-sync-connect` as a real process and waits until its REST API answers. */
export async function startWorker(
  cluster: ClusterSettings,
  port?: number,
  options: WorkerOptions = {},
): Promise<WorkerProcess> {
  const host = options.host ?? '127.0.0.1';
  const restPort = port ?? (await freePort());
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
  const logFile = join(dir, 'worker.log');
  const log = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MSA_LOG_LEVEL: process.env.MSA_LOG_LEVEL ?? 'INFO',
    ...options.env,
  };
  delete env.KAFKA_BOOTSTRAP_SERVERS;
  const child = spawn(
    process.execPath,
    [join(root, 'packages/connect/dist/bin/connect-main.js'), properties],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${restPort}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  let ready = false;
  while (Date.now() < deadline) {
    const early = await Promise.race([
      exited,
      new Promise<'running'>((r) => setTimeout(() => r('running'), 300)),
    ]);
    if (early !== 'running')
      throw new Error(`worker exited with ${early} before it was ready; log: ${logFile}`);
    try {
      const response = await fetch(`${url}/connectors`, { headers: options.headers ?? {} });
      // 200 only once the herder joined its group and can list connectors.
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
    throw new Error(`worker on ${url} not ready within 90 s; log: ${logFile}`);
  }
  return {
    url,
    port: restPort,
    child,
    logFile,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
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
