import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * A process we started and left running, remembered by its pid file under .data/: `<pid>` and,
 * where /proc exists (Linux), ` <start time>` — the process's start in clock ticks since boot
 * (field 22 of /proc/<pid>/stat). A pid is reused once its process is gone; the pair is not, so
 * a stale pid file never makes us signal an unrelated process that now has the same pid.
 */
export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const [pidText, startText] = readFileSync(file, 'utf8').trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // A file written before start times were recorded (or where /proc is missing) names the pid only.
  if (startText === undefined) return pid;
  const now = processStartTime(pid);
  return now === startText ? pid : undefined;
}

/** The start time of a running process (clock ticks since boot), or undefined without /proc or process. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function writePid(file: string, pid: number): void {
  const start = processStartTime(pid);
  writeFileSync(file, start === undefined ? `${pid}\n` : `${pid} ${start}\n`);
}

export function removePid(file: string): void {
  rmSync(file, { force: true });
}

/**
 * SIGTERM, then SIGKILL if it has not exited within graceMs. Resolves once it is gone. With
 * `startTime`, the process is signalled only while it is still the one that started then.
 */
export async function stopProcess(
  pid: number,
  graceMs = 30_000,
  startTime?: string,
): Promise<'stopped' | 'killed' | 'not-running'> {
  const same = () => isAlive(pid) && (startTime === undefined || processStartTime(pid) === startTime);
  if (!same()) return 'not-running';
  // It may end between the look and the signal (a keeper stopping its child at the same time):
  // that is a stop, not an error that fails `npm stop`.
  if (!signal(pid, 'SIGTERM')) return 'stopped';
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!same()) return 'stopped';
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!same()) return 'stopped';
  if (!signal(pid, 'SIGKILL')) return 'stopped';
  while (same()) await new Promise((r) => setTimeout(r, 50));
  return 'killed';
}

/** Sends `sig`; false when the process is gone already (ESRCH). */
function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
