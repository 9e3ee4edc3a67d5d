import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const git = (cwd: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, input });

/**
 * `git clone` of the checkout at `source` into `target`, then the working tree's uncommitted
 * changes on top (tracked edits as `git diff HEAD`, new files not ignored by .gitignore): what a
 * newcomer would get if this tree were pushed. No node_modules, dist/, .data/ or Kafka jars.
 * Returns a line saying what was added beyond HEAD.
 */
export function cloneWorkingTree(source: string, target: string): string {
  git(dirname(target), ['clone', '--quiet', source, target]);
  const diff = git(source, ['diff', 'HEAD', '--binary']);
  if (diff.trim()) git(target, ['apply', '--whitespace=nowarn', '-'], diff);
  const untracked = git(source, ['ls-files', '--others', '--exclude-standard', '-z'])
    .split('\0')
    .filter(Boolean);
  for (const file of untracked) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(source, file), join(target, file));
  }
  const head = git(source, ['rev-parse', '--short', 'HEAD']).trim();
  const changed = diff.trim() ? git(source, ['diff', 'HEAD', '--name-only']).trim().split('\n').length : 0;
  return `clone of ${head}${changed || untracked.length ? ` + ${changed} changed and ${untracked.length} new files of the working tree` : ''}`;
}

/**
 * Runs a command to its end, each output line passed to `progress` as it comes (the install is
 * minutes long; the test log shows it moving). Rejects on a non-zero exit with the output's tail.
 */
export function runWithProgress(
  cmd: string,
  args: string[],
  { cwd, env, progress }: { cwd: string; env: NodeJS.ProcessEnv; progress: (line: string) => void },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // A native build can be silent for minutes: say it is still going.
    const started = performance.now();
    const heartbeat = setInterval(
      () => progress(`still running after ${Math.round((performance.now() - started) / 1000)} s`),
      30_000,
    );
    let all = '';
    let partial = '';
    const onData = (b: Buffer) => {
      const text = partial + b.toString('utf8');
      all += b.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) progress(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(heartbeat);
      if (partial.trim()) progress(partial);
      if (code === 0) resolve(all);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${all.slice(-4000)}`));
    });
  });
}
