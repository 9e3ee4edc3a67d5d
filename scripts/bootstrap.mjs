#!/usr/bin/env node
// First step of `npm start` and `npm test` on any checkout, fresh or not: install the npm
// packages when the lockfile changed since the last install, then compile the TypeScript
// workspaces (incremental, so a second run costs a second). Plain Node, no dependencies: it runs
// before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The same range as package.json's engines: 20.19+ (the floor we test), then 22.19+ (the floor
// @platformatic/kafka's own dependencies declare on the 22 line), 24 (the LTS we test) and newer.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || major === 21 || (major === 22 && minor < 19)) {
  console.error(`msa-sync needs Node.js 20.19+, 22.19+ or 24+; this is ${process.version}.`);
  process.exit(1);
}

// patches/ holds fixes to installed packages (applied by patch-package on install): a changed
// patch needs a fresh install just as a changed lockfile does.
const patches = join(root, 'patches');
const newestInput = Math.max(
  statSync(lock).mtimeMs,
  ...(existsSync(patches) ? readdirSync(patches).map((f) => statSync(join(patches, f)).mtimeMs) : []),
);
if (!existsSync(installed) || statSync(installed).mtimeMs < newestInput) {
  console.error('Installing npm packages (npm ci)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
// The workspaces' bins are committed launchers (packages/*/bin/) that load dist/, so npm links
// them at install time even though dist/ is compiled only now.
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
