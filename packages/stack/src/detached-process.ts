import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keeperStateFile, readKeeperState } from './keeper-state.js';
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

/** The keeper each detached process runs under (packages/stack/bin, beside dist/). */
const KEEPER = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'keeper.sh');

export type DetachedStart = { state: 'started' | 'reused'; pid?: number; log: string };

/**
 * Starts a long-running process that outlives `npm start` (its output in a log file), or reuses
 * the one already serving. It runs under a keeper that starts it again when it exits on its own
 * (packages/stack/bin/keeper.sh); the pid file names the keeper, and the keeper's state file
 * beside it names the process and counts its restarts.
 */
export async function startDetached(spec: DetachedSpec): Promise<DetachedStart> {
  const existing = readPid(spec.pidFile);
  if (await spec.ready())
    return { state: 'reused', ...(existing ? { pid: existing } : {}), log: spec.logFile };
  if (existing && isAlive(existing)) {
    await waitFor(spec.name, spec.ready, { timeoutMs: spec.readyTimeoutMs ?? 90_000, intervalMs: 300 });
    confirmReady(existing, spec.pidFile);
    return { state: 'reused', pid: existing, log: spec.logFile };
  }
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  const child = spawn(
    'bash',
    [KEEPER, spec.name, keeperStateFile(spec.pidFile), '--', spec.command, ...spec.args],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: spec.env ?? process.env,
    },
  );
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
    // The keeper would go on restarting what could not start: stop it and what it runs.
    await stopDetached(spec.pidFile);
    throw error;
  }
  confirmReady(pid, spec.pidFile);
  return { state: 'started', pid, log: spec.logFile };
}

/**
 * Tells a keeper its process served: an exit from now on is a crash to restart, however soon.
 * Only a keeper of ours gets the signal (a pid file written before keepers names the process
 * itself, and SIGUSR1 would open Node's inspector or end a JVM).
 */
function confirmReady(keeperPid: number, pidFile: string): void {
  const kept = readKeeperState(keeperStateFile(pidFile));
  if (kept?.keeperPid !== keeperPid) return;
  try {
    process.kill(keeperPid, 'SIGUSR1');
  } catch {
    // The keeper is gone already; the next `up` starts a new one.
  }
}

/**
 * Stops the keeper (which stops its process first), then the process itself if it outlived a
 * keeper that was killed.
 */
export async function stopDetached(pidFile: string): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = readPid(pidFile);
  // Missing, or stale (its pid now names another process, which is left alone).
  const result = pid === undefined ? 'not-running' : await stopProcess(pid, 30_000, processStartTime(pid));
  removePid(pidFile);
  const kept = readKeeperState(keeperStateFile(pidFile));
  if (kept?.childPid && kept.childStartTime && processStartTime(kept.childPid) === kept.childStartTime) {
    const orphan = await stopProcess(kept.childPid, 30_000, kept.childStartTime);
    if (orphan !== 'not-running') return orphan;
  }
  return result;
}

function tail(file: string, lines = 25): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}
