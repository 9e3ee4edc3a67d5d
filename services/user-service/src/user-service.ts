import {
  databaseHealth,
  intSetting,
  type RunningService,
  ServiceDatabase,
  ServiceMetrics,
  type ServiceSettings,
  serveRegistered,
  serviceLogger,
} from '@msa-sync/service-runtime';
import type { Logger } from 'pino';
import { type AccessSettings, createUserApp } from './user-app.js';
import { UserStore } from './user-store.js';

export interface UserServiceOptions {
  settings: ServiceSettings;
  jwtSecret: string;
  jwtTtlSeconds: number;
  access?: AccessSettings;
  logger?: Logger;
}

/**
 * ADMIN_EMAILS (comma separated): whose tokens carry the admin role. The rate limits are
 * generous by default (a load run signs up many users from one address): per client address
 * AUTH_LIMIT_IP_BURST (300) attempts at once, AUTH_LIMIT_IP_PER_MINUTE (600) a minute; per email
 * AUTH_LIMIT_EMAIL_BURST (10) and AUTH_LIMIT_EMAIL_PER_MINUTE (10).
 */
export function accessFrom(env: NodeJS.ProcessEnv): AccessSettings {
  return {
    adminEmails: new Set(
      (env.ADMIN_EMAILS ?? '')
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter((e) => e !== ''),
    ),
    perClient: {
      burst: intSetting(env, 'AUTH_LIMIT_IP_BURST', 300, 1, 1_000_000),
      perMinute: intSetting(env, 'AUTH_LIMIT_IP_PER_MINUTE', 600, 1, 10_000_000),
    },
    perEmail: {
      burst: intSetting(env, 'AUTH_LIMIT_EMAIL_BURST', 10, 1, 1_000_000),
      perMinute: intSetting(env, 'AUTH_LIMIT_EMAIL_PER_MINUTE', 10, 1, 10_000_000),
    },
  };
}

export function jwtTtlFrom(env: NodeJS.ProcessEnv): number {
  return intSetting(env, 'JWT_TTL_SECONDS', 86_400, 60, 30 * 86_400);
}

export async function startUserService(options: UserServiceOptions): Promise<RunningService> {
  const { settings } = options;
  const logger = options.logger ?? serviceLogger(settings.service, settings.instanceId, settings.logLevel);
  const db = new ServiceDatabase(settings.databaseUrl, {
    user: settings.databaseUser,
    password: settings.databasePassword,
  });
  await db.prepare();
  const client = db.connect();
  const users = new UserStore(db, client);
  await users.ensureSchema();
  logger.info({ database: db.description }, 'users table ready');

  const metrics = new ServiceMetrics(settings.service);
  const app = createUserApp({
    instanceId: settings.instanceId,
    logger,
    metrics,
    users,
    jwtSecret: options.jwtSecret,
    jwtTtlSeconds: options.jwtTtlSeconds,
    gatewayUrl: settings.gatewayUrl,
    health: async () => ({ database: await databaseHealth(client) }),
    access: options.access ?? accessFrom({}),
  });
  return serveRegistered(app, settings, logger, [() => client.close()]);
}
