import { spawnSync } from 'node:child_process';

/**
 * The README's shell blocks, each with the treatment its `<!-- readme-test: … -->` comment asks
 * for. Every ```sh block must carry such a comment (the line right above its fence), so a block
 * added to the README is either run by the README test or says why not.
 *
 *   <!-- readme-test: <block id>
 *   stdin "<part of a command>": <text fed on stdin, \n between lines>
 *   until "<part of a command>": <text>     (runs until its output shows the text, then SIGTERM)
 *   skip "<part of a command>": <reason>
 *   -->
 *
 * A directive's quoted part must name exactly one command of its block. Commands without a
 * directive run as written, with stdin closed.
 */
export type Treatment =
  | { kind: 'run' }
  | { kind: 'stdin'; input: string }
  | { kind: 'until'; text: string }
  | { kind: 'skip'; reason: string };

export interface ReadmeCommand {
  /** The command as written, continuation lines and compound commands joined. */
  text: string;
  /** 1-based README line of its first line. */
  line: number;
  treatment: Treatment;
}

export interface ReadmeBlock {
  id: string;
  line: number;
  commands: ReadmeCommand[];
}

const DIRECTIVE = /^(stdin|until|skip)\s+"([^"]+)":\s*(.*)$/;

/** Parses the README; throws one error listing every block or directive that is not in order. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  const problems: string[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell|console)\s*$/.test(lines[i] ?? '')) {
      if (/^```/.test(lines[i] ?? '')) i = closingFence(lines, i);
      continue;
    }
    const fenceLine = i + 1;
    const end = closingFence(lines, i);
    const body = lines.slice(i + 1, end);
    const annotation = annotationAbove(lines, i);
    i = end;
    if (!annotation) {
      problems.push(`README.md:${fenceLine}: shell block without a <!-- readme-test: … --> comment above it`);
      continue;
    }
    const { id, directives } = annotation;
    if (ids.has(id)) problems.push(`README.md:${fenceLine}: block id '${id}' is used twice`);
    ids.add(id);
    const commands = splitCommands(body, fenceLine + 1);
    for (const raw of directives) {
      const match = DIRECTIVE.exec(raw);
      if (!match) {
        problems.push(`README.md:${fenceLine}: '${raw}' is not stdin|until|skip "<command part>": <text>`);
        continue;
      }
      const [, kind, selector = '', argument = ''] = match;
      const hits = commands.filter((c) => c.text.includes(selector));
      if (hits.length !== 1) {
        problems.push(
          `README.md:${fenceLine}: ${kind} "${selector}" names ${hits.length} commands of block '${id}', not one`,
        );
        continue;
      }
      const command = hits[0] as ReadmeCommand;
      if (command.treatment.kind !== 'run') {
        problems.push(`README.md:${command.line}: more than one directive for this command`);
      }
      if (!argument.trim()) problems.push(`README.md:${fenceLine}: ${kind} "${selector}" needs its text`);
      command.treatment =
        kind === 'stdin'
          ? { kind: 'stdin', input: `${argument.replaceAll('\\n', '\n')}\n` }
          : kind === 'until'
            ? { kind: 'until', text: argument }
            : { kind: 'skip', reason: argument };
    }
    blocks.push({ id, line: fenceLine, commands });
  }
  if (problems.length) throw new Error(`README.md is not ready for the README test:\n${problems.join('\n')}`);
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (/^```\s*$/.test(lines[j] ?? '')) return j;
  throw new Error(`README.md:${open + 1}: code block never closed`);
}

/** The `<!-- readme-test: id … -->` comment that ends on the line right above the fence. */
function annotationAbove(lines: string[], fence: number): { id: string; directives: string[] } | undefined {
  if (!/-->\s*$/.test(lines[fence - 1] ?? '')) return undefined;
  let start = fence - 1;
  while (start >= 0 && !(lines[start] ?? '').includes('<!--')) start--;
  const text = lines
    .slice(start, fence)
    .join('\n')
    .replace(/^[\s\S]*?<!--/, '')
    .replace(/-->\s*$/, '');
  const header = /^\s*readme-test:\s*([\w-]+)\s*\n?([\s\S]*)$/.exec(text);
  if (!header) return undefined;
  const directives = (header[2] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { id: header[1] as string, directives };
}

/**
 * Splits a block into the commands a shell would run one by one: a line ending in `\` goes on,
 * and so do lines until bash can parse what came so far (a `for … done` loop). Comment-only lines
 * (sample output) and blank lines are not commands.
 */
export function splitCommands(body: string[], firstLine: number): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let pending: string[] = [];
  let pendingLine = 0;
  // `bash -n` accepts a here-document cut at its first line (a warning, status 0): its body and
  // terminator belong to the command, so wait for the delimiter line.
  let hereDocEnd: string | undefined;
  body.forEach((line, index) => {
    if (hereDocEnd !== undefined) {
      pending.push(line);
      if (line.trim() === hereDocEnd) hereDocEnd = undefined;
      else return;
    } else {
      if (!pending.length && (/^\s*#/.test(line) || !line.trim())) return;
      if (!pending.length) pendingLine = firstLine + index;
      pending.push(line);
      hereDocEnd = /<<-?\s*['"]?(\w+)['"]?/.exec(line)?.[1];
      if (hereDocEnd !== undefined) return;
    }
    if (/\\\s*$/.test(line)) return;
    const text = pending.join('\n');
    if (spawnSync('bash', ['-n'], { input: text }).status !== 0) return;
    commands.push({ text, line: pendingLine, treatment: { kind: 'run' } });
    pending = [];
  });
  if (pending.length)
    throw new Error(`README.md:${pendingLine}: this command never ends:\n${pending.join('\n')}`);
  return commands;
}
