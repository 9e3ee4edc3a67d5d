#!/usr/bin/env node
import { runServiceProcess, serviceLogger, serviceSettings } from '@msa-sync/service-runtime';
import { priceRefreshFrom, productsFrom, startCatalogService } from './catalog-service.js';

const settings = serviceSettings('catalog-service', { port: 0 });
const logger = serviceLogger(settings.service, settings.instanceId, settings.logLevel);
await runServiceProcess(logger, () =>
  startCatalogService({
    settings,
    logger,
    products: productsFrom(process.env),
    priceRefreshMs: priceRefreshFrom(process.env),
  }),
);
