import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stopDetached } from './detached-process.js';
import { isAlive, processStartTime, readPid, stopProcess, writePid } from './pid-file.js';

const dir = mkdtempSync(join(tmpdir(), 'msa-pid-'));
const children: number[] = [];
afterAll(() => {
  for (const pid of children) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function sleeper(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child.pid as number);
  return child.pid as number;
}

describe('pid files', () => {
  it('remember the process by pid and start time, and name it only while it is the same process', () => {
    const pid = sleeper();
    const file = join(dir, 'same.pid');
    writePid(file, pid);
    const start = processStartTime(pid);
    expect(start).toMatch(/^\d+$/);
    expect(readFileSync(file, 'utf8')).toBe(`${pid} ${start}\n`);
    expect(readPid(file)).toBe(pid);
    // The same pid with another start time: the pid was reused by an unrelated process.
    writeFileSync(file, `${pid} ${Number(start) - 1}\n`);
    expect(readPid(file)).toBeUndefined();
    // Files from before start times were recorded still name their pid.
    writeFileSync(file, `${pid}\n`);
    expect(readPid(file)).toBe(pid);
  });

  it('down leaves a process alone whose pid file is stale, and removes the file', async () => {
    const pid = sleeper();
    const file = join(dir, 'stale.pid');
    writeFileSync(file, `${pid} ${Number(processStartTime(pid)) + 12345}\n`);
    expect(await stopDetached(file)).toBe('not-running');
    expect(isAlive(pid)).toBe(true);
    expect(() => readFileSync(file)).toThrow();

    writePid(file, pid);
    expect(await stopDetached(file)).toBe('stopped');
    await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(pid)).toBe(false);
  });
});

describe('stopProcess', () => {
  it('counts a process that ends between the look and the signal as stopped, not as an error', async () => {
    const gone = Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    let exited = false;
    const kill = vi.spyOn(process, 'kill').mockImplementation((_pid, sig) => {
      // Alive at the look; gone by the time SIGTERM is sent, as a keeper's child can be.
      if (sig === 0 && !exited) return true;
      exited = true;
      throw gone;
    });
    try {
      await expect(stopProcess(424242, 1000)).resolves.toBe('stopped');
    } finally {
      kill.mockRestore();
    }
  });
});
