import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** msa-sync's worker setting; Apache's FileStream connectors have no such limit. */
export const ALLOWED_DIRS_SETTING = 'file.stream.allowed.dirs';

/** Where a path really leads: `..` and every symlink of its existing part resolved. */
function realPath(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  for (let current = absolute; ; current = dirname(current)) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      if (dirname(current) === current) return absolute;
      missing.push(basename(current));
    }
  }
}

function inside(path: string, dir: string): boolean {
  const root = realPath(dir);
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of `file` when it lies in one of the allowed directories, else an error naming
 * the worker setting. A REST caller must not read or append to any file the worker can.
 */
export function allowedFile(file: string, allowedDirs: readonly string[]): string {
  if (!isAbsolute(file)) {
    throw new Error(
      `'${file}' is not an absolute path; FileStream files must lie in ${ALLOWED_DIRS_SETTING}`,
    );
  }
  const real = realPath(file);
  if (allowedDirs.some((dir) => inside(real, dir))) return real;
  const where = allowedDirs.length === 0 ? 'empty, so no file is allowed' : allowedDirs.join(',');
  throw new Error(
    `'${file}'${real === file ? '' : ` (really ${real})`} is outside the worker setting ${ALLOWED_DIRS_SETTING} (${where})`,
  );
}

/** The plugin `validate` check: problems by key, none when the file is allowed. */
export function fileProblems(
  file: string | undefined,
  allowedDirs: readonly string[],
): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  if (!file) {
    problems.set('file', ['Missing required configuration "file" which has no default value.']);
    return problems;
  }
  try {
    allowedFile(file, allowedDirs);
  } catch (error) {
    problems.set('file', [(error as Error).message]);
  }
  return problems;
}
