import type { Logger } from 'pino';
import type { Herder } from '../herder/herder.js';
import { getLogger, loggerRegistry } from '../logging/index.js';
import { createRestServer, type RestServer } from '../rest/index.js';
import type { WorkerHealth } from '../rest/rest-context.js';
import { isLoopbackHost, loadRestCredentials } from '../worker/rest-security-config.js';
import type { WorkerConfig } from '../worker/worker-config.js';
import type { WorkerMetrics } from '../worker/worker-metrics.js';

/** The REST API (and /metrics) of a worker in either mode, listening as its config says. */
export async function serveRest(
  herder: Herder & { url: string },
  metrics: WorkerMetrics,
  config: WorkerConfig,
  logger: Logger,
  health?: () => Promise<WorkerHealth>,
): Promise<RestServer> {
  const credentials = config.restSecurity.enabled ? loadRestCredentials(config.restSecurity) : undefined;
  const server = createRestServer({
    herder,
    advertisedUrl: herder.url,
    logger: getLogger('org.msa.connect.rest'),
    loggers: loggerRegistry,
    ...(credentials ? { credentials } : {}),
    ...(health ? { health } : {}),
    ...(isLoopbackHost(config.restHost)
      ? { hostCheck: { names: [config.advertisedHost], ports: [config.advertisedPort] } }
      : {}),
  });
  server.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
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
  return server;
}
