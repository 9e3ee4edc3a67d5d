import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs Apache Kafka's JsonConverter (from the jars in infra/kafka/libs) through the small Java
 * program in ./java, compiled into a temporary directory for each test run.
 */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kafkaLibs = join(repoRoot, 'infra', 'kafka', 'libs');
const harnessSource = join(dirname(fileURLToPath(import.meta.url)), 'java', 'JsonConverterHarness.java');

export type JavaCase =
  | { id: string; input: string; read?: Record<string, string>; write?: Record<string, string> }
  | { id: string; float64: string; write?: Record<string, string> }
  | { id: string; float32: string; write?: Record<string, string> };

export type JavaResult =
  | { id: string; ok: true; output: string | null }
  | { id: string; ok: false; stage: 'read' | 'write'; error: string };

export interface JavaRun {
  javaVersion: number;
  results: Map<string, JavaResult>;
}

const REQUIRED_JARS = [
  /^connect-json-.*\.jar$/,
  /^connect-api-.*\.jar$/,
  /^kafka-clients-.*\.jar$/,
  /^jackson-databind-.*\.jar$/,
];

/** Throws a message saying how to fetch the jars when they are missing. */
export function checkKafkaJars(): void {
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
export function compileHarness(): { classes: string; dispose: () => void } {
  checkKafkaJars();
  const classes = mkdtempSync(join(tmpdir(), 'json-converter-harness-'));
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

/** Runs the cases on one JVM (`java` on PATH, or `<javaHome>/bin/java`). */
export function runHarness(classes: string, cases: JavaCase[], javaHome?: string): JavaRun {
  const dir = mkdtempSync(join(tmpdir(), 'json-converter-cases-'));
  try {
    const casesFile = join(dir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    const java = javaHome ? join(javaHome, 'bin', 'java') : 'java';
    const run = spawnSync(
      java,
      ['-Xshare:auto', '-cp', `${classes}:${join(kafkaLibs, '*')}`, 'JsonConverterHarness', casesFile],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.error || run.status !== 0) {
      throw new Error(`${java} failed: ${run.error?.message ?? run.stderr}`);
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
