import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompiledHarness,
  compileJavaHarness,
  type HarnessRun,
  runJavaHarness,
} from '../support/java-harness.js';
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

export type JavaRun = HarnessRun<JavaResult>;

const REQUIRED_JARS = [
  /^connect-transforms-.*\.jar$/,
  /^connect-json-.*\.jar$/,
  /^connect-api-.*\.jar$/,
  /^kafka-clients-.*\.jar$/,
  /^jackson-databind-.*\.jar$/,
];

/** A compiled harness in a temporary directory; `dispose` removes it. */
export function compileTransformsHarness(): CompiledHarness {
  return compileJavaHarness(harnessSource, REQUIRED_JARS, 'transforms-harness-');
}

/**
 * Runs the cases on one JVM. The JVM's time zone and locale are pinned (UTC, en-US): the
 * transforms that format dates set UTC themselves, and pinning keeps anything that does not
 * from depending on the machine.
 */
export function runTransformsHarness(classes: string, cases: TransformCase[]): JavaRun {
  return runJavaHarness({
    classes,
    source: harnessSource,
    tempPrefix: 'transforms-cases-',
    jvmArgs: ['-Duser.timezone=UTC', '-Duser.language=en', '-Duser.country=US'],
    cases: cases.map((c) => ({
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
  });
}
