import {
  CONNECT_URL,
  connectWorkerFiles,
  connectWorkerUrl,
  extraWorkersStarted,
  isConnectAnswering,
} from './connect-worker-process.js';
import { consoleAnswers, consoleFiles, consoleUrl } from './console-process.js';
import { brokerFiles, defaultBrokerSettings } from './kafka-broker.js';
import { clusterFiles, clusterIsDefault, defaultClusterSettings, isNodeServing } from './kafka-cluster.js';
import { type KeeperState, keeperStateFile, readKeeperState } from './keeper-state.js';
import { isKafkaAnswering, nodeBootstrap } from './kraft-node.js';
import type { StackPaths } from './paths.js';
import { isAlive, readPid } from './pid-file.js';
import { gatewayAnswers, gatewayUrl, orderPidNames, registered, shopFiles } from './shop-services.js';

/** One process `msa-sync up` runs, as `msa-sync status` shows it. */
export interface ProcessStatus {
  name: string;
  where: string;
  /** The keeper's state; 'not running' when no keeper of ours is alive. */
  state: KeeperState['state'] | 'not running';
  pid: number | undefined;
  uptimeMs: number | undefined;
  restarts: number;
  /** Serves what it is for: the broker answers metadata, the worker lists connectors, a service is UP in the registry. */
  healthy: boolean;
  lastExit: KeeperState['lastExit'];
  log: string;
}

interface Watched {
  name: string;
  where: string;
  pidFile: string;
  log: string;
  healthy: () => Promise<boolean>;
}

const instanceNumber = (name: string) => Number(name.slice('order-service-'.length));

function watched(paths: StackPaths): Watched[] {
  const broker = brokerFiles(paths);
  const bootstrap = `${defaultBrokerSettings.host}:${defaultBrokerSettings.port}`;
  const worker = connectWorkerFiles(paths);
  const shop = shopFiles(paths);
  const service = (name: string): Watched => ({
    name,
    where: '(gateway registry)',
    pidFile: shop.pid(name),
    log: shop.log(name),
    healthy: async () => (await registered(name)) !== undefined,
  });
  const list: Watched[] = [];
  // A cluster named by KAFKA_BOOTSTRAP_SERVERS is not ours to watch.
  if (!process.env.KAFKA_BOOTSTRAP_SERVERS && watchesCluster(paths)) {
    const cluster = clusterFiles(paths);
    for (const node of defaultClusterSettings().nodes) {
      const files = cluster.node(node.nodeId);
      list.push({
        name: `Kafka node ${node.nodeId}`,
        where: nodeBootstrap(node),
        pidFile: files.pid,
        log: files.log,
        healthy: () => isNodeServing(node),
      });
    }
  } else if (!process.env.KAFKA_BOOTSTRAP_SERVERS) {
    list.push({
      name: 'Kafka broker',
      where: bootstrap,
      pidFile: broker.pid,
      log: broker.log,
      healthy: () => isKafkaAnswering(bootstrap),
    });
  }
  list.push(
    {
      name: 'Connect worker',
      where: CONNECT_URL,
      pidFile: worker.pid,
      log: worker.log,
      healthy: () => isConnectAnswering(),
    },
    ...extraWorkersStarted(paths).map((n): Watched => {
      const files = connectWorkerFiles(paths, n);
      const url = connectWorkerUrl(n);
      return {
        name: `Connect worker ${n}`,
        where: url,
        pidFile: files.pid,
        log: files.log,
        healthy: () => isConnectAnswering(url),
      };
    }),
    {
      name: 'gateway',
      where: gatewayUrl(),
      pidFile: shop.pid('gateway'),
      log: shop.log('gateway'),
      healthy: gatewayAnswers,
    },
    service('user-service'),
    service('catalog-service'),
    ...orderPidNames(shop.dir)
      .sort((a, b) => instanceNumber(a) - instanceNumber(b))
      .map(service),
    {
      name: 'console',
      where: consoleUrl(),
      pidFile: consoleFiles(paths).pid,
      log: consoleFiles(paths).log,
      healthy: () => consoleAnswers(),
    },
  );
  return list;
}

/**
 * The three nodes of `up --brokers 3` are watched while any of them runs under a keeper of ours,
 * when MSA_BROKERS=3 asks for them, or when only the cluster ever ran here; otherwise the single
 * broker.
 */
function watchesCluster(paths: StackPaths): boolean {
  return process.env.MSA_BROKERS?.trim() === '3' || clusterIsDefault(paths);
}

/** What runs of the stack `msa-sync up` started under `paths`, each probed once. */
export async function stackStatus(paths: StackPaths, now = Date.now()): Promise<ProcessStatus[]> {
  return Promise.all(
    watched(paths).map(async (w): Promise<ProcessStatus> => {
      const keeper = readPid(w.pidFile);
      const kept =
        keeper !== undefined && isAlive(keeper) ? readKeeperState(keeperStateFile(w.pidFile)) : undefined;
      const running = kept?.state === 'running' && kept.childPid !== null;
      return {
        name: w.name,
        where: w.where,
        state: kept?.state ?? 'not running',
        pid: running ? (kept?.childPid ?? undefined) : undefined,
        uptimeMs: running && kept?.startedAt ? now - Date.parse(kept.startedAt) : undefined,
        restarts: kept?.restarts ?? 0,
        healthy: await w.healthy(),
        lastExit: kept?.lastExit ?? null,
        log: w.log,
      };
    }),
  );
}
