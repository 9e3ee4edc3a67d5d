import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * msa-sync runs @platformatic/kafka with fixes applied by patch-package on install
 * (patches/, explained in docs/decisions/kafka-client.md). Without them a read_committed consumer
 * delivers aborted records and a twice-failing socket ends the process: silent data corruption
 * and crashes. An install that skipped the patch (`npm ci --ignore-scripts`, a newer client
 * version the patch no longer applies to) must fail loudly at the first client, not run.
 */
export const PATCHED_CLIENT_VERSION = '1.35.0';

const PATCHES = [
  {
    file: 'dist/clients/consumer/consumer.js',
    marker: 'msa-sync patch (upstream #391',
    what: "the read_committed filter (aborted transactions' records were delivered)",
  },
  {
    file: 'dist/network/connection-pool.js',
    marker: "msa-sync patch: 'on', not 'once'",
    what: "the connection pool's error listener (a second socket error ended the process)",
  },
  {
    file: 'dist/network/connection-pool.js',
    marker: 'msa-sync patch: no broker for the request',
    what: "the connection pool's missing-broker guard (a broker restart could end the process)",
  },
  {
    file: 'dist/clients/consumer/consumer.js',
    marker: "msa-sync patch: the Java client's markCoordinatorUnknown",
    what: 'the group coordinator lookup (after the coordinator moved, a sink stopped for good)',
  },
  {
    file: 'dist/clients/producer/producer.js',
    marker: 'msa-sync patch: a begin that failed leaves no transaction',
    what: 'the transactional producer after a failed begin (aborting it could end the process)',
  },
  {
    file: 'dist/clients/producer/producer.js',
    marker: "msa-sync patch: what the Java client's TransactionManager does on NOT_COORDINATOR",
    what: 'the transaction coordinator lookup (after the coordinator moved, every transaction failed)',
  },
] as const;

/** The installed client's package folder. */
export function installedClientRoot(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@platformatic/kafka'));
  while (!existsSync(join(dir, 'package.json')) || !isClientPackage(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@platformatic/kafka is not installed');
    dir = parent;
  }
  return dir;
}

function isClientPackage(file: string): boolean {
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === '@platformatic/kafka';
}

/** What is wrong with the installed client, or an empty list when it is the patched version. */
export function clientPatchProblems(root: string): string[] {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  if (version !== PATCHED_CLIENT_VERSION) {
    return [
      `@platformatic/kafka ${version} is installed; msa-sync's patches are for ${PATCHED_CLIENT_VERSION}`,
    ];
  }
  return PATCHES.filter((p) => !readFileSync(join(root, p.file), 'utf8').includes(p.marker)).map(
    (p) => `the patch to ${p.file} is not applied: ${p.what}`,
  );
}

let checked = false;

/**
 * Throws, naming the fix, unless the installed client (or the copy at `root`, in tests) carries
 * msa-sync's patches. The installed client is checked once.
 */
export function assertClientPatched(root?: string): void {
  if (checked && root === undefined) return;
  const problems = clientPatchProblems(root ?? installedClientRoot());
  if (problems.length > 0) {
    throw new Error(
      `The Kafka client is not the one msa-sync was tested with: ${problems.join('; ')}. ` +
        'Run `npm ci` (without --ignore-scripts) so patch-package applies patches/.',
    );
  }
  if (root === undefined) checked = true;
}
