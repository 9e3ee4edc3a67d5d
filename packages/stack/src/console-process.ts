import { join } from 'node:path';
import { CONNECT_URL } from './connect-worker-process.js';
import { type DetachedStart, startDetached, stopDetached } from './detached-process.js';
import type { StackPaths } from './paths.js';
import { isAlive, readPid } from './pid-file.js';
import { shopFiles } from './shop-services.js';

/**
 * The operator console `npm start` runs beside the shop (services/console): MSA_CONSOLE_PORT
 * (8080) on 127.0.0.1, its pid file and log under `.data/services/` like the services'.
 */
export function consolePort(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.MSA_CONSOLE_PORT || 8080);
}

export function consoleUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${consolePort(env)}`;
}

/** True when msa-sync's console (not some other server on the port) answers its health check. */
export async function consoleAnswers(url = consoleUrl()): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { service?: string };
    return body.service === 'msa-sync-console';
  } catch {
    return false;
  }
}

export function consoleFiles(paths: StackPaths) {
  const files = shopFiles(paths);
  return { pid: files.pid('console'), log: files.log('console') };
}

export interface ConsoleProcessSettings {
  bootstrap: string;
  databaseUrl: string;
}

export async function startConsoleProcess(
  paths: StackPaths,
  settings: ConsoleProcessSettings,
): Promise<DetachedStart & { url: string }> {
  const files = consoleFiles(paths);
  const url = consoleUrl();
  const start = await startDetached({
    name: `the console on :${consolePort()}`,
    command: process.execPath,
    args: [join(paths.root, 'services', 'console', 'dist', 'main.js')],
    env: {
      ...process.env,
      KAFKA_BOOTSTRAP_SERVERS: settings.bootstrap,
      DATABASE_URL: settings.databaseUrl,
      MSA_CONNECT_URL: process.env.MSA_CONNECT_URL || CONNECT_URL,
      MSA_CONSOLE_PORT: String(consolePort()),
      MSA_CONSOLE_DATA_DIR: join(paths.data, 'console'),
    },
    pidFile: files.pid,
    logFile: files.log,
    ready: async () => {
      const pid = readPid(files.pid);
      return pid !== undefined && isAlive(pid) && (await consoleAnswers(url));
    },
    readyTimeoutMs: 30_000,
  });
  return { ...start, url };
}

export function stopConsoleProcess(paths: StackPaths): Promise<'stopped' | 'killed' | 'not-running'> {
  return stopDetached(consoleFiles(paths).pid);
}
