// A copy of a working tree that a second runtime can build and test on its own (scripts/test-lanes.mjs).
// Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function git(cwd, args) {
  const result = spawnSync('git', args, { cwd, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Paths from a `git ls-files -z` answer. */
function paths(output) {
  return output.toString('utf8').split('\0').filter(Boolean);
}

function sameFile(from, to) {
  if (!existsSync(to) && !isLink(to)) return false;
  const a = lstatSync(from);
  const b = lstatSync(to);
  if (a.isSymbolicLink() || b.isSymbolicLink()) {
    return a.isSymbolicLink() && b.isSymbolicLink() && readlinkSync(from) === readlinkSync(to);
  }
  return a.size === b.size && a.mode === b.mode && readFileSync(from).equals(readFileSync(to));
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Makes `lane` a git clone whose HEAD is this checkout's HEAD and whose files are this working
 * tree's (tracked and untracked, not ignored), so uncommitted work is tested too. Only files that
 * differ are written: unchanged files keep their times, so the lane's bootstrap reinstalls only
 * when package-lock.json or patches/ changed and tsc rebuilds only what changed. A clone rather
 * than a plain copy because tests may `git clone` the checkout they run in.
 */
export function syncLane(root, lane) {
  if (!existsSync(join(lane, '.git'))) {
    rmSync(lane, { recursive: true, force: true });
    mkdirSync(dirname(lane), { recursive: true });
    // --shared borrows this repository's objects, so the clone costs no copy of the history.
    git(root, ['clone', '--quiet', '--shared', '--no-checkout', root, lane]);
  }
  const head = git(root, ['rev-parse', 'HEAD']).toString().trim();
  // Objects reachable here are reachable in the clone through its alternates.
  git(lane, ['reset', '--quiet', '--mixed', head]);
  const wanted = paths(git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']));
  const present = new Set(wanted.filter((path) => existsSync(join(root, path)) || isLink(join(root, path))));
  for (const path of present) {
    const from = join(root, path);
    const to = join(lane, path);
    if (sameFile(from, to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    rmSync(to, { force: true });
    if (isLink(from)) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  for (const path of paths(git(lane, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']))) {
    if (!present.has(path)) rmSync(join(lane, path), { force: true });
  }
}

// `node scripts/lane-tree.mjs <checkout> <lane>`: the same from a shell (and from the tests).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root, lane] = process.argv.slice(2);
  if (!root || !lane) {
    console.error('usage: node scripts/lane-tree.mjs <checkout> <lane>');
    process.exit(2);
  }
  syncLane(root, lane);
}
