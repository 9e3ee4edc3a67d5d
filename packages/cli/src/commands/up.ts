import { describeKafkaError } from '@msa-sync/kafka';
import {
  CONNECT_URL,
  defaultBrokerSettings,
  isKafkaAnswering,
  stackPaths,
  startBroker,
  startConnectWorkerProcess,
  stopBroker,
  stopConnectWorkerProcess,
} from '@msa-sync/stack';
import { parseFlags } from '../cli-args.js';
import { CommandError } from '../cli-errors.js';

export const upUsage = `Usage: msa-sync up
  Starts what msa-sync needs and is not running yet: the Apache Kafka broker (fetched from Maven
  Central on first use, KRaft storage under .data/kafka) and the Connect worker on :8083. With KAFKA_BOOTSTRAP_SERVERS set, that
  cluster is used and nothing is provisioned. Running it again reuses what already runs.`;

export async function upCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) return out(upUsage);
  const external = process.env.KAFKA_BOOTSTRAP_SERVERS;
  const rows: [string, string, string][] = [];
  const paths = stackPaths();
  let bootstrap: string;
  if (external) {
    const first = external.split(',')[0]?.trim() ?? external;
    if (!(await isKafkaAnswering(first, 5000))) {
      throw new CommandError(describeKafkaError(new Error('Cannot connect to any broker.'), [external]));
    }
    rows.push(['Kafka', external, 'external (KAFKA_BOOTSTRAP_SERVERS): nothing provisioned']);
    bootstrap = external;
  } else {
    const broker = await startBroker(paths, defaultBrokerSettings, out);
    rows.push([
      'Kafka broker',
      broker.bootstrap,
      `${broker.state}${broker.pid ? ` (pid ${broker.pid})` : ''}, controller ${defaultBrokerSettings.host}:${defaultBrokerSettings.controllerPort}, log ${broker.log}`,
    ]);
    bootstrap = broker.bootstrap;
  }
  const worker = await startConnectWorkerProcess(paths, bootstrap);
  rows.push([
    'Connect worker',
    CONNECT_URL,
    `${worker.state}${worker.pid ? ` (pid ${worker.pid})` : ''}, config/connect-distributed.properties, log ${worker.log}`,
  ]);
  out('');
  out('msa-sync is up:');
  for (const [what, where, note] of rows) out(`  ${what.padEnd(16)} ${where.padEnd(22)} ${note}`);
  out('');
  out(`Try: curl ${CONNECT_URL}/connectors   ·   npx msa-sync topics --list   ·   stop with: npm stop`);
}

export const downUsage = `Usage: msa-sync down
  Stops what \`msa-sync up\` started (a cluster named by KAFKA_BOOTSTRAP_SERVERS is never touched).`;

export async function downCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) return out(downUsage);
  const paths = stackPaths();
  const worker = await stopConnectWorkerProcess(paths);
  out(`Connect worker: ${worker === 'not-running' ? 'not running' : worker}`);
  const result = await stopBroker(paths);
  out(
    result === 'not-running'
      ? 'Kafka broker: not running (nothing started by msa-sync)'
      : `Kafka broker: ${result === 'killed' ? 'killed after the grace period' : 'stopped'}`,
  );
}
