import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompiledHarness,
  compileJavaHarness,
  type HarnessRun,
  runJavaHarness,
} from '../support/java-harness.js';

/**
 * Runs Apache Kafka's Boolean/Double/Float/Integer/Long/Short converters (from the jars in
 * infra/kafka/libs) through the small Java program in ./java, compiled into a temporary
 * directory for each test run.
 */
const harnessSource = join(dirname(fileURLToPath(import.meta.url)), 'java', 'NumberConvertersHarness.java');

export type ConverterName =
  | 'BooleanConverter'
  | 'DoubleConverter'
  | 'FloatConverter'
  | 'IntegerConverter'
  | 'LongConverter'
  | 'ShortConverter';

/** A Java value: its class (by kind) and its text as that class's valueOf parses it (bytes: base64). */
export type JavaValue = {
  kind: 'byte' | 'short' | 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string' | 'bytes' | 'null';
  text?: string;
};

interface CaseBase {
  id: string;
  converter: ConverterName;
  isKey: boolean;
  header: boolean;
}

/** fromConnectData (or fromConnectHeader) of the value under the schema (a Schema.Type name, OPTIONAL_ + one, or null). */
export type JavaWriteCase = CaseBase & { schema: string | null; value: JavaValue };
/** toConnectData (or toConnectHeader) of base64 bytes, or null. */
export type JavaReadCase = CaseBase & { input: string | null };
export type JavaCase = JavaWriteCase | JavaReadCase;

export interface JavaError {
  class: string;
  message: string;
  causeClass?: string;
  causeMessage?: string;
}

export type JavaResult =
  | { id: string; ok: true; output: string | null }
  | {
      id: string;
      ok: true;
      schema: { type: string; optional: boolean };
      value: { class: string; text: string; bits?: string } | null;
    }
  | { id: string; ok: false; error: JavaError };

export type JavaRun = HarnessRun<JavaResult>;

const REQUIRED_JARS = [
  /^connect-runtime-.*\.jar$/,
  /^connect-api-.*\.jar$/,
  /^kafka-clients-.*\.jar$/,
  /^jackson-databind-.*\.jar$/,
];

/** A compiled harness in a temporary directory; `dispose` removes it. */
export function compileHarness(): CompiledHarness {
  return compileJavaHarness(harnessSource, REQUIRED_JARS, 'number-converters-harness-');
}

/** Runs the cases on one JVM (the `java` on PATH). */
export function runHarness(classes: string, cases: readonly JavaCase[]): JavaRun {
  return runJavaHarness({ classes, source: harnessSource, cases, tempPrefix: 'number-converters-cases-' });
}
