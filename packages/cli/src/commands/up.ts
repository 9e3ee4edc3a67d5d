import { unreachableKafkaMessage } from '@msa-sync/kafka';
import { redactUrl } from '@msa-sync/sql';
import {
  brokerFiles,
  CLUSTER_SIZE,
  CONNECT_URL,
  clusterIsDefault,
  clusterRunning,
  connectWorkerUrl,
  consoleUrl,
  defaultBrokerSettings,
  defaultClusterSettings,
  ensureDatabase,
  extraWorkersStarted,
  gatewayUrl,
  isAlive,
  isKafkaAnswering,
  localDatabaseServer,
  MAX_CONNECT_WORKERS,
  mariadb,
  ORDERS_SINK_NAME,
  orderInstances,
  ordersSinkConfig,
  postgresql,
  readPid,
  registerOrdersSinkPatiently,
  type StackPaths,
  shopDatabaseUrl,
  stackPaths,
  startBroker,
  startCluster,
  startConnectWorkerProcess,
  startConsoleProcess,
  startShopServices,
  stopBroker,
  stopCluster,
  stopConnectWorkerProcess,
  stopConsoleProcess,
  stopShopServices,
} from '@msa-sync/stack';
import { parseFlags } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';

/** The local servers `up` can start, by the name localDatabaseServer gives. */
const localDatabaseServers = { mariadb, postgresql };

export const upUsage = `Usage: msa-sync up [--brokers 1|3] [--workers N]
  Starts what msa-sync needs and is not running yet: the Apache Kafka broker (fetched from Maven
  Central on first use, KRaft storage under .data/kafka), the Connect worker on :8083, the JDBC
  sink connector for \`orders\`, the gateway on :8000, user-service, catalog-service and
  ORDER_INSTANCES (default 2) order-service instances, and the operator console on
  MSA_CONSOLE_PORT (default 8080) (logs under .data/services/). With
  KAFKA_BOOTSTRAP_SERVERS set, that cluster is used and no broker is provisioned. DATABASE_URL
  (a JDBC URL; default jdbc:sqlite:.data/msa.db) is the shared database of the services and the
  sink. Running it again reuses what already runs. Each process runs under a keeper that starts
  it again when it exits on its own (see \`msa-sync status\`).
  --brokers <1|3>  1 (default): one broker on MSA_KAFKA_PORT (9092). 3: a 3-node KRaft cluster on
                   this machine (nodes on 9092/9093, 9094/9095, 9096/9097; state under
                   .data/kafka-cluster/), topics with 3 replicas and min.insync.replicas=2; every
                   process gets all three addresses. Also MSA_BROKERS. Unset, \`up\` keeps the
                   cluster when it runs or is the only Kafka that ran here. With
                   KAFKA_BOOTSTRAP_SERVERS, 3 only raises the replication factor of the Connect
                   worker's internal topics.
  --workers <n>    Connect workers in one group, 1 to ${MAX_CONNECT_WORKERS} (default 1, and 2 with --brokers 3): the
                   first on MSA_CONNECT_PORT (8083), the others on MSA_CONNECT_EXTRA_PORTS (default
                   8085,8086,8087). They share the connectors and their tasks. Also
                   MSA_CONNECT_WORKERS.`;

/** `--workers` or MSA_CONNECT_WORKERS: 1 to MAX_CONNECT_WORKERS, or undefined when neither says. */
export function requestedWorkers(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const [value, source] =
    flag !== undefined ? [flag, '--workers'] : [env.MSA_CONNECT_WORKERS, 'MSA_CONNECT_WORKERS'];
  if (value === undefined || (flag === undefined && value.trim() === '')) return undefined;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONNECT_WORKERS) {
    throw new UsageError(`${source} must be a whole number from 1 to ${MAX_CONNECT_WORKERS}, got '${value}'`);
  }
  return n;
}

/** `--brokers` or MSA_BROKERS: 1 or 3, or undefined when neither says. */
export function requestedBrokers(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): 1 | 3 | undefined {
  const [value, source] = flag !== undefined ? [flag, '--brokers'] : [env.MSA_BROKERS, 'MSA_BROKERS'];
  if (value === undefined || (flag === undefined && value.trim() === '')) return undefined;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (n !== 1 && n !== CLUSTER_SIZE) {
    throw new UsageError(
      `${source} must be 1 (one broker) or ${CLUSTER_SIZE} (a ${CLUSTER_SIZE}-node cluster), got '${value}'`,
    );
  }
  return n;
}

function singleBrokerRunning(paths: StackPaths): boolean {
  const pid = readPid(brokerFiles(paths).pid);
  return pid !== undefined && isAlive(pid);
}

