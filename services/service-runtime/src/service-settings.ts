import { randomBytes } from 'node:crypto';
import { resolveBootstrapServers } from '@msa-sync/kafka';

/** Where the gateway listens unless GATEWAY_URL says otherwise. */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8000';
/** The zero-setup shared database, relative to the working directory (the repo root under `npm start`). */
export const DEFAULT_DATABASE_URL = 'jdbc:sqlite:.data/msa.db';

/**
 * What every service reads from its environment. `npm start` (packages/stack) sets these for the
 * processes it starts; tests set them to run a stack of their own.
 */
export interface ServiceSettings {
  service: string;
  /** Unique per process: the registry tells instances apart by it. */
  instanceId: string;
  host: string;
  /** 0 = any free port (order-service instances run several side by side). */
  port: number;
  /** Host other processes reach this one at (the registry hands it to the gateway). */
  advertisedHost: string;
  /** Undefined: do not register (GATEWAY_URL set to ''). */
  gatewayUrl: string | undefined;
  heartbeatIntervalMs: number;
  /** Shown to the gateway's registry when it asks for one (REGISTRY_TOKEN). */
  registryToken: string | undefined;
  databaseUrl: string;
  databaseUser: string | undefined;
  databasePassword: string | undefined;
  kafkaBootstrap: string[];
  /** Consumer group names start with this (tests give each run groups of its own). */
  groupPrefix: string;
  logLevel: string;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function serviceSettings(
  service: string,
  defaults: { port: number },
  env: NodeJS.ProcessEnv = process.env,
): ServiceSettings {
  const host = env.HOST || '127.0.0.1';
  return {
    service,
    instanceId: env.INSTANCE_ID || `${service}-${randomBytes(4).toString('hex')}`,
    host,
    port: intSetting(env, 'PORT', defaults.port, 0, 65535),
    advertisedHost: env.ADVERTISED_HOST || (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    gatewayUrl: gatewayUrl(env),
    heartbeatIntervalMs: intSetting(env, 'HEARTBEAT_INTERVAL_MS', 1000, 100, 60_000),
    registryToken: env.REGISTRY_TOKEN || undefined,
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    databaseUser: env.DATABASE_USER || undefined,
    databasePassword: env.DATABASE_PASSWORD || undefined,
    kafkaBootstrap: resolveBootstrapServers(undefined, env),
    groupPrefix: env.KAFKA_GROUP_PREFIX ?? '',
    logLevel: env.MSA_LOG_LEVEL || 'info',
  };
}

function gatewayUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  return value === '' ? undefined : value.replace(/\/+$/, '');
}

export function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be an integer from ${min} to ${max}, not '${raw}'`);
  }
  return value;
}
