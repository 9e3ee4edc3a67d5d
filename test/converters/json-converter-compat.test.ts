import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonConverter } from '../../packages/connect/src/converters/index.js';
import { type Schema, Schemas, schemaEquals } from '../../packages/connect/src/data/index.js';
import {
  compileHarness,
  extraJavaHomes,
  type JavaCase,
  type JavaRun,
  runHarness,
} from './java-json-converter.js';
import {
  type CompatCase,
  compatCases,
  generatedCases,
  type SpecialFloatCase,
  specialFloatCases,
} from './json-converter-cases.js';

/**
 * Our JsonConverter against Apache Kafka's (4.4.0, from infra/kafka/libs), run fresh on every
 * test run: for each case both read the same input and write the result, and the bytes must be
 * identical; where the case also builds the data with our API, that must serialise identically
 * too. It runs on the `java` on PATH and on a JDK 19+ if one is installed (see
 * extraJavaHomes), with our `float.format` matched to the JVM: Java 17 and Java 19+ print some
 * doubles and floats differently, and we reproduce both.
 */
const cases: CompatCase[] = [...compatCases, ...generatedCases(4000)];
const javaCases: JavaCase[] = [
  ...cases.map((c, i) => ({
    id: `case-${i}`,
    input: (typeof c.input === 'string' ? Buffer.from(c.input, 'utf8') : c.input).toString('base64'),
    read: c.read ?? {},
    write: c.write ?? {},
  })),
  ...specialFloatCases.map(
    (c, i) => ({ id: `special-${i}`, [c.type]: c.value, write: c.write ?? {} }) as JavaCase,
  ),
];

let harness: ReturnType<typeof compileHarness> | undefined;
afterAll(() => harness?.dispose());

const jvms: (string | undefined)[] = [undefined, ...extraJavaHomes()];

describe.each(jvms.map((home) => ({ home, label: home ?? 'java on PATH' })))(
  'JsonConverter vs Kafka on $label',
  ({ home }) => {
    let run: JavaRun;
    let floatFormat: 'LEGACY' | 'SHORTEST';

    beforeAll(() => {
      harness ??= compileHarness();
      run = runHarness(harness.classes, javaCases, home);
      floatFormat = run.javaVersion >= 19 ? 'SHORTEST' : 'LEGACY';
    }, 180_000);

    it('ran every case on the JVM', () => {
      expect(run.javaVersion).toBeGreaterThanOrEqual(17);
      expect(run.results.size).toBe(javaCases.length);
    });

    it.each(cases.map((c, i) => ({ ...c, id: `case-${i}` })))('$name', (c) => {
      const java = run.results.get(c.id);
      if (!java) throw new Error(`no Java result for ${c.name}`);
      const bytes = typeof c.input === 'string' ? Buffer.from(c.input, 'utf8') : c.input;
      const reader = converter(c.read, floatFormat);
      const writer = converter(c.write, floatFormat);
      let read: { schema: Schema | null; value: unknown } | undefined;
      let ours: { ok: true; output: Buffer | null } | { ok: false; error: string };
      try {
        read = reader.toConnectData('topic', bytes);
        ours = { ok: true, output: writer.fromConnectData('topic', read.schema, read.value) };
      } catch (error) {
        ours = { ok: false, error: (error as Error).message };
      }

      const outcome = c.outcome ?? 'same';
      if (outcome === 'error') {
        expect(java.ok, 'Kafka should fail too').toBe(false);
        expect(ours.ok, 'ours should fail').toBe(false);
        if (c.tsError && !ours.ok) expect(ours.error).toContain(c.tsError);
        return;
      }
      if (!java.ok) throw new Error(`Kafka failed in ${java.stage}: ${java.error}`);
      const javaOutput = java.output === null ? null : Buffer.from(java.output, 'base64');
      if (c.expected !== undefined) expect(javaOutput?.toString('utf8')).toBe(c.expected);
      if (outcome === 'ts-stricter') {
        expect(ours.ok, 'ours should refuse what Kafka accepts').toBe(false);
        if (c.tsError && !ours.ok) expect(ours.error).toContain(c.tsError);
        return;
      }
      if (!ours.ok) throw new Error(`ours failed: ${ours.error}`);
      expect(firstDifference(ours.output, javaOutput), 'read + write vs Kafka').toBeUndefined();

      if (c.build) {
        const built = c.build();
        const direct = writer.fromConnectData('topic', built.schema, built.value);
        expect(firstDifference(direct, javaOutput), 'built data vs Kafka').toBeUndefined();
        expect(schemaEquals(built.schema, read?.schema ?? null), 'built schema equals the schema read').toBe(
          true,
        );
      }
    });

    it.each(specialFloatCases.map((c, i) => ({ ...c, id: `special-${i}` })))(
      '$name',
      (c: SpecialFloatCase & { id: string }) => {
        const java = run.results.get(c.id);
        if (!java?.ok) throw new Error(`Kafka failed: ${java && !java.ok ? java.error : 'no result'}`);
        const schema = c.type === 'float64' ? Schemas.FLOAT64 : Schemas.FLOAT32;
        const ours = converter(c.write, floatFormat).fromConnectData('topic', schema, Number(c.value));
        expect(
          firstDifference(ours, java.output === null ? null : Buffer.from(java.output, 'base64')),
        ).toBeUndefined();
      },
    );
  },
);

function converter(config: Record<string, string> | undefined, floatFormat: string): JsonConverter {
  const converter = new JsonConverter();
  converter.configure({ ...config, 'float.format': floatFormat }, false);
  return converter;
}

/** Undefined when equal, else where and how the two outputs differ. */
function firstDifference(ours: Buffer | null, kafka: Buffer | null): string | undefined {
  if (ours === null || kafka === null)
    return ours === kafka ? undefined : `ours ${String(ours)} vs Kafka ${String(kafka)}`;
  if (ours.equals(kafka)) return undefined;
  let i = 0;
  while (i < ours.length && i < kafka.length && ours[i] === kafka[i]) i++;
  const around = (b: Buffer) => b.subarray(Math.max(0, i - 60), i + 60).toString('utf8');
  return `differs at byte ${i} (lengths ${ours.length} vs ${kafka.length})\n  ours:  …${around(ours)}…\n  Kafka: …${around(kafka)}…`;
}
