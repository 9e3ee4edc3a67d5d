import {
  createHttpService,
  type HealthCheck,
  ServiceError,
  type ServiceMetrics,
  type SqlClient,
} from '@msa-sync/service-runtime';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CatalogStore } from './catalog-store.js';

export interface CatalogAppOptions {
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  store: CatalogStore;
  client: SqlClient;
  health: () => Promise<Record<string, HealthCheck>>;
}

/** `GET /catalogs` (the course's route) and `GET /catalogs/{productId}`. */
export function createCatalogApp(options: CatalogAppOptions): FastifyInstance {
  const { store, client } = options;
  const app = createHttpService({
    service: 'catalog-service',
    instanceId: options.instanceId,
    logger: options.logger,
    metrics: options.metrics,
    bodyLimit: 16 * 1024,
    health: options.health,
  });

  app.get('/catalogs', async () => store.products(client));

  app.get<{ Params: { productId: string } }>('/catalogs/:productId', async (request) => {
    const [product] = await store.products(client, request.params.productId);
    if (!product) throw new ServiceError('NOT_FOUND', `No product with id ${request.params.productId}`);
    return product;
  });

  return app;
}
