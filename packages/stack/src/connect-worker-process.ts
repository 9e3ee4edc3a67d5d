import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DetachedStart, startDetached, stopDetached } from './detached-process.js';
import type { StackPaths } from './paths.js';

/**
 * The msa-sync Connect workers `npm start` runs, on the repo's config/connect-distributed.properties,
 * all in one group (`connect-cluster`). Worker 1 is the one the README's commands talk to; more
 * (`up --workers N`) share its group and internal topics, each with its own REST port, pid and log.
 */
export function connectWorkerFiles(paths: StackPaths, worker = 1) {
  const dir = join(paths.data, 'connect');
  const base = worker === 1 ? 'worker' : `worker-${worker}`;
  return { dir, pid: join(dir, `${base}.pid`), log: join(dir, `${base}.log`) };
}

export const CONNECT_PORT = Number(process.env.MSA_CONNECT_PORT ?? 8083);
export const CONNECT_URL = `http://127.0.0.1:${CONNECT_PORT}`;
/** At most this many workers on one machine: each costs ~120 MB and the machine has 2 cores. */
export const MAX_CONNECT_WORKERS = 4;

/**
 * REST ports of workers 2, 3, 4: MSA_CONNECT_EXTRA_PORTS (comma-separated) or, by default, 8085,
 * 8086, 8087 above the first worker's 8083 (8084 is the standalone worker's). A port list is
 * checked when read: a bad one is an error, not a worker on a port nobody asked for.
 */
export function connectWorkerPorts(env: NodeJS.ProcessEnv = process.env): number[] {
  const first = Number(env.MSA_CONNECT_PORT ?? 8083);
  const raw = env.MSA_CONNECT_EXTRA_PORTS?.trim();
  const extra = raw
    ? raw.split(',').map((p) => p.trim())
    : Array.from({ length: MAX_CONNECT_WORKERS - 1 }, (_, i) => String(first + 2 + i));
  const ports = extra.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65_535) {
      throw new Error(`MSA_CONNECT_EXTRA_PORTS must list TCP ports separated by commas, got '${raw}'`);
    }
    return n;
  });
  return [first, ...ports];
}

export const connectWorkerUrl = (worker = 1, env: NodeJS.ProcessEnv = process.env): string => {
  const port = connectWorkerPorts(env)[worker - 1];
  if (port === undefined) {
    throw new Error(
      `worker ${worker} has no REST port: MSA_CONNECT_EXTRA_PORTS lists ${connectWorkerPorts(env).length - 1}`,
    );
  }
  return `http://127.0.0.1:${port}`;
};

/** Workers 2.. that have a pid file under paths (started by an earlier `up --workers N`). */
export function extraWorkersStarted(paths: StackPaths): number[] {
  const dir = connectWorkerFiles(paths).dir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^worker-(\d+)\.pid$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** True when a Connect REST API answers and lists connectors (so the worker joined its group). */
export async function isConnectAnswering(url = CONNECT_URL): Promise<boolean> {
  try {
    const response = await fetch(`${url}/connectors`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * The shipped properties file, or a copy beside the worker's log with the REST port moved when
 * MSA_CONNECT_PORT asks for another (so a second stack can run beside the first) or for workers
 * 2.., and the internal topics' replication factor raised on a cluster (`up --brokers 3`).
 */
function workerProperties(paths: StackPaths, replicationFactor: number, worker: number): string {
  const shipped = join(paths.root, 'config', 'connect-distributed.properties');
  const port = Number(new URL(connectWorkerUrl(worker)).port);
  if (port === 8083 && replicationFactor === 1) return shipped;
  const file = join(
    connectWorkerFiles(paths).dir,
    worker === 1 ? 'connect-distributed.properties' : `connect-distributed-${worker}.properties`,
  );
  mkdirSync(dirname(file), { recursive: true });
  const text = readFileSync(shipped, 'utf8')
    .replace(/^listeners=.*$/m, `listeners=HTTP://127.0.0.1:${port}`)
    .replace(/^rest\.advertised\.port=.*$/m, `rest.advertised.port=${port}`)
    .replace(/^((?:config|offset|status)\.storage\.replication\.factor)=.*$/gm, `$1=${replicationFactor}`);
  writeFileSync(file, text);
  return file;
}

/**
 * `replicationFactor`: of the worker's internal topics when it creates them (1 on the single
 * broker, 3 on the cluster, where the brokers' min.insync.replicas=2 applies to them).
 * `worker`: 1 for the first worker, 2.. for more in the same group.
 */
export function startConnectWorkerProcess(
  paths: StackPaths,
  bootstrap: string,
  { replicationFactor = 1, worker = 1 }: { replicationFactor?: number; worker?: number } = {},
): Promise<DetachedStart> {
  const files = connectWorkerFiles(paths, worker);
  const url = connectWorkerUrl(worker);
  return startDetached({
    name: `the Connect worker on ${url}`,
    command: process.execPath,
    args: [
      join(paths.root, 'packages', 'connect', 'dist', 'bin', 'connect-main.js'),
      workerProperties(paths, replicationFactor, worker),
    ],
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap },
    pidFile: files.pid,
    logFile: files.log,
    ready: () => isConnectAnswering(url),
  });
}

/** Stops worker `worker` (default the first). */
export function stopConnectWorkerProcess(paths: StackPaths, worker = 1) {
  return stopDetached(connectWorkerFiles(paths, worker).pid);
}
