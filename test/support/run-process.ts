import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@msa-sync/stack';

export const root = repoRoot();
export const cliPath = join(root, 'packages', 'cli', 'dist', 'main.js');
export const kafkaBin = join(root, 'infra', 'kafka', 'bin');

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion (killed after timeoutMs), feeding `input` on stdin. */
export function runProcess(
  cmd: string,
  args: string[],
  { input, timeoutMs = 60_000, env }: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A key set to undefined in `env` removes it from the child's environment.
    const childEnv = Object.fromEntries(
      Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined),
    ) as NodeJS.ProcessEnv;
    const child = spawn(cmd, args, { cwd: root, env: childEnv, stdio: 'pipe' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ms: performance.now() - started,
      });
    });
    child.stdin.end(input ?? '');
  });
}

export function runCli(args: string[], options?: Parameters<typeof runProcess>[2]): Promise<ProcessResult> {
  return runProcess(process.execPath, [cliPath, ...args], options);
}

/** Names unique per run so tests can run in parallel and again without cleanup. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The last `lines` lines of a process's log file, for a failure message. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
