import type { FastifyRequest } from 'fastify';
import type { Herder } from '../herder/herder.js';
import type { LoggerRegistry } from '../logging/index.js';
import { RestError } from './rest-errors.js';

/** `GET /health`, as Connect 3.9+ answers it: 200 healthy, 503 starting, 500 unhealthy. */
export interface WorkerHealth {
  status: 'healthy' | 'starting' | 'unhealthy';
  message: string;
}

/** What the route groups share: the herder and the worker-level settings they read. */
export interface RestContext {
  herder: Herder;
  /** Runs a herder call under the request timeout (500 "Request timed out" past it, as Connect). */
  complete<T>(work: Promise<T> | T): Promise<T>;
  version: string;
  commit: string;
  topicTrackingEnabled: boolean;
  topicTrackingResetEnabled: boolean;
  loggers: LoggerRegistry;
  setClusterLoggerLevel: ((namespace: string, level: string) => Promise<void>) | undefined;
  health: () => Promise<WorkerHealth>;
}

export function withTimeout(timeoutMs: number): RestContext['complete'] {
  return async <T>(work: Promise<T> | T): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RestError(500, 'Request timed out')), timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve(work), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** `/connectors/{name}` as an absolute URL on the host the client asked, for `Location` headers. */
export function connectorLocation(request: FastifyRequest, name: string): string {
  const segment = encodeURIComponent(name).replace(/%2F/gi, '/');
  return `${request.protocol}://${request.host}/connectors/${segment}`;
}
