import { existsSync, readFileSync } from 'node:fs';

/**
 * What the keeper of a process `msa-sync up` started knows of it (packages/stack/bin/keeper.sh
 * writes it as `<name>.state.json` beside the pid file, which names the keeper).
 */
export interface KeeperState {
  name: string;
  keeperPid: number;
  /** The process kept, while one runs, and its start time (/proc, clock ticks since boot). */
  childPid: number | null;
  childStartTime: string | null;
  /** When the running process started (ISO). */
  startedAt: string | null;
  restarts: number;
  state: 'running' | 'restarting' | 'crash-loop' | 'stopped' | 'failed';
  lastExit: { code: number; signal: string | null; at: string; ranMs: number } | null;
  /** While restarting: when the next start is due (ISO). */
  nextStartAt: string | null;
}

export function keeperStateFile(pidFile: string): string {
  return `${pidFile.replace(/\.pid$/, '')}.state.json`;
}

export function readKeeperState(file: string): KeeperState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KeeperState;
  } catch {
    // Replaced whole by a rename, so a broken file is not one the keeper wrote.
    return undefined;
  }
}
