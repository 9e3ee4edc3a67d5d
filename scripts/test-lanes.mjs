#!/usr/bin/env node
// The last step of `npm test`: the whole vitest suite once per supported runtime, one lane after
// the other (both share the broker and the databases of this machine).
//   current  the Node this command runs on (the floor we support is 20.19)
//   node24   the current LTS, fetched by scripts/node24.mjs, run from a copy of this working tree
//            under .data/lanes/node24 with its own `npm ci` and build, because better-sqlite3 is a
//            native addon compiled for one runtime's ABI: the two lanes cannot share node_modules.
// Both run by default (MSA_TEST_LANES=current or =node24 runs one), each the whole suite: with the
// integration files three at a time (vitest.config.ts) the two lanes take about 35 minutes here.
// Arguments are passed to vitest in every lane (`npm test -- test/kafka` runs only those files).
// Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncLane } from './lane-tree.mjs';
import { ensureNode24 } from './node24.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitestArgs = process.argv.slice(2);
const LANES = ['current', 'node24'];
const defaultLanes = LANES;
const chosen = (process.env.MSA_TEST_LANES ?? defaultLanes.join(','))
  .split(',')
  .map((lane) => lane.trim())
  .filter(Boolean);
const unknown = chosen.filter((lane) => !LANES.includes(lane));
if (unknown.length || !chosen.length) {
  console.error(`MSA_TEST_LANES=${process.env.MSA_TEST_LANES}: lanes are ${LANES.join(', ')}`);
  process.exit(2);
}

/**
 * Runs one lane's vitest: the unit project first, the integration project only when it passed
 * (with file arguments, vitest picks the projects itself). Each run's summary reporter writes its
 * counts to a file we read back and add up.
 */
function runVitest(lane, cwd, node, env) {
  const started = Date.now();
  const runs = vitestArgs.length
    ? [vitestArgs]
    : [
        ['--project', 'unit'],
        ['--project', 'integration'],
      ];
  const total = { passed: 0, failed: 0, skipped: 0, failures: [], node: undefined };
  let code = 0;
  let counted = 0;
  for (const [i, args] of runs.entries()) {
    const summaryFile = join(root, '.data', 'lanes', `${lane}-summary-${i}.json`);
    mkdirSync(dirname(summaryFile), { recursive: true });
    rmSync(summaryFile, { force: true });
    const result = spawnSync(node, [join(cwd, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], {
      cwd,
      env: { ...env, MSA_TEST_SUMMARY_FILE: summaryFile },
      stdio: 'inherit',
    });
    code = result.status ?? 1;
    if (existsSync(summaryFile)) {
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
      total.passed += summary.passed;
      total.failed += summary.failed;
      total.skipped += summary.skipped ?? 0;
      total.failures.push(...(summary.failures ?? []));
      total.node = summary.node;
      counted++;
    }
    if (code !== 0) break;
  }
  return { lane, code, ms: Date.now() - started, summary: counted ? total : undefined };
}

function currentLane() {
  return runVitest('current', root, process.execPath, process.env);
}

function node24Lane() {
  const started = Date.now();
  const runtime = ensureNode24();
  const lane = join(root, '.data', 'lanes', 'node24');
  console.error(`[node24 lane] syncing ${lane} with this working tree`);
  syncLane(root, lane);
  // Node 24 and its npm first on PATH; this checkout's node_modules/.bin (added by `npm test`)
  // gives way to the lane's own, so every `node`, `npx` and bin a test spawns is the lane's.
  const inherited = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !(entry.startsWith(root + sep) && entry.endsWith(join('node_modules', '.bin'))));
  const env = {
    ...process.env,
    PATH: [dirname(runtime.node), join(lane, 'node_modules', '.bin'), ...inherited].join(delimiter),
    // node-gyp compiles better-sqlite3 (here and in any fresh clone a test installs) against the
    // headers shipped with the fetched runtime instead of downloading them.
    npm_config_nodedir: runtime.nodedir,
    npm_node_execpath: runtime.node,
  };
  console.error(`[node24 lane] bootstrap (npm ci when needed, tsc -b) under Node ${runtime.version}`);
  const boot = spawnSync(runtime.node, [join(lane, 'scripts', 'bootstrap.mjs')], {
    cwd: lane,
    env,
    stdio: 'inherit',
  });
  if (boot.status !== 0) {
    return { lane: 'node24', code: boot.status ?? 1, ms: Date.now() - started, summary: undefined };
  }
  const result = runVitest('node24', lane, runtime.node, env);
  return { ...result, ms: Date.now() - started };
}

function minutes(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

const results = [];
for (const lane of chosen) {
  try {
    results.push(lane === 'current' ? currentLane() : node24Lane());
  } catch (error) {
    console.error(`[${lane} lane] ${error instanceof Error ? error.message : error}`);
    results.push({ lane, code: 1, ms: 0, summary: undefined });
  }
}

process.stdout.write('\ntest lanes:\n');
for (const { lane, code, ms, summary } of results) {
  const counts = summary
    ? `${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`
    : 'no test results';
  const runtime = summary ? `Node ${summary.node}` : lane;
  process.stdout.write(`  ${lane}: ${runtime}: ${counts}, exit ${code} (${minutes(ms)})\n`);
  for (const failure of summary?.failures ?? []) process.stdout.write(`    failed: ${failure}\n`);
}
const failed = results.some((r) => r.code !== 0 || !r.summary || r.summary.failed > 0);
process.stdout.write(`test lanes: ${failed ? 'FAILED' : 'passed'}\n`);
const sum = (key) => results.reduce((n, r) => n + (r.summary?.[key] ?? 0), 0);
// One plain closing line over every lane, for any CI log reader.
process.stdout.write(
  `\ntests: ${sum('passed')} passed, ${sum('failed') + (failed && !sum('failed') ? 1 : 0)} failed\n`,
);
process.exit(failed ? 1 : 0);
