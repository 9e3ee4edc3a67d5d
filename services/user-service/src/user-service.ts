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
import { createUserApp } from './user-app.js';
import { UserStore } from './user-store.js';

export interface UserServiceOptions {
  settings: ServiceSettings;
  jwtSecret: string;
  jwtTtlSeconds: number;
  logger?: Logger;
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
  });
  return serveRegistered(app, settings, logger, [() => client.close()]);
}
