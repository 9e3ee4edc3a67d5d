import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive, processStartTime, readPid, removePid, stopProcess, writePid } from './pid-file.js';
import { waitFor } from './tcp-probe.js';

export interface DetachedSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  pidFile: string;
  logFile: string;
  /** True once the process serves what it is for. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

export type DetachedStart = { state: 'started' | 'reused'; pid?: number; log: string };

/**
 * Starts a long-running process that outlives `npm start` (its output in a log file, its pid in a
 * pid file), or reuses the one already serving.
 */
export async function startDetached(spec: DetachedSpec): Promise<DetachedStart> {
  const existing = readPid(spec.pidFile);
  if (await spec.ready())
    return { state: 'reused', ...(existing ? { pid: existing } : {}), log: spec.logFile };
  if (existing && isAlive(existing)) {
    await waitFor(spec.name, spec.ready, { timeoutMs: spec.readyTimeoutMs ?? 90_000, intervalMs: 300 });
    return { state: 'reused', pid: existing, log: spec.logFile };
  }
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: spec.env ?? process.env,
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`Could not start ${spec.name}`);
  const pid = child.pid;
  writePid(spec.pidFile, pid);
  let exitCode: number | null = null;
  child.on('exit', (code) => {
    exitCode = code ?? -1;
  });
  child.unref();
  try {
    await waitFor(spec.name, spec.ready, {
      timeoutMs: spec.readyTimeoutMs ?? 90_000,
      intervalMs: 300,
      failFast: () =>
        exitCode === null
          ? undefined
          : `${spec.name} exited with code ${exitCode} while starting:\n${tail(spec.logFile)}`,
    });
  } catch (error) {
    removePid(spec.pidFile);
    throw error;
  }
  return { state: 'started', pid, log: spec.logFile };
}

export async function stopDetached(pidFile: string): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = readPid(pidFile);
  if (pid === undefined) {
    // Missing, or stale (its pid now names another process, which is left alone).
    removePid(pidFile);
    return 'not-running';
  }
  const result = await stopProcess(pid, 30_000, processStartTime(pid));
  removePid(pidFile);
  return result;
}

function tail(file: string, lines = 25): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}