/**
 * What to run: as asked; else the cluster if it runs or is the only Kafka that ran here (so `npm
 * start` after `up --brokers 3` and `down` brings the cluster back); else one broker.
 */
function brokersToRun(paths: StackPaths, asked: 1 | 3 | undefined): 1 | 3 {
  if (asked === undefined) return clusterIsDefault(paths) ? CLUSTER_SIZE : 1;
  const cluster = clusterRunning(paths);
  if (asked === 1 && cluster) {
    throw new CommandError(
      `A ${CLUSTER_SIZE}-node Kafka cluster started by msa-sync runs: run \`msa-sync down\` before \`up --brokers 1\`, or \`up --brokers ${CLUSTER_SIZE}\`.`,
    );
  }
  if (asked === CLUSTER_SIZE && singleBrokerRunning(paths)) {
    throw new CommandError(
      `The single Kafka broker started by msa-sync runs: run \`msa-sync down\` before \`up --brokers ${CLUSTER_SIZE}\`.`,
    );
  }
  return asked;
}

export async function upCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    brokers: { type: 'string' },
    workers: { type: 'string' },
  });
  if (values.help) return out(upUsage);
  const asked = requestedBrokers(values.brokers);
  const askedWorkers = requestedWorkers(values.workers);
  const external = process.env.KAFKA_BOOTSTRAP_SERVERS;
  const rows: [string, string, string][] = [];
  const paths = stackPaths();
  let bootstrap: string;
  // An external cluster is used as it is; `--brokers 3` then only sets the worker's topics' replicas.
  const brokers = external ? (asked ?? 1) : brokersToRun(paths, asked);
  if (external) {
    const first = external.split(',')[0]?.trim() ?? external;
    if (!(await isKafkaAnswering(first, 5000))) {
      throw new CommandError(unreachableKafkaMessage(external));
    }
    rows.push(['Kafka', external, 'external (KAFKA_BOOTSTRAP_SERVERS): nothing provisioned']);
    bootstrap = external;
  } else if (brokers === CLUSTER_SIZE) {
    const cluster = await startCluster(paths, defaultClusterSettings(), out);
    for (const node of cluster.nodes) {
      rows.push([
        `Kafka node ${node.nodeId}`,
        node.bootstrap,
        `${node.state}${node.pid ? ` (pid ${node.pid})` : ''}, controller ${node.controller}, log ${node.log}`,
      ]);
    }
    bootstrap = cluster.bootstrap;
  } else {
    const broker = await startBroker(paths, defaultBrokerSettings, out);
    rows.push([
      'Kafka broker',
      broker.bootstrap,
      `${broker.state}${broker.pid ? ` (pid ${broker.pid})` : ''}, controller ${defaultBrokerSettings.host}:${defaultBrokerSettings.controllerPort}, log ${broker.log}`,
    ]);
    bootstrap = broker.bootstrap;
  }
  // One after the other: the first creates the internal topics and leads the group.
  const workers = askedWorkers ?? (brokers === CLUSTER_SIZE ? 2 : 1);
  let workerLog = '';
  for (let n = 1; n <= workers; n++) {
    const worker = await startConnectWorkerProcess(paths, bootstrap, {
      replicationFactor: brokers,
      worker: n,
    });
    if (n === 1) workerLog = worker.log;
    rows.push([
      n === 1 ? 'Connect worker' : `Connect worker ${n}`,
      connectWorkerUrl(n),
      `${worker.state}${worker.pid ? ` (pid ${worker.pid})` : ''}, config/connect-distributed.properties${n === 1 ? '' : ', same group'}, log ${worker.log}`,
    ]);
  }

  const databaseUrl = shopDatabaseUrl(paths);
  const server = localDatabaseServer(databaseUrl);
  if (server) await ensureDatabase(localDatabaseServers[server], out);
  const services = await startShopServices(paths, {
    bootstrap,
    databaseUrl,
    orderInstances: orderInstances(),
  });
  for (const service of services) {
    rows.push([
      service.name,
      service.url ?? '',
      `${service.state}${service.pid ? ` (pid ${service.pid})` : ''}, log ${service.log}`,
    ]);
  }
  // After the services: order-service has created the `orders` table the sink fills.
  const ordersTopic = process.env.ORDERS_TOPIC || 'orders';
  const sink = await registerOrdersSinkPatiently(
    CONNECT_URL,
    ordersSinkConfig(databaseUrl, {
      topic: ordersTopic,
      user: process.env.DATABASE_USER,
      password: process.env.DATABASE_PASSWORD,
    }),
  ).catch((error: unknown) => {
    throw new CommandError(
      `The Connect worker at ${CONNECT_URL} did not take the orders sink: ${(error as Error).message}. ` +
        `Its log: ${workerLog}. \`npx msa-sync status\` shows what runs; \`npm stop\` stops it.`,
    );
  });
  rows.push([
    'JDBC sink',
    `${CONNECT_URL}/connectors/${ORDERS_SINK_NAME}`,
    sink === 'plugin-missing'
      ? 'not registered: this worker has no JdbcSinkConnector yet (orders reach the topic only)'
      : `${sink}: topic ${ordersTopic} -> table orders (upsert on order_id) in ${redactUrl(databaseUrl)}`,
  ]);

  // The operator console last: it shows all of the above. A console that does not start (its port
  // taken) is reported; the stack itself is up.
  const consoleRow = await startConsoleProcess(paths, { bootstrap, databaseUrl }).then(
    (started) => `${started.state}${started.pid ? ` (pid ${started.pid})` : ''}, log ${started.log}`,
    async (error: unknown) => {
      await stopConsoleProcess(paths);
      return `not started: ${(error as Error).message} (MSA_CONSOLE_PORT chooses another port)`;
    },
  );
  rows.push(['Console', consoleUrl(), consoleRow]);

  out('');
  out('msa-sync is up:');
  for (const [what, where, note] of rows) out(`  ${what.padEnd(16)} ${where.padEnd(26)} ${note}`);
  const gateway = gatewayUrl();
  out('');
  out(`Open the operator console: ${consoleUrl()}`);
  out('');
  out('Try the shop through the gateway (the README walks through it):');
  out(`  curl -s -X POST ${gateway}/user-service/users -H 'content-type: application/json' \\`);
  out(`    -d '{"email":"kim@example.com","name":"Kim","pwd":"test12345"}'`);
  out(`  LOGIN=$(curl -s -X POST ${gateway}/user-service/login -H 'content-type: application/json' \\`);
  out(`    -d '{"email":"kim@example.com","password":"test12345"}')`);
  out('  TOKEN=$(echo "$LOGIN" | jq -r .token); USER_ID=$(echo "$LOGIN" | jq -r .userId)');
  out(`  curl -s ${gateway}/catalog-service/catalogs | jq`);
  out(`  curl -s -X POST ${gateway}/order-service/$USER_ID/orders -H "authorization: Bearer $TOKEN" \\`);
  out(
    `    -H 'content-type: application/json' -d '{"productId":"CATALOG-001","qty":10,"unitPrice":1500}' | jq`,
  );
  out(`  curl -s ${gateway}/order-service/$USER_ID/orders -H "authorization: Bearer $TOKEN" | jq`);
  out('');
  out(
    `Also: curl ${CONNECT_URL}/connectors   ·   npx msa-sync topics --list   ·   npx msa-sync status   ·   stop with: npm stop`,
  );
}

