import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectHeader } from '../../packages/connect/src/api/records.js';
import { ConfigException } from '../../packages/connect/src/config/config-types.js';
import { JsonConverter } from '../../packages/connect/src/converters/index.js';
import { DataError } from '../../packages/connect/src/data/index.js';
import { ConnectError } from '../../packages/connect/src/errors/connect-error.js';
import type {
  ConnectRecord,
  PredicatePlugin,
  TransformationPlugin,
} from '../../packages/connect/src/transforms/transformation.js';
import {
  compileTransformsHarness,
  type JavaRun,
  type Outcome,
  type OutputRecord,
  runTransformsHarness,
  type Stage,
} from './java-transforms.js';
import { type TransformCase, transformCases } from './transform-cases.js';

/**
 * msa-sync's transformations and predicates against Apache Kafka's own (connect-transforms 4.4.0,
 * from infra/kafka/libs), run fresh on every test run. Each case's record is read from
 * JsonConverter envelopes on both sides, the plugin is configured and applied, and the result is
 * written back through the JsonConverter: the outputs must be identical, or both sides must fail
 * at the same stage with the same kind of error and (but for the reasoned exceptions below) the
 * same message. Output that differs only in the order of map entries counts as identical (see
 * sameEnvelope). A case whose plugin msa-sync does not have fails. After the run a summary per
 * plugin, and every difference, is printed.
 */

interface Registry {
  findTransformationPlugin(className: string): TransformationPlugin | undefined;
  findPredicatePlugin(className: string): PredicatePlugin | undefined;
}

type OurOutcome = Outcome | { ok: false; stage: 'missing'; errorClass: 'NotImplemented'; message: string };

/**
 * Where an error message legitimately cannot match Kafka's, only this much of it is compared
 * (the part Apache's transformation writes itself). Each entry says why.
 */
const MESSAGE_EXCEPTIONS: { reason: string; prefix: (java: string) => string | undefined }[] = [
  {
    reason:
      "TimestampRouter appends the record's Java toString() (SinkRecord{kafkaOffset=…} ConnectRecord{…}), " +
      'which names Java classes and formats Java objects; only the sentence before it is compared.',
    prefix: (m) => /^Timestamp missing on record: /.exec(m)?.[0],
  },
  {
    reason:
      'A regex syntax error ends with java.util.regex\'s own description ("Unclosed group near index 1" and ' +
      'a caret diagram); a JavaScript regex engine words it differently, so only the config part is compared.',
    prefix: (m) =>
      /^Invalid value [\s\S]* for configuration \w+: (Invalid regex: |entry must be a Java-compatible regular expression: )/.exec(
        m,
      )?.[0],
  },
  {
    reason:
      'InsertField names the static field by InsertionSpec.toString(), an identity hash (InsertField$InsertionSpec@1a2b3c) ' +
      'that differs on every JVM run; only the text before it is compared.',
    prefix: (m) => /^[\s\S]*No value specified for static field: /.exec(m)?.[0],
  },
];

/**
 * Cases whose output differs from Kafka's for a reason outside the transformations, each listed
 * in docs/connect/transforms.md. A listed case must still differ only as its reason says (checked
 * by `equivalent`), and must be taken off the list once it matches: the list cannot hide a new
 * difference.
 */
const KNOWN_DIFFERENCES: {
  reason: string;
  ids: string[];
  equivalent: (java: string, ours: string) => boolean;
}[] = [
  {
    reason:
      'A schemaless JSON number written with a fraction or exponent but whole in value (1.0, 2E3, 1.5E10) is a ' +
      'Double in Kafka and a plain number in msa-sync, which reads it as an integer: written back it loses its ' +
      '".0" or exponent (Cast to string gives "15000000000" for 1.5E10, MaskField 0 for 0.0). Same value, other text.',
    ids: [
      'Cast$Key: schemaless float to string',
      'Cast$Value: schemaless float to string',
      'Cast$Key: schemaless boolean to float32',
      'Cast$Value: schemaless boolean to float32',
      'Flatten$Value: schemaless integral doubles',
      'HoistField$Value: schemaless integral double',
      'MaskField$Key: map fields',
      'MaskField$Value: map fields',
      'MaskField$Key: map fields with replacement',
      'MaskField$Value: map fields with replacement',
    ],
    equivalent: (java, ours) => numericallyEqual(JSON.parse(java), JSON.parse(ours)),
  },
];

