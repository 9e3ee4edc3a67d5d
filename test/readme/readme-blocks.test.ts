import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@msa-sync/stack';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from './readme-blocks.js';

const fence = '```';

describe('README shell blocks', () => {
  it('reads every block of the README with its treatment, each skipped command with its reason', () => {
    const blocks = readmeBlocks(readFileSync(join(repoRoot(), 'README.md'), 'utf8'));
    expect(blocks.map((b) => b.id)).toEqual([
      'two-commands',
      'cli',
      'kafka-tools',
      'connect',
      'connect-auth',
      'shop-walk-through',
      'load-verify',
      'faults',
    ]);
    for (const command of blocks.flatMap((b) => b.commands)) {
      if (command.treatment.kind === 'skip') expect(command.treatment.reason.length).toBeGreaterThan(20);
    }
    const loop = blocks
      .find((b) => b.id === 'shop-walk-through')
      ?.commands.find((c) => c.text.startsWith('for '));
    expect(loop?.text.split('\n')).toHaveLength(5);
  });

  it('refuses a shell block without a readme-test comment', () => {
    expect(() => readmeBlocks(`# x\n\n${fence}sh\necho hi\n${fence}\n`)).toThrow(
      /README.md:3: shell block without a <!-- readme-test/,
    );
  });

  it('refuses a directive that names no command, or more than one', () => {
    const text = (selector: string) =>
      `<!-- readme-test: b\nskip "${selector}": a reason long enough to read\n-->\n${fence}sh\necho one\necho two\n${fence}\n`;
    expect(() => readmeBlocks(text('nothing'))).toThrow(/skip "nothing" names 0 commands of block 'b'/);
    expect(() => readmeBlocks(text('echo'))).toThrow(/skip "echo" names 2 commands/);
    expect(() => readmeBlocks(text('two'))).not.toThrow();
  });

  it('refuses an unknown directive and a skip without its reason', () => {
    const text = (directive: string) =>
      `<!-- readme-test: b\n${directive}\n-->\n${fence}sh\necho one\n${fence}\n`;
    expect(() => readmeBlocks(text('ignore "one": why'))).toThrow(/is not stdin\|until\|skip/);
    expect(() => readmeBlocks(text('skip "one":'))).toThrow(/needs its text/);
  });

  it('keeps a here-document with the command that opens it, comment-like lines included', () => {
    const [block] = readmeBlocks(
      `<!-- readme-test: b\n-->\n${fence}sh\ncat >> f <<END\na=1\n# kept\n\nEND\necho after\n${fence}\n`,
    );
    expect(block?.commands.map((c) => [c.line, c.text])).toEqual([
      [4, 'cat >> f <<END\na=1\n# kept\n\nEND'],
      [9, 'echo after'],
    ]);
  });

  it('joins continuation lines and loops, leaves out comments, and decodes stdin', () => {
    const [block] = readmeBlocks(
      `<!-- readme-test: b\nstdin "cat": a\\nb\n-->\n${fence}sh\n# sample output\ncurl -s x \\\n  -d y\nfor i in 1 2; do\n  echo $i\ndone\ncat   # echoes\n${fence}\n`,
    );
    expect(block?.commands.map((c) => [c.line, c.text, c.treatment])).toEqual([
      [6, 'curl -s x \\\n  -d y', { kind: 'run' }],
      [8, 'for i in 1 2; do\n  echo $i\ndone', { kind: 'run' }],
      [11, 'cat   # echoes', { kind: 'stdin', input: 'a\nb\n' }],
    ]);
  });
});