export const downUsage = `Usage: msa-sync down
  Stops what \`msa-sync up\` started: the console, the services, the Connect workers, the broker or
  the three nodes of \`up --brokers 3\` (a cluster named by KAFKA_BOOTSTRAP_SERVERS is never touched).`;

export async function downCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) return out(downUsage);
  const paths = stackPaths();
  const consoleResult = await stopConsoleProcess(paths);
  out(`console: ${consoleResult === 'not-running' ? 'not running' : consoleResult}`);
  for (const { name, result } of await stopShopServices(paths)) {
    out(`${name}: ${result === 'not-running' ? 'not running' : result}`);
  }
  for (const n of extraWorkersStarted(paths).reverse()) {
    const worker = await stopConnectWorkerProcess(paths, n);
    out(`Connect worker ${n}: ${worker === 'not-running' ? 'not running' : worker}`);
  }
  const worker = await stopConnectWorkerProcess(paths);
  out(`Connect worker: ${worker === 'not-running' ? 'not running' : worker}`);
  const [result, nodes] = await Promise.all([stopBroker(paths), stopCluster(paths)]);
  const stopped = (what: string, r: typeof result) =>
    `${what}: ${r === 'killed' ? 'killed after the grace period' : 'stopped'}`;
  const clusterNodes = nodes.filter((n) => n.result !== 'not-running');
  for (const node of clusterNodes) out(stopped(`Kafka node ${node.nodeId}`, node.result));
  if (result !== 'not-running') out(stopped('Kafka broker', result));
  else if (clusterNodes.length === 0) out('Kafka broker: not running (nothing started by msa-sync)');
}
