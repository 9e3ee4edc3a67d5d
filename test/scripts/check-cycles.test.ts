import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root, runProcess } from '../support/run-process.js';

/** `npm run check:cycles` (scripts/check-cycles.mjs), run on small trees made for it. */
describe('scripts/check-cycles.mjs', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'check-cycles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function tree(name: string, files: Record<string, string>): string {
    const dir = join(scratch, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  }

  const check = (dir: string) =>
    runProcess(process.execPath, [join(root, 'scripts', 'check-cycles.mjs'), dir]);

  it('fails on a cycle, type-only imports and directory index modules included, naming its path', async () => {
    const dir = tree('cycle', {
      'schema.ts': "import { equal } from './equality.js';\nexport const schema = equal;\n",
      'equality.ts':
        "import type { Struct } from './struct/index.js';\nexport const equal = (s: Struct) => s;\n",
      'struct/index.ts': "import { schema } from '../schema.js';\nexport type Struct = typeof schema;\n",
      'leaf.ts': "import { schema } from './schema.js';\nexport const leaf = schema;\n",
    });
    const result = await check(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Import cycle among 3 module(s)');
    expect(result.stderr).toMatch(
      /equality\.ts\n\s+-> .*struct\/index\.ts\n\s+-> .*schema\.ts\n\s+-> .*equality\.ts/,
    );
    expect(result.stderr).not.toContain('leaf.ts');
    expect(result.stderr).toContain('check-cycles: 1 import cycle(s) found.');
  });

  it('passes a tree whose imports all point one way', async () => {
    const dir = tree('layered', {
      'entities.ts': 'export type State = string;\n',
      'store.ts': "import type { State } from './entities.js';\nexport const states: State[] = [];\n",
      'herder.ts':
        "import { states } from './store.js';\nimport type { State } from './entities.js';\nexport const first: State | undefined = states[0];\n",
    });
    const result = await check(dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no import cycle among 3 modules');
  });

  it('passes this repository', async () => {
    const result = await check('packages');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
