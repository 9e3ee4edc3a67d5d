import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The small Java programs the compatibility tests run Apache Kafka's own classes through (the
 * jars in infra/kafka/libs): each is compiled into a temporary directory for a test run, then
 * given all its cases in one JSON file on one JVM, and answers with a header line and one JSON
 * line per case.
 */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kafkaLibs = join(repoRoot, 'infra', 'kafka', 'libs');

/** Throws a message saying how to fetch the jars when any of `required` is missing. */
export function checkKafkaJars(required: readonly RegExp[]): void {
  const files = existsSync(kafkaLibs) ? readdirSync(kafkaLibs) : [];
  const missing = required.filter((pattern) => !files.some((file) => pattern.test(file)));
  if (missing.length > 0) {
    throw new Error(
      `The Apache Kafka jars are missing from ${kafkaLibs} (${missing.map(String).join(', ')}). ` +
        'Fetch them with: mvn -q -f infra/kafka/pom.xml dependency:copy-dependencies',
    );
  }
}

/** A compiled harness in a temporary directory; `dispose` removes it. */
export interface CompiledHarness {
  classes: string;
  dispose: () => void;
}

/**
 * Compiles the harness at `source` (a .java file) against the Kafka jars, once `required` are
 * known to be there; `tempPrefix` names the temporary directory.
 */
export function compileJavaHarness(
  source: string,
  required: readonly RegExp[],
  tempPrefix: string,
): CompiledHarness {
  checkKafkaJars(required);
  const classes = mkdtempSync(join(tmpdir(), tempPrefix));
  const javac = spawnSync(
    'javac',
    ['--release', '17', '-nowarn', '-cp', join(kafkaLibs, '*'), '-d', classes, source],
    { encoding: 'utf8' },
  );
  if (javac.error || javac.status !== 0) {
    rmSync(classes, { recursive: true, force: true });
    throw new Error(`javac failed (is a JDK 17+ on PATH?): ${javac.error?.message ?? javac.stderr}`);
  }
  return { classes, dispose: () => rmSync(classes, { recursive: true, force: true }) };
}

export interface HarnessRun<R extends { id: string }> {
  javaVersion: number;
  results: Map<string, R>;
}

/**
 * Runs the compiled harness whose main class is `source`'s on `cases` (written as JSON to a
 * temporary file, its path the one argument), with `java` (default: the one on PATH) and
 * `jvmArgs` before the class path; the results are keyed by their `id`.
 */
export function runJavaHarness<R extends { id: string }>(options: {
  classes: string;
  source: string;
  cases: unknown;
  tempPrefix: string;
  java?: string;
  jvmArgs?: readonly string[];
}): HarnessRun<R> {
  const { classes, source, cases, tempPrefix, java = 'java', jvmArgs = [] } = options;
  const dir = mkdtempSync(join(tmpdir(), tempPrefix));
  try {
    const casesFile = join(dir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    const run = spawnSync(
      java,
      [
        '-Xshare:auto',
        ...jvmArgs,
        '-cp',
        `${classes}:${join(kafkaLibs, '*')}`,
        basename(source, '.java'),
        casesFile,
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.error || run.status !== 0) {
      throw new Error(`${java} failed: ${run.error?.message ?? run.stderr}`);
    }
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('{'));
    const header = JSON.parse(lines[0] ?? '{}') as { javaVersion?: string };
    const results = new Map<string, R>();
    for (const line of lines.slice(1)) {
      const result = JSON.parse(line) as R;
      results.set(result.id, result);
    }
    return { javaVersion: Number(header.javaVersion), results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
