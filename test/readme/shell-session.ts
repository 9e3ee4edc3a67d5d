import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * One bash process that runs commands one after another, as a reader pastes them into a terminal:
 * variables (`G=…`, `TOKEN=$(…)`, `export KAFKA_HOME=…`) carry over from one command to the next.
 * Each command's stdin, stdout and stderr are files of its own; bash reports its exit code on
 * its own stdout, which carries nothing else.
 */
export class ShellSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  private output = '';
  private bashErrors = '';
  private exited = false;
  private step = 0;

  constructor(
    readonly cwd: string,
    env: NodeJS.ProcessEnv,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    // Its own process group, so a command that hangs can be ended with everything it started.
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true, stdio: 'pipe' });
    this.bash.stdout.on('data', (b: Buffer) => {
      this.output += b.toString('utf8');
    });
    this.bash.stderr.on('data', (b: Buffer) => {
      this.bashErrors += b.toString('utf8');
    });
    this.bash.on('exit', () => {
      this.exited = true;
    });
    this.bash.stdin.write('set -o pipefail\n');
  }

  /** Runs `command` to its end (killed with the session after timeoutMs), `input` on its stdin. */
  async run(command: string, { input = '', timeoutMs = 120_000 } = {}): Promise<StepResult> {
    const files = this.files(input);
    const started = performance.now();
    this.bash.stdin.write(
      `{\n${command}\n} < '${files.in}' > '${files.out}' 2> '${files.err}'\nprintf '@@step ${files.n} %d@@\\n' "$?"\n`,
    );
    const code = await this.marker(files.n, timeoutMs, command);
    return { code, ...this.read(files), ms: performance.now() - started };
  }

  /**
   * Runs a command that does not end by itself (a consumer, a worker) until its output shows
   * `text` or timeoutMs passed, then sends SIGTERM to it and all it started, as Ctrl-C would.
   */
  async runUntil(command: string, text: string, timeoutMs = 60_000): Promise<StepResult & { seen: boolean }> {
    const files = this.files('');
    const started = performance.now();
    // Job control for this one fork only: the command gets a process group of its own.
    this.bash.stdin.write(
      `set -m\n{\n${command}\n} < '${files.in}' > '${files.out}' 2> '${files.err}' &\nprintf '@@pid ${files.n} %d@@\\n' "$!"\nset +m\n`,
    );
    const pid = await this.marker(files.n, 10_000, command, 'pid');
    let seen = false;
    while (!seen && performance.now() - started < timeoutMs) {
      seen = readFileSync(files.out, 'utf8').includes(text);
      if (!seen) await sleep(200);
    }
    if (pid !== null) signalGroup(pid, 'SIGTERM');
    this.bash.stdin.write(`wait ${pid}\nprintf '@@step ${files.n} %d@@\\n' "$?"\n`);
    const killer = setTimeout(() => pid !== null && signalGroup(pid, 'SIGKILL'), 15_000);
    const code = await this.marker(files.n, 30_000, command);
    clearTimeout(killer);
    return { code, ...this.read(files), ms: performance.now() - started, seen };
  }

  close(): void {
    if (!this.exited) signalGroup(this.bash.pid as number, 'SIGKILL');
  }

  private files(input: string) {
    const n = ++this.step;
    const files = {
      n,
      in: join(this.dir, `${n}.in`),
      out: join(this.dir, `${n}.out`),
      err: join(this.dir, `${n}.err`),
    };
    writeFileSync(files.in, input);
    return files;
  }

  private read(files: { out: string; err: string }) {
    const text = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
    return { stdout: text(files.out), stderr: text(files.err) };
  }

  private async marker(n: number, timeoutMs: number, command: string, kind = 'step'): Promise<number | null> {
    const pattern = new RegExp(`@@${kind} ${n} (\\d+)@@`);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return Number(match[1]);
      if (this.exited) throw new Error(`bash ended while running:\n${command}\n${this.bashErrors}`);
      if (performance.now() > deadline) {
        this.close();
        throw new Error(
          `No end after ${timeoutMs} ms (the shell is stopped):\n${command}\n${this.bashErrors}`,
        );
      }
      await sleep(100);
    }
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
