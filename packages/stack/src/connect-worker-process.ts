import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DetachedStart, startDetached, stopDetached } from './detached-process.js';
import type { StackPaths } from './paths.js';

/** The msa-sync Connect worker `npm start` runs, on the repo's config/connect-distributed.properties. */
export function connectWorkerFiles(paths: StackPaths) {
  const dir = join(paths.data, 'connect');
  return { dir, pid: join(dir, 'worker.pid'), log: join(dir, 'worker.log') };
}

export const CONNECT_PORT = Number(process.env.MSA_CONNECT_PORT ?? 8083);
export const CONNECT_URL = `http://127.0.0.1:${CONNECT_PORT}`;

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
 * MSA_CONNECT_PORT asks for another (so a second stack can run beside the first) and the internal
 * topics' replication factor raised on a cluster (`up --brokers 3`).
 */
function workerProperties(paths: StackPaths, replicationFactor: number): string {
  const shipped = join(paths.root, 'config', 'connect-distributed.properties');
  if (CONNECT_PORT === 8083 && replicationFactor === 1) return shipped;
  const file = join(connectWorkerFiles(paths).dir, 'connect-distributed.properties');
  mkdirSync(dirname(file), { recursive: true });
  const text = readFileSync(shipped, 'utf8')
    .replace(/^listeners=.*$/m, `listeners=HTTP://127.0.0.1:${CONNECT_PORT}`)
    .replace(/^rest\.advertised\.port=.*$/m, `rest.advertised.port=${CONNECT_PORT}`)
    .replace(/^((?:config|offset|status)\.storage\.replication\.factor)=.*$/gm, `$1=${replicationFactor}`);
  writeFileSync(file, text);
  return file;
}

/**
 * `replicationFactor`: of the worker's internal topics when it creates them (1 on the single
 * broker, 3 on the cluster, where the brokers' min.insync.replicas=2 applies to them).
 */
export function startConnectWorkerProcess(
  paths: StackPaths,
  bootstrap: string,
  { replicationFactor = 1 }: { replicationFactor?: number } = {},
): Promise<DetachedStart> {
  const files = connectWorkerFiles(paths);
  return startDetached({
    name: `the Connect worker on :${CONNECT_PORT}`,
    command: process.execPath,
    args: [
      join(paths.root, 'packages', 'connect', 'dist', 'bin', 'connect-main.js'),
      workerProperties(paths, replicationFactor),
    ],
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: bootstrap },
    pidFile: files.pid,
    logFile: files.log,
    ready: () => isConnectAnswering(),
  });
}

export function stopConnectWorkerProcess(paths: StackPaths) {
  return stopDetached(connectWorkerFiles(paths).pid);
}
