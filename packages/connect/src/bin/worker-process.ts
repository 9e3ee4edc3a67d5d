import { readFileSync } from 'node:fs';
import { parseJavaProperties } from '../worker/java-properties.js';
import { WorkerConfigError } from '../worker/worker-config.js';

// What both worker modes (distributed and standalone) do around their herder as a process: the
// usage text, reading the worker properties, stopping on a signal.

export const connectUsage = `Usage: msa-sync-connect <connect-distributed.properties>
       msa-sync-connect --standalone <worker.properties> [connector1.properties connector2.json ...]
  Starts a Kafka Connect-compatible worker, reading the same keys as Apache Kafka's
  connect-distributed (bootstrap.servers, group.id, key/value.converter, *.storage.topic,
  listeners, offset.flush.interval.ms, ...). Workers sharing a group.id form one cluster.
  --standalone runs one worker on its own, as Apache's connect-standalone: connector configs and
  statuses in memory, source offsets in offset.storage.file.filename (required); each connector
  file (Java properties, a JSON config map or a JSON {"name", "config"} create request) is created
  at start. See docs/connect/standalone.md.
  KAFKA_BOOTSTRAP_SERVERS overrides bootstrap.servers. MSA_LOG_LEVEL sets the log level (INFO).`;

/** Reads a worker properties file; a missing or unreadable file is a {@link WorkerConfigError}. */
export function readWorkerProperties(propertiesFile: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(propertiesFile, 'utf8');
  } catch (error) {
    throw new WorkerConfigError(
      `Cannot read worker properties ${propertiesFile}: ${(error as Error).message}`,
    );
  }
  return parseJavaProperties(text);
}

/** Runs until SIGINT or SIGTERM, then stops the worker (tasks flush offsets and commit). */
export async function untilSignalled(worker: { stop(): Promise<void> }): Promise<void> {
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      process.stderr.write('Stopping the Connect worker...\n');
      worker.stop().finally(resolve);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}
