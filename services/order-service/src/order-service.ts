import { type ClientSettings, createTransactionalProducer, type KafkaProducer } from '@msa-sync/kafka';
import {
  BatchConsumer,
  consumeOnceTopicsExist,
  databaseHealth,
  intSetting,
  type RunningService,
  ServiceDatabase,
  ServiceMetrics,
  type ServiceSettings,
  serveRegistered,
  serviceLogger,
} from '@msa-sync/service-runtime';
import { type ShopTopics, shopTopics } from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import { createOrderApp } from './order-app.js';
import { OrderPublisher } from './order-publisher.js';
import { OrderStore } from './order-store.js';
import { StatusRecorder } from './status-recorder.js';

export interface OrderServiceOptions {
  settings: ServiceSettings;
  topics?: ShopTopics;
  /** Longest wait for Kafka's acknowledgement before answering 503. */
  produceTimeoutMs?: number;
  bodyLimit?: number;
  logger?: Logger;
}

export function orderLimitsFrom(env: NodeJS.ProcessEnv): { produceTimeoutMs: number; bodyLimit: number } {
  return {
    produceTimeoutMs: intSetting(env, 'ORDER_PRODUCE_TIMEOUT_MS', 10_000, 100, 120_000),
    bodyLimit: intSetting(env, 'ORDER_BODY_LIMIT', 16 * 1024, 256, 1024 * 1024),
  };
}

export async function startOrderService(options: OrderServiceOptions): Promise<RunningService> {
  const { settings } = options;
  const topics = options.topics ?? shopTopics();
  const logger = options.logger ?? serviceLogger(settings.service, settings.instanceId, settings.logLevel);
  const db = new ServiceDatabase(settings.databaseUrl, {
    user: settings.databaseUser,
    password: settings.databasePassword,
  });
  await db.prepare();
  const store = new OrderStore(db, logger);
  const reads = db.connect();
  const statusWrites = db.connect();
  await store.ensureSchema(reads);
  logger.info({ database: db.description, topics }, 'order store ready');

  const metrics = new ServiceMetrics(settings.service);
  const client: ClientSettings = {
    bootstrapServers: settings.kafkaBootstrap,
    clientId: settings.instanceId,
    connectTimeoutMs: 3000,
    retries: 2,
    retryDelayMs: 200,
    requestTimeoutMs: 10_000,
  };
  // Both records of an order in one transaction (see OrderPublisher). The id is stable per
  // instance, so a restarted instance aborts what its predecessor left open.
  const producer: KafkaProducer = createTransactionalProducer({
    ...client,
    transactionalId: `${settings.groupPrefix}${settings.instanceId}-orders`,
  });
  const publisher = new OrderPublisher(producer, topics, options.produceTimeoutMs ?? 10_000);
  const recorder = new StatusRecorder(store, statusWrites, logger, metrics);
  const consumer = new BatchConsumer({
    client: { ...client, clientId: `${settings.instanceId}-status` },
    groupId: `${settings.groupPrefix}order-service`,
    topics: [topics.catalogEvents],
    logger,
    handle: (records) => recorder.handle(records),
  });

  const consuming = consumeOnceTopicsExist(
    client,
    [
      { name: topics.orders, partitions: 3 },
      { name: topics.catalogOrders, partitions: 3 },
      { name: topics.catalogEvents, partitions: 3 },
    ],
    consumer,
    logger,
  );
  // Orders are taken once their topics exist; with Kafka down the service still starts, and
  // answers 503 to orders until Kafka is back.
  await Promise.race([consuming.ready, new Promise((r) => setTimeout(r, 5000))]);

  const app = createOrderApp({
    instanceId: settings.instanceId,
    logger,
    metrics,
    store,
    client: reads,
    publisher,
    bodyLimit: options.bodyLimit ?? 16 * 1024,
    health: async () => ({
      database: await databaseHealth(reads),
      kafka: { status: consumer.connected ? 'UP' : 'DOWN', critical: false },
    }),
  });
  return serveRegistered(app, settings, logger, [
    () => consuming.stop(),
    () => producer.close().catch(() => {}),
    () => reads.close(),
    () => statusWrites.close(),
  ]);
}
