import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DetachedStart, stopDetached } from './detached-process.js';
import { ensureKafkaJars } from './kafka-dist.js';
import {
  brokerIdsSeenBy,
  formatKraftStorage,
  isFormatted,
  type KraftNode,
  type KraftQuorum,
  kraftNodeFiles,
  newClusterId,
  nodeBootstrap,
  renderKraftProperties,
  startKraftNode,
} from './kraft-node.js';
import type { StackPaths } from './paths.js';
import { isAlive, readPid } from './pid-file.js';
import { isPortOpen } from './tcp-probe.js';

/**
 * A 3-node KRaft cluster on this machine (`msa-sync up --brokers 3`): three combined
 * broker+controller JVMs, each under its own keeper, with distinct ports and data directories
 * under .data/kafka-cluster/node-<id>. Topics get 3 replicas and min.insync.replicas=2, so an
 * acks=all write survives the loss of any one node and is still accepted while one is down.
 */
export const CLUSTER_SIZE = 3;

export interface ClusterSettings {
  nodes: KraftNode[];
}

/**
 * Node i (1..3) listens on MSA_KAFKA_PORT + 2(i-1) and its controller on
 * MSA_KAFKA_CONTROLLER_PORT + 2(i-1): 9092/9093, 9094/9095, 9096/9097 by default, so node 1 is
 * where the single broker would be and the CLI's default bootstrap still finds the cluster.
 */
export function defaultClusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const port = Number(env.MSA_KAFKA_PORT ?? 9092);
  const controllerPort = Number(env.MSA_KAFKA_CONTROLLER_PORT ?? 9093);
  return clusterSettings({
    ports: Array.from({ length: CLUSTER_SIZE }, (_, i) => port + 2 * i),
    controllerPorts: Array.from({ length: CLUSTER_SIZE }, (_, i) => controllerPort + 2 * i),
    heap: env.MSA_KAFKA_HEAP ?? '512m',
  });
}

/** Settings from explicit ports (node ids 1..n); every port must differ from every other. */
export function clusterSettings(options: {
  ports: readonly number[];
  controllerPorts: readonly number[];
  heap: string;
  host?: string;
}): ClusterSettings {
  const { ports, controllerPorts, heap, host = '127.0.0.1' } = options;
  if (ports.length !== CLUSTER_SIZE || controllerPorts.length !== CLUSTER_SIZE) {
    throw new Error(`A cluster has ${CLUSTER_SIZE} nodes: ${CLUSTER_SIZE} client and controller ports`);
  }
  const all = [...ports, ...controllerPorts];
  if (new Set(all).size !== all.length || all.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error(`Cluster ports must be ${all.length} distinct ports, got ${all.join(', ')}`);
  }
  return {
    nodes: ports.map((port, i) => ({
      nodeId: i + 1,
      host,
      port,
      controllerPort: controllerPorts[i] as number,
      heap,
    })),
  };
}

export function clusterQuorum(settings: ClusterSettings): KraftQuorum {
  return {
    controllers: settings.nodes.map((n) => `${n.host}:${n.controllerPort}`),
    replicationFactor: CLUSTER_SIZE,
    minInsyncReplicas: 2,
  };
}

export function clusterBootstrap(settings: ClusterSettings): string {
  return settings.nodes.map(nodeBootstrap).join(',');
}

export function clusterFiles(paths: StackPaths) {
  const dir = join(paths.data, 'kafka-cluster');
  return {
    dir,
    /** The cluster id and each controller's directory id, chosen once when the cluster is formatted. */
    identity: join(dir, 'cluster.json'),
    node: (nodeId: number) => kraftNodeFiles(join(dir, `node-${nodeId}`)),
  };
}

/**
 * True while a keeper of ours runs any node of the cluster under `paths`. Only node ids count
 * (1..CLUSTER_SIZE unless settings say): the ports need not be valid for a cluster, since a single
 * broker's MSA_KAFKA_PORT and MSA_KAFKA_CONTROLLER_PORT may be 2 apart.
 */
export function clusterRunning(paths: StackPaths, settings?: ClusterSettings): boolean {
  const files = clusterFiles(paths);
  const ids = settings?.nodes.map((n) => n.nodeId) ?? Array.from({ length: CLUSTER_SIZE }, (_, i) => i + 1);
  return ids.some((id) => {
    const pid = readPid(files.node(id).pid);
    return pid !== undefined && isAlive(pid);
  });
}

/**
 * What `up` runs when neither --brokers nor MSA_BROKERS says: the cluster while it runs, or when
 * it is the only Kafka that ever ran under `paths` (its data is there, the single broker's is not).
 */
export function clusterIsDefault(paths: StackPaths, settings?: ClusterSettings): boolean {
  return (
    clusterRunning(paths, settings) ||
    (existsSync(clusterFiles(paths).dir) && !existsSync(join(paths.data, 'kafka')))
  );
}

/** A node serves once its own metadata lists it: registered with the quorum and unfenced. */
export async function isNodeServing(node: KraftNode, timeoutMs = 2000): Promise<boolean> {
  return (await brokerIdsSeenBy(nodeBootstrap(node), timeoutMs)).has(node.nodeId);
}

