/**
 * The version requirements of Apache Connect 4.x's `*.plugin.version` keys (KIP-891): Maven
 * version ranges (`[4.0,5.0)`, `(,4.4.0]`, `[4.4.0]`, several ranges comma-separated), a bare
 * version meaning exactly that version (Apache's PluginUtils.connectorVersionRequirement), and
 * `latest` or no value meaning whatever is installed. Versions compare like Maven's
 * ComparableVersion for the forms plugins use (numbers, then qualifiers such as `-rc1`, `-msa`).
 */

export class InvalidVersionSpec extends Error {}

interface Restriction {
  lower: string | null;
  lowerInclusive: boolean;
  upper: string | null;
  upperInclusive: boolean;
}

export interface VersionRequirement {
  /** The requirement as Apache prints it in its error messages. */
  readonly text: string;
  contains(version: string): boolean;
}

/** null when any version will do (no value, or `latest`); throws {@link InvalidVersionSpec}. */
export function versionRequirement(value: string | null | undefined): VersionRequirement | null {
  if (value === null || value === undefined || value === 'latest') return null;
  const spec = value.trim();
  const parsed = parseRanges(spec);
  // A bare version is a hard requirement, as if enclosed in [].
  const restrictions = parsed.length > 0 ? parsed : parseRanges(`[${spec}]`);
  const text = parsed.length > 0 ? spec : `[${spec}]`;
  return {
    text,
    contains: (version) => restrictions.some((r) => restrictionContains(r, version)),
  };
}

function parseRanges(input: string): Restriction[] {
  const restrictions: Restriction[] = [];
  let spec = input;
  while (spec.startsWith('[') || spec.startsWith('(')) {
    const close = Math.min(...[spec.indexOf(')'), spec.indexOf(']')].filter((i) => i >= 0));
    if (!Number.isFinite(close)) throw new InvalidVersionSpec(`Unbounded range: ${input}`);
    const restriction = parseRestriction(spec.slice(0, close + 1));
    const previous = restrictions.at(-1);
    if (
      previous?.upper != null &&
      (restriction.lower === null || compareVersions(restriction.lower, previous.upper) < 0)
    ) {
      throw new InvalidVersionSpec(`Ranges overlap: ${input}`);
    }
    restrictions.push(restriction);
    spec = spec.slice(close + 1).trim();
    if (spec.startsWith(',')) spec = spec.slice(1).trim();
  }
  if (spec !== '' && restrictions.length > 0) {
    throw new InvalidVersionSpec(`Only fully-qualified sets allowed in multiple set scenario: ${input}`);
  }
  if (spec === '' && restrictions.length === 0) throw new InvalidVersionSpec('Empty version');
  return restrictions;
}

function parseRestriction(spec: string): Restriction {
  const lowerInclusive = spec.startsWith('[');
  const upperInclusive = spec.endsWith(']');
  const inner = spec.slice(1, -1).trim();
  const comma = inner.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) {
      throw new InvalidVersionSpec(`Single version must be surrounded by []: ${spec}`);
    }
    if (inner === '') throw new InvalidVersionSpec(`Empty version: ${spec}`);
    return { lower: inner, lowerInclusive, upper: inner, upperInclusive };
  }
  const lower = inner.slice(0, comma).trim();
  const upper = inner.slice(comma + 1).trim();
  if (lower === upper) throw new InvalidVersionSpec(`Range cannot have identical boundaries: ${spec}`);
  if (lower !== '' && upper !== '' && compareVersions(upper, lower) < 0) {
    throw new InvalidVersionSpec(`Range defies version ordering: ${spec}`);
  }
  return { lower: lower || null, lowerInclusive, upper: upper || null, upperInclusive };
}

function restrictionContains(r: Restriction, version: string): boolean {
  if (r.lower !== null) {
    const c = compareVersions(version, r.lower);
    if (c < 0 || (c === 0 && !r.lowerInclusive)) return false;
  }
  if (r.upper !== null) {
    const c = compareVersions(version, r.upper);
    if (c > 0 || (c === 0 && !r.upperInclusive)) return false;
  }
  return true;
}

type Item = number | string;

const QUALIFIER_ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone', cr: 'rc' };
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE = new Set(['', 'ga', 'final', 'release']);

function items(version: string): Item[] {
  const tokens =
    version
      .trim()
      .toLowerCase()
      .match(/\d+|[a-z]+/g) ?? [];
  const result: Item[] = tokens.map((t) => (/^\d/.test(t) ? Number(t) : (QUALIFIER_ALIASES[t] ?? t)));
  // Trailing zeros and release markers change nothing: 4.4 = 4.4.0 = 4.4.0-ga.
  while (result.length > 0) {
    const last = result.at(-1);
    if (last === 0 || (typeof last === 'string' && RELEASE.has(last))) result.pop();
    else break;
  }
  return result;
}

function qualifierRank(q: string): [number, string] {
  const name = RELEASE.has(q) ? '' : q;
  const known = QUALIFIERS.indexOf(name);
  return known >= 0 ? [known, ''] : [QUALIFIERS.length, name];
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'number') return b === undefined ? Math.sign(a) : 1;
  if (typeof b === 'number') return a === undefined ? -Math.sign(b) : -1;
  const [ra, na] = qualifierRank(a ?? '');
  const [rb, nb] = qualifierRank(b ?? '');
  return ra !== rb ? Math.sign(ra - rb) : na < nb ? -1 : na > nb ? 1 : 0;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = items(a);
  const y = items(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = compareItem(x[i], y[i]);
    if (c !== 0) return c;
  }
  return 0;
}
