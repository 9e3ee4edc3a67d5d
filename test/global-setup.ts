import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  type BrokerStart,
  defaultBrokerSettings,
  ensureDatabase,
  ensureKafkaJars,
  isKafkaAnswering,
  mariadb,
  postgresql,
  repoRoot,
  stackPaths,
  startBroker,
  stopBroker,
} from '@msa-sync/stack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrap: string;
  }
}

/**
 * Every test run brings its own infrastructure: the databases are started when down, and a
 * broker is started unless one already answers (KAFKA_BOOTSTRAP_SERVERS or the one `npm start`
 * runs). A broker this run started is stopped at the end.
 */
export default async function setup(project: TestProject) {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  await Promise.all([ensureDatabase(mariadb, log), ensureDatabase(postgresql, log)]);
  // The shims and the JsonConverter compatibility test run Apache's own classes from these jars.
  await ensureKafkaJars(stackPaths(), log);
  // The console's browser tests drive Debian's chromium; installed here when missing (as root). A
  // failure is only reported: those tests then fail with the reason, the others run.
  const chromium = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'ensure-chromium.mjs')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 900_000,
  });
  if (chromium.status !== 0) log(`chromium for the console tests: ${chromium.stderr.toString().trim()}`);

  const external = process.env.KAFKA_BOOTSTRAP_SERVERS;
  let started: BrokerStart | undefined;
  let bootstrap: string;
  if (external) {
    if (!(await isKafkaAnswering(external.split(',')[0] ?? external, 5000))) {
      throw new Error(`KAFKA_BOOTSTRAP_SERVERS=${external} does not answer`);
    }
    bootstrap = external;
  } else {
    const broker = await startBroker(stackPaths(), defaultBrokerSettings, log);
    if (broker.state === 'started') started = broker;
    bootstrap = broker.bootstrap;
  }
  project.provide('kafkaBootstrap', bootstrap);
  process.env.KAFKA_BOOTSTRAP_SERVERS = bootstrap;

  return async () => {
    if (started) await stopBroker(stackPaths());
  };
}
