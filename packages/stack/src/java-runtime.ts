import { spawnSync } from 'node:child_process';

export class MissingToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingToolError';
  }
}

/** Apache Kafka 4.x runs on Java 17 or newer. */
export function requireJava(): { version: number } {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new MissingToolError(
      'Java was not found. Apache Kafka 4.x needs a Java 17+ runtime: install one ' +
        '(Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`), or set KAFKA_BOOTSTRAP_SERVERS ' +
        'to use a Kafka cluster that already runs.',
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(run.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new MissingToolError(
      `Java ${major || 'of unknown version'} found; Apache Kafka 4.x needs Java 17 or newer.`,
    );
  }
  return { version: major };
}

export function requireMaven(): void {
  const run = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new MissingToolError(
      'Maven was not found. msa-sync fetches the Apache Kafka jars from Maven Central with it: install it ' +
        '(Debian/Ubuntu: `apt-get install maven`), or set KAFKA_BOOTSTRAP_SERVERS to use a running cluster.',
    );
  }
}
