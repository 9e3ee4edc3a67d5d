/**
 * The pieces of the REST conformance test: one request sequence, run against any Connect REST
 * API, and a comparison of two runs that names each difference by step and JSON path.
 */

export interface Answer {
  status: number;
  body: unknown;
}

export interface Step {
  /** Names the step in differences (`create-source`, `status-failed`...). */
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** May hold `{var}` placeholders, filled per side. */
  path: string;
  body?: unknown;
  /** Polls (both sides alike) until the answer satisfies this, then records the last answer. */
  until?: (answer: Answer) => boolean;
}

export interface Difference {
  step: string;
  path: string;
  apache: unknown;
  msa: unknown;
}

/** Replaces `{var}` in strings (deeply) with the side's value. */
export function fill<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string')
    return value.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole) as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, vars)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k, vars), fill(v, vars)])) as T;
  return value;
}

/**
 * Puts the side's own values (its connector names, files, topics, worker id) back as `{var}`,
 * longest first so that no value is replaced inside a longer one.
 */
export function unfill(value: unknown, vars: Record<string, string>): unknown {
  const pairs = Object.entries(vars).sort(([, a], [, b]) => b.length - a.length);
  const swap = (s: string) => pairs.reduce((out, [name, v]) => out.split(v).join(`{${name}}`), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return swap(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [swap(k), walk(x)]));
    return v;
  };
  return walk(value);
}

/** A task trace is compared by its first line (exception class and message); frames are the runtime's own. */
export function firstTraceLines(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(firstTraceLines);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'trace' && typeof v === 'string' ? (v.split('\n')[0] ?? '') : firstTraceLines(v),
      ]),
    );
  return value;
}

/** Arrays whose elements name themselves are compared by that name, not by position. */
function keyOf(element: unknown): string | undefined {
  if (!element || typeof element !== 'object') return undefined;
  const e = element as Record<string, unknown>;
  if (typeof e.class === 'string') return `${e.class}|${String(e.type)}`;
  const definition = e.definition as Record<string, unknown> | undefined;
  if (definition && typeof definition.name === 'string') return definition.name;
  if (typeof e.name === 'string' && !('id' in e)) return e.name;
  if (typeof e.id === 'number') return String(e.id);
  return undefined;
}

/** Every leaf where the two answers differ, with a path such as `body.configs[topics].value.errors`. */
export function differences(step: string, apache: unknown, msa: unknown, path = ''): Difference[] {
  if (Object.is(apache, msa)) return [];
  if (Array.isArray(apache) && Array.isArray(msa)) {
    const keysA = apache.map(keyOf);
    const keysB = msa.map(keyOf);
    const keyed = keysA.every((k) => k !== undefined) && keysB.every((k) => k !== undefined);
    if (keyed && (apache.length > 0 || msa.length > 0)) {
      const a = new Map(apache.map((e, i) => [keysA[i] as string, e]));
      const b = new Map(msa.map((e, i) => [keysB[i] as string, e]));
      const out: Difference[] = [];
      for (const key of new Set([...a.keys(), ...b.keys()]))
        out.push(...differences(step, a.get(key), b.get(key), `${path}[${key}]`));
      // Same members in another order is a difference too (clients show lists as they come).
      if (out.length === 0 && keysA.join('\n') !== keysB.join('\n'))
        out.push({ step, path: `${path}(order)`, apache: keysA, msa: keysB });
      return out;
    }
    if (apache.length !== msa.length) return [{ step, path, apache, msa }];
    return apache.flatMap((e, i) => differences(step, e, msa[i], `${path}[${i}]`));
  }
  if (
    apache &&
    msa &&
    typeof apache === 'object' &&
    typeof msa === 'object' &&
    !Array.isArray(apache) &&
    !Array.isArray(msa)
  ) {
    const a = apache as Record<string, unknown>;
    const b = msa as Record<string, unknown>;
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
      differences(step, a[k], b[k], path ? `${path}.${k}` : k),
    );
  }
  return [{ step, path, apache, msa }];
}
