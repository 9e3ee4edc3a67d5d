/**
 * Reads a Java `.properties` file (what `connect-distributed.properties` is): `key=value`,
 * `key: value` or `key value`, `#`/`!` comments, `\` line continuations and `\uXXXX` escapes.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithOddBackslashes(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^\s+/, '');
    }
    let sep = -1;
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t') {
        sep = j;
        break;
      }
    }
    const rawKey = sep < 0 ? line : line.slice(0, sep);
    let rest = sep < 0 ? '' : line.slice(sep);
    rest = rest.replace(/^[ \t]*[=:]?[ \t]*/, '');
    props.set(unescapeProperty(rawKey), unescapeProperty(rest));
  }
  return props;
}

function endsWithOddBackslashes(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}