/** Equal JSON values, numbers (and strings that are numbers) compared by value, object members in any order. */
function numericallyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    return a === b || (a.trim() !== '' && Number.isFinite(Number(a)) && Number(a) === Number(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => numericallyEqual(item, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          k in b && numericallyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return a === b;
}

/** A known difference's verdict: 'documented difference' when it differs only as its reason says. */
function knownDifference(
  id: string,
  java: Outcome,
  ours: OurOutcome,
  verdict: { kind: VerdictKind; detail?: string },
): { kind: VerdictKind; detail?: string } {
  const known = KNOWN_DIFFERENCES.find((k) => k.ids.includes(id));
  if (!known) return verdict;
  if (verdict.detail === undefined) {
    return {
      kind: 'output differs',
      detail: `now matches Kafka: take it off KNOWN_DIFFERENCES (${known.reason})`,
    };
  }
  if (!java.ok || !ours.ok || !('record' in java) || !('record' in ours) || !java.record || !ours.record) {
    return verdict;
  }
  const a = java.record;
  const b = ours.record;
  const same = (x: string | null, y: string | null) =>
    x === y || (x !== null && y !== null && known.equivalent(x, y));
  const equivalent =
    a.topic === b.topic &&
    a.partition === b.partition &&
    a.timestamp === b.timestamp &&
    same(a.key, b.key) &&
    same(a.value, b.value) &&
    a.headers.length === b.headers.length &&
    a.headers.every((h, i) => h.key === b.headers[i]?.key && same(h.value, b.headers[i]?.value ?? null));
  return equivalent ? { kind: 'documented difference' } : verdict;
}

/**
 * Java runtime exceptions raised by the JDK rather than by Apache's code (a null dereference, a
 * missing regex group, a bad cast): their messages are the JVM's own wording, so for these only
 * the failure and its stage must match.
 */
const JVM_EXCEPTIONS =
  /^java\.lang\.(NullPointerException|ClassCastException|IndexOutOfBoundsException|ArrayIndexOutOfBoundsException|StringIndexOutOfBoundsException)$/;

const cases = transformCases();

let registry: Registry | undefined;
let registryError: string | undefined;
let harness: ReturnType<typeof compileTransformsHarness> | undefined;
let run: JavaRun;
let floatFormat: 'LEGACY' | 'SHORTEST';

const tally = new Map<string, Map<string, number>>();
const differences: { id: string; group: string; kind: string; detail: string }[] = [];
const converterMessages = new Set<string>();

beforeAll(async () => {
  try {
    registry = await import('../../packages/connect/src/transforms/transformation-plugins.js');
  } catch (error) {
    registryError = (error as Error).message;
  }
  harness = compileTransformsHarness();
  run = runTransformsHarness(harness.classes, cases);
  floatFormat = run.javaVersion >= 19 ? 'SHORTEST' : 'LEGACY';
}, 180_000);

afterAll(() => {
  harness?.dispose();
  printSummary();
});

describe('SMTs and predicates vs Kafka 4.4.0', () => {
  it('ran every case on the JVM, as each case intends', () => {
    expect(run.javaVersion).toBeGreaterThanOrEqual(17);
    expect(run.results.size).toBe(cases.length);
    const unintended: string[] = [];
    for (const c of cases) {
      const java = run.results.get(c.id);
      const got = java ? javaOutcomeKind(java) : 'no result';
      if (got !== String(c.expect)) {
        const detail = java && !java.ok ? ` (${java.stage}: ${java.errorClass}: ${java.message})` : '';
        unintended.push(`${c.id}: meant ${String(c.expect)}, Kafka gave ${got}${detail}`);
      }
    }
    expect(unintended, unintended.join('\n')).toEqual([]);
  });

  it('lists only existing cases as known differences', () => {
    const ids = new Set(cases.map((c) => c.id));
    expect(KNOWN_DIFFERENCES.flatMap((k) => k.ids).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(cases)('$id', (c) => {
    const java = run.results.get(c.id);
    if (!java) throw new Error(`no Java result for ${c.id}`);
    const ours = runOurs(c);
    const verdict = knownDifference(c.id, java, ours, compare(java, ours));
    count(c.group, verdict.kind);
    if (verdict.detail !== undefined) {
      differences.push({ id: c.id, group: c.group, kind: verdict.kind, detail: verdict.detail });
      throw new Error(`${verdict.kind}\n${verdict.detail}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Running msa-sync's side.

function runOurs(c: TransformCase): OurOutcome {
  if (!registry) {
    return {
      ok: false,
      stage: 'missing',
      errorClass: 'NotImplemented',
      message: `registry not loadable: ${registryError}`,
    };
  }
  const converter = new JsonConverter();
  converter.configure({ ...c.converter, 'float.format': floatFormat }, false);
  let stage: Stage = 'read';
  try {
    const input = readRecord(converter, c);
    if (c.kind === 'predicate') {
      const plugin = registry.findPredicatePlugin(c.className);
      if (!plugin) return notImplemented(c);
      stage = 'configure';
      const predicate = plugin.create(c.config);
      stage = 'apply';
      return { ok: true, test: predicate.test(input) };
    }
    const plugin = registry.findTransformationPlugin(c.className);
    if (!plugin) return notImplemented(c);
    stage = 'configure';
    const transformation = plugin.create(c.config);
    stage = 'apply';
    const output = transformation.apply(input);
    stage = 'write';
    return { ok: true, record: output === null ? null : writeRecord(converter, output) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, stage, errorClass: errorClassOf(e), message: e.message };
  }
}

function notImplemented(c: TransformCase): OurOutcome {
  return {
    ok: false,
    stage: 'missing',
    errorClass: 'NotImplemented',
    message: `msa-sync has no ${c.kind} ${c.className}`,
  };
}

function readRecord(converter: JsonConverter, c: TransformCase): ConnectRecord {
  const r = c.record;
  const read = (envelope: string | null) =>
    converter.toConnectData(r.topic, envelope === null ? null : Buffer.from(envelope, 'utf8'));
  const key = read(r.key);
  const value = read(r.value);
  const headers: ConnectHeader[] = r.headers.map((h) => {
    const data = read(h.envelope);
    return { key: h.key, schema: data.schema ?? undefined, value: data.value };
  });
  const common = {
    topic: r.topic,
    kafkaPartition: r.partition ?? undefined,
    keySchema: key.schema ?? undefined,
    key: key.value,
    valueSchema: value.schema ?? undefined,
    value: value.value,
    timestamp: r.timestamp ?? undefined,
    headers,
  };
  if (r.kind === 'sink') return { ...common, kafkaOffset: BigInt(r.offset ?? 0) } as ConnectRecord;
  return {
    ...common,
    sourcePartition: { source: 'harness' },
    sourceOffset: { position: 1 },
  } as ConnectRecord;
}

function writeRecord(converter: JsonConverter, r: ConnectRecord): OutputRecord {
  const write = (schema: unknown, value: unknown) => {
    const bytes = converter.fromConnectData(r.topic, (schema ?? null) as never, value ?? null);
    return bytes === null ? null : bytes.toString('utf8');
  };
  const offset = (r as { kafkaOffset?: unknown }).kafkaOffset;
  return {
    topic: r.topic,
    partition: r.kafkaPartition ?? null,
    ...(offset !== undefined ? { offset: Number(offset) } : {}),
    timestamp: r.timestamp ?? null,
    key: write(r.keySchema, r.key),
    value: write(r.valueSchema, r.value),
    headers: (r.headers ?? []).map((h) => ({ key: h.key, value: write(h.schema, h.value) })),
  };
}

function errorClassOf(error: Error): string {
  if (error instanceof ConfigException) return `ConfigException (${error.name})`;
  if (error instanceof DataError) return `DataError (${error.name})`;
  if (error instanceof ConnectError) return `ConnectError (${error.name})`;
  return error.name || error.constructor.name;
}

// ---------------------------------------------------------------------------------------------
// Comparing.

type VerdictKind =
  | 'identical'
  | 'identical but for map order'
  | 'both fail alike'
  | 'both fail alike (JVM exception, message not compared)'
  | 'both fail alike (message compared up to Java-specific text)'
  | 'both fail alike (converter message not compared)'
  | 'both fail, message differs'
  | 'both fail, error class differs'
  | 'both fail at different stages'
  | 'output differs'
  | 'only msa-sync fails'
  | 'only Kafka fails'
  | 'not implemented'
  | 'documented difference';

function compare(java: Outcome, ours: OurOutcome): { kind: VerdictKind; detail?: string } {
  if (!ours.ok && ours.stage === 'missing') return { kind: 'not implemented', detail: ours.message };
  if (java.ok && ours.ok) {
    if ('test' in java || 'test' in ours) {
      const j = 'test' in java ? java.test : undefined;
      const o = 'test' in ours ? ours.test : undefined;
      return j === o
        ? { kind: 'identical' }
        : { kind: 'output differs', detail: `predicate: Kafka ${j}, msa-sync ${o}` };
    }
    return compareRecords(java.record, 'record' in ours ? ours.record : null);
  }
  if (!java.ok && !ours.ok) {
    const kafka = `Kafka:    ${java.stage}: ${java.errorClass}: ${java.message}`;
    const mine = `msa-sync: ${ours.stage}: ${ours.errorClass}: ${ours.message}`;
    if (java.stage !== ours.stage)
      return { kind: 'both fail at different stages', detail: `${kafka}\n${mine}` };
    if (!classCompatible(java.errorClass, ours.errorClass)) {
      return { kind: 'both fail, error class differs', detail: `${kafka}\n${mine}` };
    }
    if (JVM_EXCEPTIONS.test(java.errorClass)) {
      return { kind: 'both fail alike (JVM exception, message not compared)' };
    }
    if (java.stage === 'write') {
      // The JsonConverter raised it, not the transformation; the converter's own compatibility
      // test (test/converters) checks its failures, without requiring Kafka's wording. Differing
      // wordings are listed in the summary.
      if (ours.message !== java.message) converterMessages.add(`${kafka}\n      ${mine}`);
      return { kind: 'both fail alike (converter message not compared)' };
    }
    const javaMessage = java.message ?? 'null';
    const prefix = MESSAGE_EXCEPTIONS.map((e) => e.prefix(javaMessage)).find((p) => p !== undefined);
    if (prefix === undefined) {
      return ours.message === javaMessage
        ? { kind: 'both fail alike' }
        : { kind: 'both fail, message differs', detail: `${kafka}\n${mine}` };
    }
    return (ours.message ?? '').startsWith(prefix)
      ? { kind: 'both fail alike (message compared up to Java-specific text)' }
      : { kind: 'both fail, message differs', detail: `${kafka}\n${mine}\n(compared up to: ${prefix})` };
  }
  if (!java.ok) {
    return {
      kind: 'only Kafka fails',
      detail: `Kafka:    ${java.stage}: ${java.errorClass}: ${java.message}\nmsa-sync: ${describeOutcome(ours)}`,
    };
  }
  const o = ours as Extract<OurOutcome, { ok: false }>;
  return {
    kind: 'only msa-sync fails',
    detail: `Kafka:    ${describeOutcome(java)}\nmsa-sync: ${o.stage}: ${o.errorClass}: ${o.message}${o.stage === 'read' ? ' (while reading the case input)' : ''}`,
  };
}

function describeOutcome(outcome: OurOutcome): string {
  if (!outcome.ok) return `${outcome.stage}: ${outcome.errorClass}: ${outcome.message}`;
  return JSON.stringify('test' in outcome ? outcome.test : outcome.record);
}

/** The Java exception and ours are the same kind of failure. */
function classCompatible(javaClass: string, ourClass: string): boolean {
  if (javaClass === 'org.apache.kafka.common.config.ConfigException')
    return ourClass.startsWith('ConfigException');
  if (
    javaClass === 'org.apache.kafka.connect.errors.DataException' ||
    javaClass === 'org.apache.kafka.connect.errors.SchemaBuilderException'
  ) {
    return ourClass.startsWith('DataError');
  }
  if (javaClass === 'org.apache.kafka.connect.errors.ConnectException') {
    return ourClass.startsWith('DataError') || ourClass.startsWith('ConnectError');
  }
  // JDK exceptions (IllegalArgumentException, NullPointerException, …) have no msa-sync class.
  return javaClass.startsWith('java.');
}

function compareRecords(
  java: OutputRecord | null,
  ours: OutputRecord | null,
): { kind: VerdictKind; detail?: string } {
  if (java === null || ours === null) {
    return java === ours
      ? { kind: 'identical' }
      : {
          kind: 'output differs',
          detail: `Kafka:    ${JSON.stringify(java)}\nmsa-sync: ${JSON.stringify(ours)}`,
        };
  }
  const problems: string[] = [];
  let unordered = false;
  const scalar = (name: string, a: unknown, b: unknown) => {
    if (a !== b) problems.push(`${name}: Kafka ${JSON.stringify(a)}, msa-sync ${JSON.stringify(b)}`);
  };
  const envelope = (name: string, a: string | null, b: string | null) => {
    const same = sameEnvelope(a, b);
    if (same === 'unordered') unordered = true;
    if (same === false) problems.push(`${name}:\n  Kafka:    ${a}\n  msa-sync: ${b}`);
  };
  scalar('topic', java.topic, ours.topic);
  scalar('partition', java.partition, ours.partition);
  scalar('offset', java.offset, ours.offset);
  scalar('timestamp', java.timestamp, ours.timestamp);
  envelope('key', java.key, ours.key);
  envelope('value', java.value, ours.value);
  if (java.headers.length !== ours.headers.length) {
    problems.push(
      `headers:\n  Kafka:    ${JSON.stringify(java.headers)}\n  msa-sync: ${JSON.stringify(ours.headers)}`,
    );
  } else {
    java.headers.forEach((h, i) => {
      const mine = ours.headers[i];
      scalar(`header ${i} key`, h.key, mine?.key);
      envelope(`header ${i} (${h.key})`, h.value, mine?.value ?? null);
    });
  }
  if (problems.length > 0) return { kind: 'output differs', detail: problems.join('\n') };
  return { kind: unordered ? 'identical but for map order' : 'identical' };
}

/**
 * Envelopes are equal when their text is; or, 'unordered', when they differ only in the order of
 * the members of JSON objects inside the payload. Kafka holds schemaless objects and Connect maps
 * in java.util.HashMap, so it writes their entries in hash order, while msa-sync keeps insertion
 * order; JSON objects are unordered and no reader of the output can tell. Struct payloads follow
 * their schema's field order, which is compared exactly as part of the schema.
 */
function sameEnvelope(a: string | null, b: string | null): boolean | 'unordered' {
  if (a === b) return true;
  if (a === null || b === null) return false;
  try {
    const ta = parseJson(a);
    const tb = parseJson(b);
    if (ta.kind !== 'object' || tb.kind !== 'object') return false;
    const schemaA = ta.entries.find(([k]) => k === 'schema')?.[1];
    const schemaB = tb.entries.find(([k]) => k === 'schema')?.[1];
    const payloadA = ta.entries.find(([k]) => k === 'payload')?.[1];
    const payloadB = tb.entries.find(([k]) => k === 'payload')?.[1];
    if (!schemaA || !schemaB || !payloadA || !payloadB) return false;
    if (canonical(schemaA, false) !== canonical(schemaB, false)) return false;
    return canonical(payloadA, true) === canonical(payloadB, true) ? 'unordered' : false;
  } catch {
    return false;
  }
}

type JsonTree =
  | { kind: 'object'; entries: [string, JsonTree][] }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'literal'; text: string };

/** A JSON parser that keeps member order and number text as written. */
function parseJson(text: string): JsonTree {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  const value = (): JsonTree => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const entries: [string, JsonTree][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries };
      }
      for (;;) {
        ws();
        const key = JSON.parse(str()) as string;
        ws();
        i++; // :
        entries.push([key, value()]);
        ws();
        if (text[i++] === '}') return { kind: 'object', entries };
      }
    }
    if (ch === '[') {
      i++;
      const items: JsonTree[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') return { kind: 'array', items };
      }
    }
    if (ch === '"') return { kind: 'literal', text: str() };
    const start = i;
    while (i < text.length && !',]} \t\n\r'.includes(text[i] as string)) i++;
    return { kind: 'literal', text: text.slice(start, i) };
  };
  const tree = value();
  ws();
  if (i !== text.length) throw new Error('trailing text');
  return tree;
}

function canonical(tree: JsonTree, sortObjects: boolean): string {
  if (tree.kind === 'literal') return tree.text;
  if (tree.kind === 'array') return `[${tree.items.map((t) => canonical(t, sortObjects)).join(',')}]`;
  const entries = tree.entries.map(([k, v]) => [k, canonical(v, sortObjects)] as const);
  if (sortObjects) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

function javaOutcomeKind(java: Outcome): string {
  if (java.ok) {
    if ('test' in java) return String(java.test);
    return java.record === null ? 'drop' : 'ok';
  }
  return java.stage === 'configure' ? 'config-error' : `${java.stage}-error`;
}

function count(group: string, kind: string): void {
  const byKind = tally.get(group) ?? new Map<string, number>();
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  tally.set(group, byKind);
}

function printSummary(): void {
  if (tally.size === 0) return;
  const lines = ['', 'Transforms vs Kafka 4.4.0, per plugin:'];
  const totals = new Map<string, number>();
  for (const group of [...tally.keys()].sort()) {
    const byKind = tally.get(group) as Map<string, number>;
    const total = [...byKind.values()].reduce((a, b) => a + b, 0);
    lines.push(
      `  ${group.padEnd(20)} ${String(total).padStart(4)} cases: ${[...byKind.entries()].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
    for (const [k, n] of byKind) totals.set(k, (totals.get(k) ?? 0) + n);
  }
  lines.push(
    `  ${'total'.padEnd(20)} ${String(cases.length).padStart(4)} cases: ${[...totals.entries()].map(([k, n]) => `${n} ${k}`).join(', ')}`,
  );
  if (registryError) lines.push(`  (msa-sync's plugin registry could not be loaded: ${registryError})`);
  if (converterMessages.size > 0) {
    lines.push('JsonConverter failures worded differently from Kafka (not failing this test):');
    for (const pair of converterMessages) lines.push(`  ${pair}`);
  }
  const shown = differences.filter((d) => d.kind !== 'not implemented');
  if (shown.length > 0) {
    lines.push('Differences:');
    for (const d of shown) {
      lines.push(`  ${d.id} [${d.kind}]`, ...d.detail.split('\n').map((line) => `      ${line}`));
    }
  }
  console.log(lines.join('\n'));
}
