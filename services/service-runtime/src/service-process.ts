import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { listen } from './http-service.js';
import { joinGatewayRegistry } from './registry-client.js';
import type { ServiceSettings } from './service-settings.js';

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

/**
 * Runs a service as the process's main: starts it, prints one `listening` line, and on SIGTERM
 * or SIGINT closes it (deregisters, drains HTTP, stops consumers and producers) before exiting.
 */
export async function runServiceProcess(logger: Logger, start: () => Promise<RunningService>): Promise<void> {
  let service: RunningService;
  try {
    service = await start();
  } catch (error) {
    logger.fatal({ err: error }, 'service failed to start');
    process.exit(1);
  }
  logger.info({ url: service.url, pid: process.pid }, 'listening');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 15_000);
    forced.unref();
    service
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // The last line of defence, as in the Connect worker: a client that throws from a socket
  // callback (as @platformatic/kafka did when a transaction's start failed during a controller
  // kill) must not take the instance down with every request in flight. The failed component
  // retries or is replaced on its own; the rest keeps serving.
  process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'));
  process.on('uncaughtException', (error, origin) =>
    logger.error({ err: error, origin }, 'uncaught exception; the service keeps running'),
  );
}

/**
 * Listens, registers with the gateway, and returns the service. close() leaves the registry
 * first (so the gateway stops sending while in-flight requests finish), drains HTTP, then runs
 * `release` in order (consumers before producers before database clients).
 */
export async function serveRegistered(
  app: FastifyInstance,
  settings: ServiceSettings,
  logger: Logger,
  release: (() => Promise<unknown>)[],
): Promise<RunningService> {
  const url = await listen(app, settings.host, settings.port, settings.advertisedHost);
  const registration = joinGatewayRegistry(settings, url, logger);
  return {
    url,
    close: async () => {
      await registration?.stop();
      await app.close();
      for (const step of release) await step();
    },
  };
}
