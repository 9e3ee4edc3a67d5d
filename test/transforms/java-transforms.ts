import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibs } from '../converters/java-json-converter.js';
import type { TransformCase } from './transform-cases.js';

/**
 * Runs Apache Kafka's own transformations and predicates (connect-transforms, from the jars in
 * infra/kafka/libs) through the small Java program in ./java, compiled into a temporary directory
 * for each test run; all cases go through one JVM.
 */
const harnessSource = join(dirname(fileURLToPath(import.meta.url)), 'java', 'TransformsHarness.java');

/** A record as both sides write it back: envelopes as text, null for a Kafka null. */
export interface OutputRecord {
  topic: string;
  partition: number | null;
  /** Sink records only. */
  offset?: number;
  timestamp: number | null;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

export type Stage = 'read' | 'configure' | 'apply' | 'write';

export type Outcome =
  | { ok: true; record: OutputRecord | null }
  | { ok: true; test: boolean }
  | { ok: false; stage: Stage; errorClass: string; message: string | null; cause?: string };

export type JavaResult = Outcome & { id: string };

export interface JavaRun {
  javaVersion: number;
  results: Map<string, JavaResult>;
}

const REQUIRED_JARS = [
  /^connect-transforms-.*\.jar$/,
  /^connect-json-.*\.jar$/,
  /^connect-api-.*\.jar$/,
  /^kafka-clients-.*\.jar$/,
  /^jackson-databind-.*\.jar$/,
];

/** Throws a message saying how to fetch the jars when they are missing. */
export function checkTransformJars(): void {
  const files = existsSync(kafkaLibs) ? readdirSync(kafkaLibs) : [];
  const missing = REQUIRED_JARS.filter((pattern) => !files.some((file) => pattern.test(file)));
  if (missing.length > 0) {
    throw new Error(
      `The Apache Kafka jars are missing from ${kafkaLibs} (${missing.map(String).join(', ')}). ` +
        'Fetch them with: mvn -q -f infra/kafka/pom.xml dependency:copy-dependencies',
    );
  }
}

/** A compiled harness in a temporary directory; `dispose` removes it. */
export function compileTransformsHarness(): { classes: string; dispose: () => void } {
  checkTransformJars();
  const classes = mkdtempSync(join(tmpdir(), 'transforms-harness-'));
  const javac = spawnSync(
    'javac',
    ['--release', '17', '-nowarn', '-cp', join(kafkaLibs, '*'), '-d', classes, harnessSource],
    { encoding: 'utf8' },
  );
  if (javac.error || javac.status !== 0) {
    rmSync(classes, { recursive: true, force: true });
    throw new Error(`javac failed (is a JDK 17+ on PATH?): ${javac.error?.message ?? javac.stderr}`);
  }
  return { classes, dispose: () => rmSync(classes, { recursive: true, force: true }) };
}

/**
 * Runs the cases on one JVM. The JVM's time zone and locale are pinned (UTC, en-US): the
 * transforms that format dates set UTC themselves, and pinning keeps anything that does not
 * from depending on the machine.
 */
export function runTransformsHarness(classes: string, cases: TransformCase[]): JavaRun {
  const dir = mkdtempSync(join(tmpdir(), 'transforms-cases-'));
  try {
    const casesFile = join(dir, 'cases.json');
    writeFileSync(
      casesFile,
      JSON.stringify(
        cases.map((c) => ({
          id: c.id,
          kind: c.kind,
          className: c.className,
          config: c.config,
          converter: c.converter ?? {},
          record: {
            kind: c.record.kind,
            topic: c.record.topic,
            partition: c.record.partition,
            offset: c.record.offset ?? 0,
            timestamp: c.record.timestamp,
            key: c.record.key,
            value: c.record.value,
            headers: c.record.headers.map((h) => ({ key: h.key, value: h.envelope })),
          },
        })),
      ),
    );
    const run = spawnSync(
      'java',
      [
        '-Xshare:auto',
        '-Duser.timezone=UTC',
        '-Duser.language=en',
        '-Duser.country=US',
        '-cp',
        `${classes}:${join(kafkaLibs, '*')}`,
        'TransformsHarness',
        casesFile,
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.error || run.status !== 0) {
      throw new Error(`java failed: ${run.error?.message ?? run.stderr}`);
    }
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('{'));
    const header = JSON.parse(lines[0] ?? '{}') as { javaVersion?: string };
    const results = new Map<string, JavaResult>();
    for (const line of lines.slice(1)) {
      const result = JSON.parse(line) as JavaResult;
      results.set(result.id, result);
    }
    return { javaVersion: Number(header.javaVersion), results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
