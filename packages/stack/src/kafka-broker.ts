import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopDetached } from './detached-process.js';
import { ensureKafkaJars } from './kafka-dist.js';
import {
  formatKraftStorage,
  isFormatted,
  isKafkaAnswering,
  type KraftQuorum,
  kraftNodeFiles,
  newClusterId,
  renderKraftProperties,
  startKraftNode,
} from './kraft-node.js';
import type { StackPaths } from './paths.js';
import { isAlive, readPid } from './pid-file.js';
import { isPortOpen } from './tcp-probe.js';

/** A single-node KRaft broker (broker and controller in one JVM) with its state under .data/kafka. */
export interface BrokerSettings {
  host: string;
  port: number;
  controllerPort: number;
  heap: string;
}

export const defaultBrokerSettings: BrokerSettings = {
  host: '127.0.0.1',
  port: Number(process.env.MSA_KAFKA_PORT ?? 9092),
  controllerPort: Number(process.env.MSA_KAFKA_CONTROLLER_PORT ?? 9093),
  heap: process.env.MSA_KAFKA_HEAP ?? '512m',
};

export function brokerFiles(paths: StackPaths) {
  return kraftNodeFiles(join(paths.data, 'kafka'));
}

/** One node: internal topics cannot have more replicas than brokers. */
function singleQuorum(settings: BrokerSettings): KraftQuorum {
  return {
    controllers: [`${settings.host}:${settings.controllerPort}`],
    replicationFactor: 1,
    minInsyncReplicas: 1,
  };
}

export function renderServerProperties(settings: BrokerSettings, logDir: string): string {
  return renderKraftProperties({ nodeId: 1, ...settings }, singleQuorum(settings), logDir);
}

export type BrokerStart = { state: 'started' | 'reused'; bootstrap: string; pid?: number; log: string };

/**
 * Starts the local broker unless one already answers on its port. Formats KRaft storage the
 * first time only, so topics and offsets survive restarts.
 */
export async function startBroker(
  paths: StackPaths,
  settings: BrokerSettings = defaultBrokerSettings,
  log: (line: string) => void = () => {},
): Promise<BrokerStart> {
  const files = brokerFiles(paths);
  const bootstrap = `${settings.host}:${settings.port}`;
  const existing = readPid(files.pid);
  const starting = existing !== undefined && isAlive(existing);
  if (!starting && !(await isKafkaAnswering(bootstrap))) {
    if (await isPortOpen(settings.host, settings.port)) {
      throw new Error(
        `Port ${settings.port} is taken by something that is not a Kafka broker; free it or set MSA_KAFKA_PORT.`,
      );
    }
    await ensureKafkaJars(paths, log);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.properties, renderServerProperties(settings, files.logDir));
    await formatStorageOnce(paths, files);
    log(`Starting Apache Kafka broker on ${bootstrap}...`);
  }
  // Reuses a broker that answers, or waits for ours if it is still starting.
  const started = await startKraftNode(
    paths,
    { nodeId: 1, ...settings },
    files,
    `Kafka at ${bootstrap}`,
    () => isKafkaAnswering(bootstrap),
  );
  return { ...started, bootstrap };
}

async function formatStorageOnce(paths: StackPaths, files: ReturnType<typeof brokerFiles>): Promise<void> {
  if (isFormatted(files)) return;
  await formatKraftStorage(paths, files, newClusterId(), { standalone: true });
}

export function stopBroker(paths: StackPaths): Promise<'stopped' | 'killed' | 'not-running'> {
  return stopDetached(brokerFiles(paths).pid);
}
