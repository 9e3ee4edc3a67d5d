import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stopDetached } from './detached-process.js';
import { type KeeperState, readKeeperState } from './keeper-state.js';
import { isAlive, writePid } from './pid-file.js';

const KEEPER = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'keeper.sh');
const dir = mkdtempSync(join(tmpdir(), 'keeper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Small timings so a test takes seconds; the defaults are minutes (see keeper.sh).
const FAST = {
  MSA_KEEPER_FIRST_DELAY_MS: '100',
  MSA_KEEPER_MAX_DELAY_MS: '400',
  MSA_KEEPER_FAILED_START_MS: '300',
  MSA_KEEPER_LOOP_RESTARTS: '3',
  MSA_KEEPER_STOP_GRACE_S: '1',
};

/** A node script that prints its pid, then exits with 3 after `CRASH_AFTER` ms (never when unset). */
const program = join(dir, 'program.mjs');
writeFileSync(
  program,
  // The SIGTERM handler goes in before 'up' is printed: the test signals once it reads 'up', and a
  // signal between the two would still find the default action (seen once on a loaded machine).
  `if (process.env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
console.log('up', process.pid);
setInterval(() => {}, 1000);
if (process.env.CRASH_AFTER) setTimeout(() => process.exit(3), Number(process.env.CRASH_AFTER));
`,
);

let n = 0;
function keep(env: Record<string, string>): { keeper: ChildProcess; state: string; log: () => string } {
  const state = join(dir, `p${++n}.state.json`);
  const logFile = join(dir, `p${n}.log`);
  writeFileSync(logFile, '');
  const keeper = spawn('bash', [KEEPER, `program-${n}`, state, '--', process.execPath, program], {
    env: { ...process.env, ...FAST, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  keeper.stdout?.on('data', (c) => chunks.push(String(c)));
  keeper.stderr?.on('data', (c) => chunks.push(String(c)));
  return { keeper, state, log: () => chunks.join('') };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const exited = (p: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.once('exit', (code) => resolve(code));
  });

const stateWhere = (file: string, test: (s: KeeperState) => boolean) => () => {
  const s = readKeeperState(file);
  return s && test(s) ? s : undefined;
};

// Each test waits on several process starts: on a loaded 2-core machine (a CI run beside other
// work) one Node start took over a second, so the 5 s default was too short for the crash loops.
describe('keeper.sh', { timeout: 30_000 }, () => {
  it('gives up on a first run that ends at once, with its exit status (a failed start)', async () => {
    // "At once" measured from the spawn includes Node's own start-up: the window is wide enough
    // that a slow start does not make a 50 ms run look like one that had started well.
    const { keeper, state } = keep({ CRASH_AFTER: '50', MSA_KEEPER_FAILED_START_MS: '5000' });
    expect(await exited(keeper)).toBe(3);
    expect(readKeeperState(state)).toMatchObject({ state: 'failed', restarts: 0, lastExit: { code: 3 } });
  });

  it('starts a process that exits soon after it was confirmed ready (SIGUSR1) again: not a failed start', async () => {
    const { keeper, state, log } = keep({ CRASH_AFTER: '250' });
    await until('the process to print', () => (log().includes('up ') ? true : undefined));
    keeper.kill('SIGUSR1');
    const again = await until(
      'a restart',
      stateWhere(state, (s) => s.restarts >= 1),
    );
    expect(again.state).not.toBe('failed');
    expect(keeper.exitCode).toBeNull();
    keeper.kill('SIGTERM');
    expect(await exited(keeper)).toBe(0);
  });

  it('starts a crashed process again with a doubling delay, then reports a crash loop; SIGTERM stops it', async () => {
    const { keeper, state, log } = keep({ CRASH_AFTER: '400' });
    const looping = await until(
      'a crash loop',
      stateWhere(state, (s) => s.state === 'crash-loop'),
    );
    expect(looping.restarts).toBeGreaterThanOrEqual(3);
    expect(looping.lastExit).toMatchObject({ code: 3, signal: null });
    const lines = log()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    const delays = lines.map((l) => /again in (\d+) ms/.exec(l.msg)?.[1]).filter(Boolean);
    expect(delays.slice(0, 3)).toEqual(['100', '200', '400']);
    expect(lines.some((l) => l.level === 50 && l.msg.includes('crash loop'))).toBe(true);
    // Each start is a new process.
    expect(new Set(log().match(/^up \d+$/gm)).size).toBeGreaterThanOrEqual(4);

    keeper.kill('SIGTERM');
    expect(await exited(keeper)).toBe(0);
    expect(readKeeperState(state)).toMatchObject({ state: 'stopped', childPid: null });
  });

  it('passes SIGTERM on to a running process, and SIGKILLs one that ignores it after the grace period', async () => {
    const { keeper, state, log } = keep({ IGNORE_TERM: '1' });
    const running = await until(
      'the process',
      stateWhere(state, (s) => s.state === 'running' && s.childPid !== null),
    );
    // Its SIGTERM handler is in place once it has printed.
    await until('the process to print', () => (log().includes('up ') ? true : undefined));
    const child = running.childPid as number;
    const stopped = Date.now();
    keeper.kill('SIGTERM');
    expect(await exited(keeper)).toBe(0);
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(900);
    expect(isAlive(child)).toBe(false);
    expect(readKeeperState(state)).toMatchObject({ state: 'stopped', lastExit: { signal: 'SIGKILL' } });
  });

  it('a run that lasted long enough resets the delay', async () => {
    const { keeper, state, log } = keep({
      CRASH_AFTER: '400',
      MSA_KEEPER_HEALTHY_AFTER_MS: '350',
      MSA_KEEPER_LOOP_RESTARTS: '100',
    });
    await until(
      'three restarts',
      stateWhere(state, (s) => s.restarts >= 3),
    );
    keeper.kill('SIGTERM');
    await exited(keeper);
    const delays = log().match(/again in (\d+) ms/g) ?? [];
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(new Set(delays)).toEqual(new Set(['again in 100 ms']));
    expect(readFileSync(state, 'utf8')).toContain('"state":"stopped"');
  });
});

describe('stopDetached', { timeout: 30_000 }, () => {
  it('stops the process itself when its keeper was killed (no orphan left running)', async () => {
    const { keeper, state } = keep({});
    const running = await until(
      'the process',
      stateWhere(state, (s) => s.state === 'running' && s.childPid !== null),
    );
    const pidFile = state.replace(/\.state\.json$/, '.pid');
    writePid(pidFile, keeper.pid as number);
    keeper.kill('SIGKILL');
    await exited(keeper);
    expect(isAlive(running.childPid as number)).toBe(true);
    expect(await stopDetached(pidFile)).toBe('stopped');
    expect(isAlive(running.childPid as number)).toBe(false);
  });
});
