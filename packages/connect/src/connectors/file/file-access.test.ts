import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedFile, fileProblems } from './file-access.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'file-access-')));
const allowed = join(base, 'allowed');
const outside = join(base, 'outside');
mkdirSync(allowed);
mkdirSync(outside);
symlinkSync(outside, join(allowed, 'escape'));
symlinkSync(join(allowed, 'inner'), join(outside, 'back-in'));
mkdirSync(join(allowed, 'inner'));

describe('FileStream file.stream.allowed.dirs', () => {
  it('allows files inside, existing or not, and through symlinks that stay inside', () => {
    expect(allowedFile(join(allowed, 'a.txt'), [allowed])).toBe(join(allowed, 'a.txt'));
    expect(allowedFile(join(allowed, 'new', 'deeper', 'a.txt'), [allowed])).toBe(
      join(allowed, 'new', 'deeper', 'a.txt'),
    );
    expect(allowedFile(join(outside, 'back-in', 'x.txt'), [allowed])).toBe(join(allowed, 'inner', 'x.txt'));
    expect(allowedFile(join(outside, 'x.txt'), [allowed, outside])).toBe(join(outside, 'x.txt'));
  });

  it('refuses paths outside, after resolving .. and symlinks, and relative ones; names the setting', () => {
    for (const file of [
      join(outside, 'x.txt'),
      `${allowed}/../outside/x.txt`,
      join(allowed, 'escape', 'x.txt'),
      `${allowed}-sibling/x.txt`,
      '/etc/passwd',
      'relative.txt',
    ]) {
      expect(() => allowedFile(file, [allowed])).toThrow(/file\.stream\.allowed\.dirs/);
    }
    expect(() => allowedFile(join(allowed, 'a.txt'), [])).toThrow(/empty, so no file is allowed/);
    expect(fileProblems(undefined, [allowed]).get('file')?.[0]).toMatch(/Missing required/);
    expect(fileProblems(join(allowed, 'escape', 'x'), [allowed]).get('file')?.[0]).toContain(
      `really ${join(outside, 'x')}`,
    );
  });
});