export type NodeStart = DetachedStart & { nodeId: number; bootstrap: string; controller: string };
export type ClusterStart = { bootstrap: string; nodes: NodeStart[] };

interface ClusterIdentity {
  clusterId: string;
  directoryIds: Record<string, string>;
}

/**
 * Starts the three nodes at once (none serves before a majority of controllers runs), or reuses
 * those already serving. Storage is formatted the first time only, every node with the same
 * cluster id and initial controller set; a cluster whose nodes are only partly formatted is
 * refused rather than guessed at.
 */
export async function startCluster(
  paths: StackPaths,
  settings: ClusterSettings = defaultClusterSettings(),
  log: (line: string) => void = () => {},
): Promise<ClusterStart> {
  const files = clusterFiles(paths);
  const quorum = clusterQuorum(settings);
  const bootstrap = clusterBootstrap(settings);
  const toStart: KraftNode[] = [];
  for (const node of settings.nodes) {
    const pid = readPid(files.node(node.nodeId).pid);
    if (pid !== undefined && isAlive(pid)) continue;
    if (await isNodeServing(node)) continue;
    for (const port of [node.port, node.controllerPort]) {
      if (await isPortOpen(node.host, port)) {
        throw new Error(
          `Port ${port} (Kafka node ${node.nodeId}) is taken by something msa-sync did not start; free it or set MSA_KAFKA_PORT / MSA_KAFKA_CONTROLLER_PORT.`,
        );
      }
    }
    toStart.push(node);
  }
  if (toStart.length > 0) {
    await ensureKafkaJars(paths, log);
    for (const node of settings.nodes) {
      const nodeFiles = files.node(node.nodeId);
      mkdirSync(nodeFiles.dir, { recursive: true });
      writeFileSync(nodeFiles.properties, renderKraftProperties(node, quorum, nodeFiles.logDir));
    }
    await formatClusterOnce(paths, settings, files);
    log(`Starting a ${CLUSTER_SIZE}-node Apache Kafka cluster on ${bootstrap}...`);
  }
  const starts = await Promise.allSettled(
    settings.nodes.map(async (node): Promise<NodeStart> => {
      const nodeFiles = files.node(node.nodeId);
      const started = await startKraftNode(
        paths,
        node,
        nodeFiles,
        `Kafka node ${node.nodeId} at ${nodeBootstrap(node)}`,
        () => isNodeServing(node),
      );
      return {
        ...started,
        nodeId: node.nodeId,
        bootstrap: nodeBootstrap(node),
        controller: `${node.host}:${node.controllerPort}`,
      };
    }),
  );
  const failed = starts.find((s) => s.status === 'rejected');
  if (failed) {
    // Half a cluster is no cluster: stop what did start, so the next `up` begins clean.
    await stopCluster(paths, settings);
    throw failed.reason;
  }
  return { bootstrap, nodes: starts.map((s) => (s as PromiseFulfilledResult<NodeStart>).value) };
}

async function formatClusterOnce(
  paths: StackPaths,
  settings: ClusterSettings,
  files: ReturnType<typeof clusterFiles>,
): Promise<void> {
  const formatted = settings.nodes.filter((n) => isFormatted(files.node(n.nodeId)));
  if (formatted.length === settings.nodes.length) return;
  if (formatted.length > 0) {
    throw new Error(
      `Kafka cluster storage under ${files.dir} is formatted on node(s) ${formatted.map((n) => n.nodeId).join(', ')} only. ` +
        'A node that lost its storage must not rejoin as if it had voted before: stop the cluster and remove that directory to start anew.',
    );
  }
  const identity = readIdentity(files.identity) ?? {
    clusterId: newClusterId(),
    directoryIds: Object.fromEntries(settings.nodes.map((n) => [String(n.nodeId), newClusterId()])),
  };
  writeFileSync(files.identity, `${JSON.stringify(identity, null, 2)}\n`);
  // KIP-853: every node is formatted with the same initial voters, each with its directory id.
  const initialControllers = settings.nodes
    .map((n) => `${n.nodeId}@${n.host}:${n.controllerPort}:${identity.directoryIds[String(n.nodeId)]}`)
    .join(',');
  await Promise.all(
    settings.nodes.map((node) =>
      formatKraftStorage(paths, files.node(node.nodeId), identity.clusterId, { initialControllers }),
    ),
  );
}

function readIdentity(file: string): ClusterIdentity | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterIdentity;
}

/** Stops the three nodes together (one at a time, the last would wait for a quorum that is gone). */
export async function stopCluster(
  paths: StackPaths,
  settings: ClusterSettings = defaultClusterSettings(),
): Promise<{ nodeId: number; result: 'stopped' | 'killed' | 'not-running' }[]> {
  const files = clusterFiles(paths);
  return Promise.all(
    settings.nodes.map(async (n) => ({
      nodeId: n.nodeId,
      result: await stopDetached(files.node(n.nodeId).pid),
    })),
  );
}
