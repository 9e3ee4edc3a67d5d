import { randomBytes } from 'node:crypto';
import {
  intSetting,
  listen,
  type RunningService,
  ServiceMetrics,
  SettingsError,
  serviceLogger,
} from '@msa-sync/service-runtime';
import type { Logger } from 'pino';
import { createGatewayApp } from './gateway-app.js';
import { ServiceRegistry } from './service-registry.js';
import { UpstreamProxy } from './upstream-proxy.js';

export interface GatewaySettings {
  host: string;
  port: number;
  jwtSecret: string;
  /** Heartbeats an instance may miss before it is evicted. */
  missedHeartbeats: number;
  upstreamTimeoutMs: number;
  /** Longest time for a whole proxied request (GATEWAY_REQUEST_DEADLINE_MS). */
  requestDeadlineMs: number;
  /** Largest upstream answer passed on (GATEWAY_MAX_RESPONSE_BYTES). */
  maxResponseBytes: number;
  maxAttempts: number;
  /** Registering, heartbeating and leaving need it in `x-registry-token`. */
  registryToken: string;
  logLevel: string;
  instanceId: string;
}

export function gatewaySettings(env: NodeJS.ProcessEnv, jwtSecret: string): GatewaySettings {
  return {
    host: env.HOST || '127.0.0.1',
    port: intSetting(env, 'PORT', 8000, 0, 65535),
    jwtSecret,
    missedHeartbeats: intSetting(env, 'GATEWAY_MISSED_HEARTBEATS', 3, 1, 100),
    upstreamTimeoutMs: intSetting(env, 'GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
    requestDeadlineMs: intSetting(env, 'GATEWAY_REQUEST_DEADLINE_MS', 30_000, 100, 600_000),
    maxResponseBytes: intSetting(
      env,
      'GATEWAY_MAX_RESPONSE_BYTES',
      10 * 1024 * 1024,
      1024,
      1024 * 1024 * 1024,
    ),
    maxAttempts: intSetting(env, 'GATEWAY_MAX_ATTEMPTS', 3, 1, 10),
    registryToken: registryTokenFrom(env),
    logLevel: env.MSA_LOG_LEVEL || 'info',
    instanceId: env.INSTANCE_ID || `gateway-${randomBytes(4).toString('hex')}`,
  };
}

/**
 * REGISTRY_TOKEN is required: an open registry lets any process register as user-service and
 * receive passwords and tokens. `npm start` makes one in .data/services/registry.token.
 */
export function registryTokenFrom(env: NodeJS.ProcessEnv): string {
  const token = env.REGISTRY_TOKEN;
  if (!token) {
    throw new SettingsError(
      'REGISTRY_TOKEN is not set: the gateway does not run an open registry (npm start generates one under .data/services/; give the same value to every service)',
    );
  }
  if (token.length < 16) throw new SettingsError('REGISTRY_TOKEN must be at least 16 characters');
  return token;
}

export interface RunningGateway extends RunningService {
  registry: ServiceRegistry;
}

export async function startGateway(settings: GatewaySettings, logger?: Logger): Promise<RunningGateway> {
  const log = logger ?? serviceLogger('gateway', settings.instanceId, settings.logLevel);
  const metrics = new ServiceMetrics('gateway');
  const registry = new ServiceRegistry({ missedHeartbeats: settings.missedHeartbeats });
  const attempts = metrics.counter('gateway_upstream_attempts_total', 'Attempts to reach an instance', [
    'service',
    'outcome',
    'retried',
  ]);
  const proxy = new UpstreamProxy(registry, {
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.upstreamTimeoutMs,
    deadlineMs: settings.requestDeadlineMs,
    maxResponseBytes: settings.maxResponseBytes,
    onAttempt: (service, outcome, retried) => attempts.inc({ service, outcome, retried: String(retried) }),
  });
  const app = createGatewayApp({
    instanceId: settings.instanceId,
    logger: log,
    metrics,
    registry,
    proxy,
    jwtSecret: settings.jwtSecret,
    registryToken: settings.registryToken,
  });
  const sweep = setInterval(() => {
    for (const gone of registry.evictSilent()) {
      log.warn(
        { upstream: gone.service, instanceId: gone.instanceId },
        'instance evicted: heartbeats missed',
      );
    }
  }, 500);
  const url = await listen(
    app,
    settings.host,
    settings.port,
    settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host,
  );
  return {
    url,
    registry,
    close: async () => {
      clearInterval(sweep);
      await app.close();
      proxy.close();
    },
  };
}
