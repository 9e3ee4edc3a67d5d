import { assertClientPatched } from '@msa-sync/kafka';
import { ConnectError } from '../errors/connect-error.js';
import { StandaloneHerder } from '../herder/standalone-herder.js';
import { getLogger } from '../logging/index.js';
import { PluginRegistry } from '../worker/plugins.js';
import { standaloneWorkerConfig } from '../worker/standalone-config.js';
import { builtInPlugins } from './built-in-plugins.js';
import { type ConnectorFile, ConnectorFileError, readConnectorFile } from './connector-file.js';
import { installLastResortHandlers } from './last-resort-handlers.js';
import { serveRest } from './serve-rest.js';
import { taskThreadSettings } from './task-thread-entry.js';
import { connectUsage, readWorkerProperties, untilSignalled } from './worker-process.js';

export interface RunningStandaloneWorker {
  herder: StandaloneHerder;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a standalone worker (Apache's connect-standalone): REST up, offsets file read, then each
 * connector file created in command-line order. Every connector file is read before anything
 * starts, so a broken one stops the start before any connector runs.
 */
export async function startStandaloneWorker(
  workerFile: string,
  connectorFiles: string[],
): Promise<RunningStandaloneWorker> {
  // Before REST listens: an unpatched Kafka client (an --ignore-scripts install) stops the start.
  assertClientPatched();
  const config = standaloneWorkerConfig(readWorkerProperties(workerFile));
  const connectors = connectorFiles.map((file) => ({ file, request: readConnectorFile(file) }));
  const logger = getLogger('org.msa.connect.runtime');
  for (const note of config.notes) logger.info(note);
  const herder = new StandaloneHerder({
    config,
    plugins: new PluginRegistry(builtInPlugins({ fileStreamAllowedDirs: config.fileStreamAllowedDirs })),
    logger,
    ...(config.taskThreads ? { taskThreads: taskThreadSettings() } : {}),
  });
  // As Apache's standalone worker: `GET /health` answers 503 "starting" until the connectors of
  // the files are created, so a readiness probe waits for them.
  let ready = false;
  const server = await serveRest(herder, herder.metrics, config, logger, async () =>
    ready
      ? { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }
      : { status: 'starting', message: 'Worker is still starting up.' },
  );
  const stop = async () => {
    await herder.stop();
    await server.close();
  };
  try {
    await herder.start();
    for (const { file, request } of connectors) await createFromFile(herder, file, request);
    ready = true;
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { herder, url: herder.url, stop };
}

async function createFromFile(herder: StandaloneHerder, file: string, request: ConnectorFile): Promise<void> {
  try {
    await herder.putConnectorConfig(request.name, request.config, false, request.initialState);
  } catch (error) {
    // A refused config (400), a name given twice (409): say which file it came from.
    if (error instanceof ConnectError) {
      throw new ConnectorFileError(
        `Failed to create connector ${request.name} from ${file}: ${error.message}`,
      );
    }
    throw error;
  }
  getLogger('org.msa.connect.runtime').info({ connector: request.name, file }, 'created connector');
}

/** `msa-sync-connect --standalone worker.properties [connector files...]`; returns the exit code. */
export async function runStandaloneWorker(argv: string[]): Promise<number> {
  const [workerFile, ...connectorFiles] = argv;
  if (!workerFile || workerFile === '--help' || workerFile === '-h') {
    process.stderr.write(`${connectUsage}\n`);
    return workerFile ? 0 : 2;
  }
  installLastResortHandlers(getLogger('org.msa.connect.runtime'));
  let worker: RunningStandaloneWorker;
  try {
    worker = await startStandaloneWorker(workerFile, connectorFiles);
  } catch (error) {
    process.stderr.write(`msa-sync-connect: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(
    `Connect standalone worker ${worker.herder.workerId} is up: REST API at ${worker.url}\n`,
  );
  await untilSignalled(worker);
  return 0;
}
