import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createAdmin } from '@msa-sync/kafka';
import { type DetachedStart, startDetached } from './detached-process.js';
import { kafkaJavaArgs } from './kafka-dist.js';
import type { StackPaths } from './paths.js';
import { isPortOpen } from './tcp-probe.js';

/**
 * What the single broker (kafka-broker.ts) and each node of the 3-node cluster (kafka-cluster.ts)
 * share: a combined KRaft node, broker and controller in one JVM, its files, its storage
 * formatting and its start under a keeper.
 */
export interface KraftNode {
  nodeId: number;
  host: string;
  /** Client (PLAINTEXT) port. */
  port: number;
  controllerPort: number;
  heap: string;
}

/** What every node of one cluster agrees on. */
export interface KraftQuorum {
  /** host:port of every controller (controller.quorum.bootstrap.servers). */
  controllers: readonly string[];
  /** Replicas of new topics and of the internal ones (offsets, transaction and share state). */
  replicationFactor: number;
  /** min.insync.replicas of new topics and of the internal ones. */
  minInsyncReplicas: number;
}

/** A node's state in a directory of its own: KRaft logs, the properties written, pid and server log. */
export function kraftNodeFiles(dir: string) {
  return {
    dir,
    logDir: join(dir, 'kraft-logs'),
    properties: join(dir, 'server.properties'),
    pid: join(dir, 'broker.pid'),
    log: join(dir, 'server.log'),
  };
}

export type KraftNodeFiles = ReturnType<typeof kraftNodeFiles>;

export function nodeBootstrap(node: Pick<KraftNode, 'host' | 'port'>): string {
  return `${node.host}:${node.port}`;
}

export function renderKraftProperties(node: KraftNode, quorum: KraftQuorum, logDir: string): string {
  const { host, port, controllerPort } = node;
  const { replicationFactor: rf, minInsyncReplicas: isr } = quorum;
  return [
    '# Written by msa-sync (packages/stack); edit settings through MSA_KAFKA_* variables instead.',
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `controller.quorum.bootstrap.servers=${quorum.controllers.join(',')}`,
    `log.dirs=${logDir}`,
    'num.partitions=1',
    // Internal topics cannot have more replicas than there are brokers.
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${isr}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${isr}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${isr}`,
    // Groups form at once instead of waiting 3 s for more members: quicker tests and start-up.
    'group.initial.rebalance.delay.ms=0',
    // The seed's console producer writes to topics nobody created first.
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id (or a controller's directory id): 16 random bytes in URL-safe base64
 * without padding, never starting with '-', which the storage tool's argument parser would read
 * as an option (one id in 64 did, and formatting failed with "argument --cluster-id/-t: expected
 * one argument"). Kafka's own Uuid.randomUuid() draws again for the same reason.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function isFormatted(files: KraftNodeFiles): boolean {
  return existsSync(join(files.logDir, 'meta.properties'));
}

/**
 * Formats a node's storage: `standalone` for a quorum of one, or the `initialControllers` every
 * node of a new cluster is formatted with (`id@host:port:directoryId,...`, KIP-853), the same
 * string and cluster id on each.
 */
export async function formatKraftStorage(
  paths: StackPaths,
  files: KraftNodeFiles,
  clusterId: string,
  quorum: { standalone: true } | { initialControllers: string },
): Promise<void> {
  const tool = spawn(
    'java',
    kafkaJavaArgs(paths, 'kafka.tools.StorageTool', [
      'format',
      ...('standalone' in quorum ? ['--standalone'] : ['--initial-controllers', quorum.initialControllers]),
      '--ignore-formatted',
      '-t',
      clusterId,
      '-c',
      files.properties,
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  tool.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  tool.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    tool.on('error', reject);
    tool.on('close', resolve);
  });
  if (status !== 0) {
    throw new Error(`Formatting KRaft storage in ${files.logDir} failed:\n${output}`);
  }
}

/** True when a Kafka broker (not just any listener) answers a metadata request. */
export async function isKafkaAnswering(bootstrap: string, timeoutMs = 2000): Promise<boolean> {
  return (await brokerIdsSeenBy(bootstrap, timeoutMs)).size > 0;
}

/**
 * The ids of the brokers a node's metadata lists (those registered and not fenced), asking that
 * node only; empty when it does not answer.
 */
export async function brokerIdsSeenBy(bootstrap: string, timeoutMs = 2000): Promise<Set<number>> {
  const [host, port] = splitHostPort(bootstrap);
  if (!(await isPortOpen(host, port, timeoutMs))) return new Set();
  const admin = createAdmin({
    bootstrapServers: [bootstrap],
    clientId: 'msa-sync-probe',
    connectTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
    retries: 0,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return new Set(metadata.brokers.keys());
  } catch {
    return new Set();
  } finally {
    await admin.close().catch(() => {});
  }
}

export function splitHostPort(value: string): [string, number] {
  const i = value.lastIndexOf(':');
  return [value.slice(0, i).replace(/^\[|\]$/g, ''), Number(value.slice(i + 1))];
}

/**
 * Runs a node's JVM under a keeper (detached-process.ts), or reuses the one that is ready
 * already; `ready` says when it serves.
 */
export function startKraftNode(
  paths: StackPaths,
  node: KraftNode,
  files: KraftNodeFiles,
  name: string,
  ready: () => Promise<boolean>,
): Promise<DetachedStart> {
  return startDetached({
    name,
    command: 'java',
    args: kafkaJavaArgs(paths, 'kafka.Kafka', [files.properties], [`-Xms${node.heap}`, `-Xmx${node.heap}`]),
    pidFile: files.pid,
    logFile: files.log,
    ready,
  });
}
