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
import { pricesTopicSpec, type ShopTopics, shopTopics } from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import { IdempotencyKeys } from './idempotency-keys.js';
import { createOrderApp, type IdempotencySettings } from './order-app.js';
import { OrderPublisher } from './order-publisher.js';
import { OrderStore } from './order-store.js';
import { PriceBook } from './price-book.js';
import { PriceFeed } from './price-feed.js';
import { StatusRecorder } from './status-recorder.js';

export interface OrderServiceOptions {
  settings: ServiceSettings;
  topics?: ShopTopics;
  /** Longest wait for Kafka's acknowledgement before answering 503. */
  produceTimeoutMs?: number;
  /** How long an order may wait for others to share its Kafka transaction (ORDER_PRODUCE_LINGER_MS). */
  produceLingerMs?: number;
  idempotency?: IdempotencySettings;
  bodyLimit?: number;
  logger?: Logger;
}

export function orderLimitsFrom(env: NodeJS.ProcessEnv): {
  produceTimeoutMs: number;
  produceLingerMs: number;
  bodyLimit: number;
  idempotency: IdempotencySettings;
} {
  return {
    produceTimeoutMs: intSetting(env, 'ORDER_PRODUCE_TIMEOUT_MS', 10_000, 100, 120_000),
    produceLingerMs: intSetting(env, 'ORDER_PRODUCE_LINGER_MS', DEFAULT_PRODUCE_LINGER_MS, 0, 1000),
    bodyLimit: intSetting(env, 'ORDER_BODY_LIMIT', 16 * 1024, 256, 1024 * 1024),
    idempotency: {
      ttlMs: intSetting(env, 'ORDER_IDEMPOTENCY_TTL_SECONDS', 86_400, 60, 30 * 86_400) * 1000,
      leaseMs: intSetting(env, 'ORDER_IDEMPOTENCY_LEASE_MS', 3000, 100, 120_000),
    },
  };
}

/**
 * A transaction's fixed cost (AddPartitionsToTxn, the broker's own partition check, EndTxn, the
 * coordinator's state records and a commit marker on each of the six partitions) is spread over
 * more orders when an order may wait for others (ORDER_PRODUCE_LINGER_MS; the wait adds at most
 * that much to its answer; 0 sends as soon as the previous transaction is done). On a quiet
 * machine at 500 orders/s (bench/RESULTS.md, 2026-12-07 night) 20 ms halved the broker's CPU per
 * order against 0 and cut the whole machine's by a quarter, with POST p50 unchanged (the sends
 * waited for the previous transaction anyway) and p99 lower.
 */
const DEFAULT_PRODUCE_LINGER_MS = 20;
/** A transaction holds at most this many records (two per order); a full one goes at once. */
const PRODUCE_BATCH_MESSAGES = 1024;

/** How often each instance deletes keys older than their time to live. */
const KEY_PURGE_INTERVAL_MS = 10 * 60_000;

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
  const keys = new IdempotencyKeys(db);
  await keys.ensureSchema(reads);
  const idempotency = options.idempotency ?? { ttlMs: 86_400_000, leaseMs: 3000 };
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
  const producer: KafkaProducer = createTransactionalProducer(
    {
      ...client,
      transactionalId: `${settings.groupPrefix}${settings.instanceId}-orders`,
    },
    // Both readers are idempotent by order id (the sink upserts on order_id, the catalog's
    // ledger decides an order once), so sending an acknowledged order again is harmless, and
    // it is what keeps it when a broker restart left its commit without markers.
    {
      resendUnconfirmedAfterFailure: true,
      lingerMs: options.produceLingerMs ?? DEFAULT_PRODUCE_LINGER_MS,
      maxBatchMessages: PRODUCE_BATCH_MESSAGES,
      onResend: (records) =>
        logger.info({ records }, 'sent recently acknowledged order records again after a producer failure'),
    },
  );
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
      pricesTopicSpec(topics.catalogPrices),
    ],
    consumer,
    logger,
  );
  const prices = new PriceBook();
  const priceFeed = new PriceFeed(client, topics.catalogPrices, prices, logger);
  void consuming.ready.then((exist) => {
    if (exist) priceFeed.start();
  });
  const purge = setInterval(() => {
    keys
      .purge(reads, Date.now() - idempotency.ttlMs)
      .then((n) => n > 0 && logger.info({ deleted: n }, 'expired idempotency keys deleted'))
      .catch((error: unknown) => logger.warn({ err: error }, 'could not delete expired idempotency keys'));
  }, KEY_PURGE_INTERVAL_MS);
  purge.unref();
  // Orders are taken once their topics exist; with Kafka down the service still starts, and
  // answers 503 to orders until Kafka is back.
  await Promise.race([consuming.ready, new Promise((r) => setTimeout(r, 5000))]);
  // Registered only once it can price orders (or after a while, then answering 503 until then),
  // so a new instance does not turn orders away the gateway could send elsewhere.
  if (!(await priceFeed.whenReady(5000)))
    logger.warn('no catalog prices yet; orders get 503 until they arrive');

  const app = createOrderApp({
    instanceId: settings.instanceId,
    logger,
    metrics,
    store,
    client: reads,
    publisher,
    prices,
    keys,
    idempotency,
    bodyLimit: options.bodyLimit ?? 16 * 1024,
    health: async () => ({
      database: await databaseHealth(reads),
      kafka: { status: consumer.connected ? 'UP' : 'DOWN', critical: false },
      prices: { status: prices.ready ? 'UP' : 'DOWN', critical: false, detail: `${prices.size} products` },
    }),
  });
  return serveRegistered(app, settings, logger, [
    () => consuming.stop(),
    () => priceFeed.stop(),
    async () => clearInterval(purge),
    () => producer.close().catch(() => {}),
    () => reads.close(),
    () => statusWrites.close(),
  ]);
}
