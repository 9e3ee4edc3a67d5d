#!/usr/bin/env node
import { runServiceProcess, serviceLogger, serviceSettings } from '@msa-sync/service-runtime';
import { orderLimitsFrom, startOrderService } from './order-service.js';

const settings = serviceSettings('order-service', { port: 0 });
const logger = serviceLogger(settings.service, settings.instanceId, settings.logLevel);
await runServiceProcess(logger, () =>
  startOrderService({ settings, logger, ...orderLimitsFrom(process.env) }),
);
