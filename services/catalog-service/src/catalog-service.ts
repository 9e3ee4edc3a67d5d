import { type ClientSettings, createProducer } from '@msa-sync/kafka';
import {
  BatchConsumer,
  consumeOnceTopicsExist,
  databaseHealth,
  intSetting,
  type RunningService,
  ServiceDatabase,
  ServiceMetrics,
  type ServiceSettings,
  SettingsError,
  serveRegistered,
  serviceLogger,
} from '@msa-sync/service-runtime';
import { pricesTopicSpec, type ShopTopics, shopTopics } from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import { createCatalogApp } from './catalog-app.js';
import { CatalogStore, DEFAULT_PRODUCTS, type ProductSeed } from './catalog-store.js';
import { PricePublisher } from './price-publisher.js';
import { StockKeeper } from './stock-keeper.js';

export interface CatalogServiceOptions {
  settings: ServiceSettings;
  topics?: ShopTopics;
  products?: readonly ProductSeed[];
  /** How often the catalog table is re-read to publish changed prices (CATALOG_PRICE_REFRESH_MS). */
  priceRefreshMs?: number;
  logger?: Logger;
}

export function priceRefreshFrom(env: NodeJS.ProcessEnv): number {
  return intSetting(env, 'CATALOG_PRICE_REFRESH_MS', 5000, 100, 3_600_000);
}

/** CATALOG_SEED: a JSON array of `{productId, productName, stock, unitPrice}`; the course's three when unset. */
export function productsFrom(env: NodeJS.ProcessEnv): readonly ProductSeed[] {
  if (!env.CATALOG_SEED) return DEFAULT_PRODUCTS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.CATALOG_SEED);
  } catch {
    throw new SettingsError('CATALOG_SEED is not JSON');
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.every(
      (p) =>
        p &&
        typeof p.productId === 'string' &&
        typeof p.productName === 'string' &&
        Number.isInteger(p.stock) &&
        p.stock >= 0 &&
        Number.isInteger(p.unitPrice),
    );
  if (!ok) throw new SettingsError('CATALOG_SEED must be [{productId, productName, stock, unitPrice}, ...]');
  return parsed as ProductSeed[];
}

export async function startCatalogService(options: CatalogServiceOptions): Promise<RunningService> {
  const { settings } = options;
  const topics = options.topics ?? shopTopics();
  const logger = options.logger ?? serviceLogger(settings.service, settings.instanceId, settings.logLevel);
  const db = new ServiceDatabase(settings.databaseUrl, {
    user: settings.databaseUser,
    password: settings.databasePassword,
  });
  await db.prepare();
  const store = new CatalogStore(db);
  const reads = db.connect();
  const writes = db.connect();
  await store.ensureSchema(reads);
  const added = await store.seed(reads, options.products ?? DEFAULT_PRODUCTS);
  logger.info({ database: db.description, productsAdded: added }, 'catalog ready');

  const metrics = new ServiceMetrics(settings.service);
  metrics.gauge('catalog_stock', 'Stock per product', ['product'], async (gauge) => {
    gauge.reset();
    for (const p of await store.products(reads).catch(() => [])) gauge.set({ product: p.productId }, p.stock);
  });

  const client: ClientSettings = {
    bootstrapServers: settings.kafkaBootstrap,
    clientId: settings.instanceId,
    connectTimeoutMs: 3000,
    retries: 2,
  };
  const producer = createProducer({ ...client, clientId: `${settings.instanceId}-events` });
  const keeper = new StockKeeper({
    store,
    client: writes,
    producer,
    eventsTopic: topics.catalogEvents,
    logger,
    metrics,
  });
  const consumer = new BatchConsumer({
    client,
    groupId: `${settings.groupPrefix}catalog-service`,
    topics: [topics.catalogOrders],
    logger,
    handle: (records) => keeper.handle(records),
  });
  const consuming = consumeOnceTopicsExist(
    client,
    [
      { name: topics.catalogOrders, partitions: 3 },
      { name: topics.catalogEvents, partitions: 3 },
      pricesTopicSpec(topics.catalogPrices),
    ],
    consumer,
    logger,
  );
  const prices = new PricePublisher({
    store,
    client: reads,
    producer,
    topic: topics.catalogPrices,
    logger,
    intervalMs: options.priceRefreshMs ?? 5000,
  });
  void consuming.ready.then((exist) => {
    if (exist) prices.start();
  });

  const app = createCatalogApp({
    instanceId: settings.instanceId,
    logger,
    metrics,
    store,
    client: reads,
    health: async () => ({
      database: await databaseHealth(reads),
      kafka: { status: consumer.connected ? 'UP' : 'DOWN', critical: false },
    }),
  });
  return serveRegistered(app, settings, logger, [
    () => consuming.stop(),
    () => prices.stop(),
    () => producer.close().catch(() => {}),
    () => reads.close(),
    () => writes.close(),
  ]);
}
