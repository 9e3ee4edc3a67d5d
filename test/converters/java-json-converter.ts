import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompiledHarness,
  compileJavaHarness,
  type HarnessRun,
  runJavaHarness,
} from '../support/java-harness.js';

/**
 * Runs Apache Kafka's JsonConverter (from the jars in infra/kafka/libs) through the small Java
 * program in ./java, compiled into a temporary directory for each test run.
 */
const harnessSource = join(dirname(fileURLToPath(import.meta.url)), 'java', 'JsonConverterHarness.java');

export type JavaCase =
  | { id: string; input: string; read?: Record<string, string>; write?: Record<string, string> }
  | { id: string; float64: string; write?: Record<string, string> }
  | { id: string; float32: string; write?: Record<string, string> };

export type JavaResult =
  | { id: string; ok: true; output: string | null }
  | { id: string; ok: false; stage: 'read' | 'write'; error: string };

export type JavaRun = HarnessRun<JavaResult>;

const REQUIRED_JARS = [
  /^connect-json-.*\.jar$/,
  /^connect-api-.*\.jar$/,
  /^kafka-clients-.*\.jar$/,
  /^jackson-databind-.*\.jar$/,
];

/** A compiled harness in a temporary directory; `dispose` removes it. */
export function compileHarness(): CompiledHarness {
  return compileJavaHarness(harnessSource, REQUIRED_JARS, 'json-converter-harness-');
}

/** Runs the cases on one JVM (`java` on PATH, or `<javaHome>/bin/java`). */
export function runHarness(classes: string, cases: JavaCase[], javaHome?: string): JavaRun {
  const java = javaHome ? join(javaHome, 'bin', 'java') : 'java';
  return runJavaHarness({ classes, source: harnessSource, cases, tempPrefix: 'json-converter-cases-', java });
}

/**
 * JDK homes to run besides the `java` on PATH: those in MSA_SYNC_EXTRA_JAVA_HOMES
 * (colon-separated), else the first JDK 19+ under /usr/lib/jvm, so that both number-printing
 * algorithms (Java 17's and Java 19+'s) are checked when such a JDK is installed.
 */
export function extraJavaHomes(): string[] {
  const configured = process.env.MSA_SYNC_EXTRA_JAVA_HOMES;
  if (configured !== undefined) return configured.split(':').filter(Boolean);
  const base = '/usr/lib/jvm';
  if (!existsSync(base)) return [];
  for (const entry of readdirSync(base).sort()) {
    const release = join(base, entry, 'release');
    if (!existsSync(release) || !existsSync(join(base, entry, 'bin', 'java'))) continue;
    const match = /JAVA_VERSION="(\d+)/.exec(readFileSync(release, 'utf8'));
    if (match && Number(match[1]) >= 19) return [join(base, entry)];
  }
  return [];
}
