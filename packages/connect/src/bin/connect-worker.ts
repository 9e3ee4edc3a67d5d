import { readFileSync } from 'node:fs';
import { DistributedHerder } from '../herder/distributed-herder.js';
import { getLogger, loggerRegistry } from '../logging/index.js';
import { createRestServer } from '../rest/index.js';
import { parseJavaProperties } from '../worker/java-properties.js';
import { builtInPlugins, PluginRegistry } from '../worker/plugins.js';
import { isLoopbackHost, loadRestCredentials } from '../worker/rest-security-config.js';
import { WorkerConfigError, workerConfig } from '../worker/worker-config.js';
import { installLastResortHandlers } from './last-resort-handlers.js';

export const connectUsage = `Usage: msa-sync-connect <connect-distributed.properties>
  Starts a Kafka Connect-compatible worker in distributed mode, reading the same keys as Apache
  Kafka's connect-distributed (bootstrap.servers, group.id, key/value.converter, *.storage.topic,
  listeners, offset.flush.interval.ms, ...). Workers sharing a group.id form one cluster.
  KAFKA_BOOTSTRAP_SERVERS overrides bootstrap.servers. MSA_LOG_LEVEL sets the log level (INFO).`;

export interface RunningWorker {
  herder: DistributedHerder;
  url: string;
  stop(): Promise<void>;
}

/** Starts a worker from a properties file; resolves once it serves REST and joined its cluster. */
export async function startConnectWorker(propertiesFile: string): Promise<RunningWorker> {
  let text: string;
  try {
    text = readFileSync(propertiesFile, 'utf8');
  } catch (error) {
    throw new WorkerConfigError(
      `Cannot read worker properties ${propertiesFile}: ${(error as Error).message}`,
    );
  }
  const config = workerConfig(parseJavaProperties(text));
  const credentials = config.restSecurity.enabled ? loadRestCredentials(config.restSecurity) : undefined;
  const logger = getLogger('org.msa.connect.runtime');
  for (const note of config.notes) logger.info(note);
  const herder = new DistributedHerder({
    config,
    plugins: new PluginRegistry(builtInPlugins({ fileStreamAllowedDirs: config.fileStreamAllowedDirs })),
    logger,
  });
  const server = createRestServer({
    herder,
    advertisedUrl: herder.url,
    logger: getLogger('org.msa.connect.rest'),
    loggers: loggerRegistry,
    ...(credentials ? { credentials } : {}),
    ...(isLoopbackHost(config.restHost)
      ? { hostCheck: { names: [config.advertisedHost], ports: [config.advertisedPort] } }
      : {}),
  });
  server.get('/metrics', async (_request, reply) => {
    reply.header('content-type', herder.metrics.registry.contentType);
    return herder.metrics.registry.metrics();
  });
  await server.listen({ host: config.restHost, port: config.restPort });
  // After listen, an accept failure (EMFILE, ...) is an 'error' event on the HTTP server; unheard
  // it would end the process. Requests on other connections go on.
  server.server.on('error', (error: unknown) => logger.error({ err: error }, 'REST server error'));
  logger.info(
    {
      url: herder.url,
      listen: `${config.restHost}:${config.restPort}`,
      authentication: credentials
        ? [credentials.basicUsers ? 'basic' : '', credentials.bearerToken ? 'bearer' : ''].filter(Boolean)
        : 'none (loopback only)',
    },
    'REST API listening',
  );
  if (!isLoopbackHost(config.restHost)) {
    // HTTPS listeners are not supported yet: say plainly what that means for the credentials.
    logger.warn(
      { listen: config.restHost },
      'REST listens beyond loopback over plain HTTP: credentials cross the network unencrypted; put a TLS-terminating proxy in front',
    );
  }
  try {
    await herder.start();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    herder,
    url: herder.url,
    stop: async () => {
      await herder.stop();
      await server.close();
    },
  };
}

/** The `msa-sync-connect` / `msa-sync connect` entry point; returns the process exit code. */
export async function runConnectWorker(argv: string[]): Promise<number> {
  const [file, ...extra] = argv;
  if (!file || file === '--help' || file === '-h' || extra.length > 0) {
    process.stderr.write(`${connectUsage}\n`);
    return file === '--help' || file === '-h' ? 0 : 2;
  }
  installLastResortHandlers(getLogger('org.msa.connect.runtime'));
  let worker: RunningWorker;
  try {
    worker = await startConnectWorker(file);
  } catch (error) {
    process.stderr.write(`msa-sync-connect: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`Connect worker ${worker.herder.workerId} is up: REST API at ${worker.url}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      process.stderr.write('Stopping the Connect worker...\n');
      worker.stop().finally(resolve);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  return 0;
}
