import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAdmin } from '@msa-sync/kafka';
import { startDetached, stopDetached } from './detached-process.js';
import { ensureKafkaJars, kafkaJavaArgs } from './kafka-dist.js';
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
  const dir = join(paths.data, 'kafka');
  return {
    dir,
    logDir: join(dir, 'kraft-logs'),
    properties: join(dir, 'server.properties'),
    pid: join(dir, 'broker.pid'),
    log: join(dir, 'server.log'),
  };
}

export function renderServerProperties(settings: BrokerSettings, logDir: string): string {
  const { host, port, controllerPort } = settings;
  return [
    '# Written by msa-sync (packages/stack); edit settings through MSA_KAFKA_* variables instead.',
    'process.roles=broker,controller',
    'node.id=1',
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `controller.quorum.bootstrap.servers=${host}:${controllerPort}`,
    `log.dirs=${logDir}`,
    'num.partitions=1',
    // One node: internal topics cannot have more replicas than brokers.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Groups form at once instead of waiting 3 s for more members: quicker tests and start-up.
    'group.initial.rebalance.delay.ms=0',
    // The seed's console producer writes to topics nobody created first.
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

/** True when a Kafka broker (not just any listener) answers a metadata request. */
export async function isKafkaAnswering(bootstrap: string, timeoutMs = 2000): Promise<boolean> {
  const [host, port] = splitHostPort(bootstrap);
  if (!(await isPortOpen(host, port, timeoutMs))) return false;
  const admin = createAdmin({
    bootstrapServers: [bootstrap],
    clientId: 'msa-sync-probe',
    connectTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
    retries: 0,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}

function splitHostPort(value: string): [string, number] {
  const i = value.lastIndexOf(':');
  return [value.slice(0, i).replace(/^\[|\]$/g, ''), Number(value.slice(i + 1))];
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
    formatStorageOnce(paths, files);
    log(`Starting Apache Kafka broker on ${bootstrap}...`);
  }
  // Reuses a broker that answers, or waits for ours if it is still starting.
  const started = await startDetached({
    name: `Kafka at ${bootstrap}`,
    command: 'java',
    args: kafkaJavaArgs(
      paths,
      'kafka.Kafka',
      [files.properties],
      [`-Xms${settings.heap}`, `-Xmx${settings.heap}`],
    ),
    pidFile: files.pid,
    logFile: files.log,
    ready: () => isKafkaAnswering(bootstrap),
  });
  return { ...started, bootstrap };
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, never starting with
 * '-', which the storage tool's argument parser would read as an option (one id in 64 did, and
 * formatting failed with "argument --cluster-id/-t: expected one argument"). Kafka's own
 * Uuid.randomUuid() draws again for the same reason.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function formatStorageOnce(paths: StackPaths, files: ReturnType<typeof brokerFiles>): void {
  if (existsSync(join(files.logDir, 'meta.properties'))) return;
  const clusterId = newClusterId();
  const run = spawnSync(
    'java',
    kafkaJavaArgs(paths, 'kafka.tools.StorageTool', [
      'format',
      '--standalone',
      '--ignore-formatted',
      '-t',
      clusterId,
      '-c',
      files.properties,
    ]),
    { encoding: 'utf8' },
  );
  if (run.status !== 0) {
    throw new Error(`Formatting KRaft storage failed:\n${run.stdout}${run.stderr}`);
  }
}

export function stopBroker(paths: StackPaths): Promise<'stopped' | 'killed' | 'not-running'> {
  return stopDetached(brokerFiles(paths).pid);
}
