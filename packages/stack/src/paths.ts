import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this code runs from: the nearest folder up whose package.json declares workspaces. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No msa-sync checkout found above ${from}`);
    dir = parent;
  }
}

export interface StackPaths {
  root: string;
  /** Git-ignored runtime state: broker data, logs, pid files, SQLite files. */
  data: string;
  kafkaInfra: string;
  kafkaLibs: string;
}

export function stackPaths(root = repoRoot()): StackPaths {
  return {
    root,
    data: process.env.MSA_SYNC_DATA_DIR ?? join(root, '.data'),
    kafkaInfra: join(root, 'infra', 'kafka'),
    kafkaLibs: join(root, 'infra', 'kafka', 'libs'),
  };
}
