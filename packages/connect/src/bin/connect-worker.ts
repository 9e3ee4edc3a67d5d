import { assertClientPatched } from '@msa-sync/kafka';
import { DistributedHerder } from '../herder/distributed-herder.js';
import { getLogger } from '../logging/index.js';
import { PluginRegistry } from '../worker/plugins.js';
import { workerConfig } from '../worker/worker-config.js';
import { builtInPlugins } from './built-in-plugins.js';
import { runStandaloneWorker } from './connect-standalone.js';
import { installLastResortHandlers } from './last-resort-handlers.js';
import { serveRest } from './serve-rest.js';
import { taskThreadSettings } from './task-thread-entry.js';
import { connectUsage, readWorkerProperties, untilSignalled } from './worker-process.js';

export interface RunningWorker {
  herder: DistributedHerder;
  url: string;
  stop(): Promise<void>;
}

/** Starts a worker from a properties file; resolves once it serves REST and joined its cluster. */
export async function startConnectWorker(propertiesFile: string): Promise<RunningWorker> {
  // Before REST listens: an unpatched Kafka client (an --ignore-scripts install) stops the start.
  assertClientPatched();
  const config = workerConfig(readWorkerProperties(propertiesFile));
  const logger = getLogger('org.msa.connect.runtime');
  for (const note of config.notes) logger.info(note);
  const herder = new DistributedHerder({
    config,
    plugins: new PluginRegistry(builtInPlugins({ fileStreamAllowedDirs: config.fileStreamAllowedDirs })),
    logger,
    ...(config.taskThreads ? { taskThreads: taskThreadSettings() } : {}),
  });
  const server = await serveRest(herder, herder.metrics, config, logger);
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
  if (argv[0] === '--standalone') return runStandaloneWorker(argv.slice(1));
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
  await untilSignalled(worker);
  return 0;
}
