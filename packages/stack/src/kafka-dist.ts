import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireJava, requireMaven } from './java-runtime.js';
import type { StackPaths } from './paths.js';

/**
 * The Apache Kafka distribution msa-sync runs: plain jars from Maven Central, copied by
 * `infra/kafka/pom.xml` into infra/kafka/libs. A stamp of the pom's hash tells when to fetch again.
 */
const STAMP = '.pom-sha256';

function pomHash(paths: StackPaths): string {
  return createHash('sha256')
    .update(readFileSync(join(paths.kafkaInfra, 'pom.xml')))
    .digest('hex');
}

export function kafkaJarsPresent(paths: StackPaths): boolean {
  const stamp = join(paths.kafkaLibs, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === pomHash(paths);
}

export async function ensureKafkaJars(
  paths: StackPaths,
  log: (line: string) => void = () => {},
): Promise<void> {
  requireJava();
  if (kafkaJarsPresent(paths)) return;
  requireMaven();
  log('Fetching Apache Kafka jars from Maven Central (infra/kafka/pom.xml)...');
  rmSync(paths.kafkaLibs, { recursive: true, force: true });
  mkdirSync(paths.kafkaLibs, { recursive: true });
  const code = await new Promise<number>((resolve, reject) => {
    const mvn = spawn(
      'mvn',
      ['-q', '-B', '-f', join(paths.kafkaInfra, 'pom.xml'), 'dependency:copy-dependencies'],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    mvn.on('error', reject);
    mvn.on('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0)
    throw new Error(`Fetching the Kafka jars failed (mvn exited with ${code}); see the output above.`);
  if (!readdirSync(paths.kafkaLibs).some((f) => f.startsWith('kafka_2.13-'))) {
    throw new Error(`Maven finished but no kafka_2.13 jar is in ${paths.kafkaLibs}`);
  }
  writeFileSync(join(paths.kafkaLibs, STAMP), `${pomHash(paths)}\n`);
}

/** `java` arguments that run one of Kafka's main classes with our log4j2 configuration. */
export function kafkaJavaArgs(
  paths: StackPaths,
  mainClass: string,
  args: readonly string[],
  jvm: readonly string[] = [],
): string[] {
  return [
    ...jvm,
    `-Dlog4j2.configurationFile=${join(paths.kafkaInfra, 'log4j2.properties')}`,
    '-cp',
    join(paths.kafkaLibs, '*'),
    mainClass,
    ...args,
  ];
}
