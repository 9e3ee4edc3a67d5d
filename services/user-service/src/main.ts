#!/usr/bin/env node
import { jwtSecretFrom, runServiceProcess, serviceLogger, serviceSettings } from '@msa-sync/service-runtime';
import { accessFrom, jwtTtlFrom, startUserService } from './user-service.js';

const settings = serviceSettings('user-service', { port: 0 });
const logger = serviceLogger(settings.service, settings.instanceId, settings.logLevel);
await runServiceProcess(logger, () =>
  startUserService({
    settings,
    logger,
    jwtSecret: jwtSecretFrom(),
    jwtTtlSeconds: jwtTtlFrom(process.env),
    access: accessFrom(process.env),
  }),
);
