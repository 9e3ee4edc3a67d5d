import { randomUUID } from 'node:crypto';
import {
  createHttpService,
  type HealthCheck,
  ServiceError,
  type ServiceMetrics,
  type SqlClient,
  StatementBatcher,
} from '@msa-sync/service-runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  type IdempotencyKeys,
  idempotencyKeyOf,
  isExpired,
  judgeKey,
  type KeyAnswer,
  type KeyRow,
  keyedOrderId,
  requestHash,
} from './idempotency-keys.js';
import type { OrderPublisher, PlacedOrder } from './order-publisher.js';
import type { OrderStore } from './order-store.js';
import { checkOrder, isPlausibleUserId } from './order-validation.js';
import type { PriceBook } from './price-book.js';

export interface OrderAppOptions {
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  store: OrderStore;
  client: SqlClient;
  publisher: OrderPublisher;
  prices: PriceBook;
  keys: IdempotencyKeys;
  idempotency: IdempotencySettings;
  bodyLimit: number;
  health: () => Promise<Record<string, HealthCheck>>;
}

export interface IdempotencySettings {
  /** How long a key is remembered (ORDER_IDEMPOTENCY_TTL_SECONDS, one day). */
  ttlMs: number;
  /**
   * How long the request holding a key is presumed alive (ORDER_IDEMPOTENCY_LEASE_MS): a retry
   * waits for its answer that long, then finishes the order itself.
   */
  leaseMs: number;
}

/**
 * `POST /{userId}/orders`: checked, priced (the catalog's current price only, see PriceBook),
 * published to Kafka, 201 once Kafka acknowledged. With an `Idempotency-Key` the key's row in the
 * shared database is written before publishing and answered after (see IdempotencyKeys), so a
 * repeated key gets the first answer and a retry after a crash publishes the same order id.
 * `GET /{userId}/orders`: the shared database's rows, the same whichever instance answers.
 */
export function createOrderApp(options: OrderAppOptions): FastifyInstance {
  const { store, client, publisher, prices, keys, idempotency } = options;
  const app = createHttpService({
    service: 'order-service',
    instanceId: options.instanceId,
    logger: options.logger,
    metrics: options.metrics,
    bodyLimit: options.bodyLimit,
    health: options.health,
  });
  const outcomes = options.metrics.counter('orders_total', 'Order requests by outcome', ['outcome']);
  const produceSeconds = options.metrics.histogram(
    'order_produce_seconds',
    'Time until Kafka acknowledged an order (both records)',
    [],
    [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  const knownUser = async (userId: string) => {
    if (!isPlausibleUserId(userId) || !(await store.userExists(client, userId))) {
      throw new ServiceError('USER_NOT_FOUND', `No user with id ${userId}`);
    }
  };

  const publish = async (order: PlacedOrder, request: FastifyRequest) => {
    const started = performance.now();
    try {
      await publisher.publish(order, request.id);
    } catch (error) {
      outcomes.inc({ outcome: 'kafka_unavailable' });
      request.log.warn(
        { orderId: order.orderId, err: (error as Error).cause ?? error },
        'order not acknowledged by Kafka',
      );
      throw error;
    }
    produceSeconds.observe((performance.now() - started) / 1000);
    outcomes.inc({ outcome: 'created' });
    // On the request's one log line (createHttpService), not a line of its own.
    request.logDetail = { orderId: order.orderId, productId: order.productId, qty: order.qty };
  };

  const newKeyRow = (userId: string, key: string, hash: string, now: number): KeyRow => ({
    userId,
    key,
    requestHash: hash,
    orderId: keyedOrderId(userId, key, now),
    firstUsedMs: now,
    leaseUntilMs: now + idempotency.leaseMs,
    answer: undefined,
  });
  // The answers of orders acknowledged together are recorded in one statement.
  const answers = new StatementBatcher<KeyAnswer>((batch) => keys.completeAll(client, batch), 100);

  const answerOf = (order: PlacedOrder) => ({
    productId: order.productId,
    qty: order.qty,
    unitPrice: order.unitPrice,
    totalPrice: order.totalPrice,
    orderId: order.orderId,
    createdAt: order.createdAt,
  });

  /** The price rule: refused unless the catalog's current price (see PriceBook.check). */
  const priced = (productId: string, unitPrice: number) => {
    try {
      prices.check(productId, unitPrice);
    } catch (error) {
      outcomes.inc({ outcome: error instanceof ServiceError ? error.code.toLowerCase() : 'invalid' });
      throw error;
    }
  };

  app.post<{ Params: { userId: string } }>('/:userId/orders', async (request, reply) => {
    const { userId } = request.params;
    const key = idempotencyKeyOf(request.headers);
    const checked = checkOrder(request.body);
    if (!checked.ok) {
      outcomes.inc({ outcome: 'invalid' });
      throw new ServiceError('VALIDATION_FAILED', 'The order is not valid', { details: checked.problems });
    }
    try {
      await knownUser(userId);
    } catch (error) {
      outcomes.inc({ outcome: 'unknown_user' });
      throw error;
    }
    const { productId, qty, unitPrice } = checked.value;
    const placed = (orderId: string, createdAt: string): PlacedOrder => ({
      orderId,
      userId,
      productId,
      qty,
      unitPrice,
      totalPrice: qty * unitPrice,
      createdAt,
    });

    if (key === undefined) {
      priced(productId, unitPrice);
      const order = placed(randomUUID(), new Date().toISOString());
      await publish(order, request);
      return reply.code(201).send(answerOf(order));
    }

    const hash = requestHash(userId, checked.value);
    const giveUpAt = Date.now() + 2 * idempotency.leaseMs + 1000;
    let held: KeyRow | undefined;
    // Nearly every key is new: try to insert it first (one statement) and read the row only
    // when it is already there. A price that fails the check goes the reading way, so a retry
    // of an order placed before the price changed still gets its first answer.
    if (prices.accepts(productId, unitPrice)) {
      const now = Date.now();
      const fresh = newKeyRow(userId, key, hash, now);
      if (await keys.claimNew(client, fresh)) held = fresh;
    }
    while (!held) {
      const now = Date.now();
      let row = await keys.find(client, userId, key);
      if (row && isExpired(row, now, idempotency.ttlMs)) {
        await keys.forget(client, row);
        row = undefined;
      }
      if (!row) {
        // A new key: the price is checked now, once; a retry of it is not re-priced.
        priced(productId, unitPrice);
        const fresh = newKeyRow(userId, key, hash, now);
        if (await keys.claimNew(client, fresh)) held = fresh;
        continue;
      }
      const verdict = judgeKey(row, hash, now);
      if (verdict.action === 'mismatch') {
        outcomes.inc({ outcome: 'key_reused' });
        throw new ServiceError(
          'IDEMPOTENCY_KEY_REUSED',
          `Idempotency-Key ${key} was first used with a different order (order ${row.orderId})`,
        );
      }
      if (verdict.action === 'replay') {
        outcomes.inc({ outcome: 'replayed' });
        request.log.info({ orderId: row.orderId }, 'idempotent retry answered with the first answer');
        return reply.code(verdict.status).header('idempotent-replayed', 'true').send(verdict.body);
      }
      if (verdict.action === 'take-over') {
        const lease = now + idempotency.leaseMs;
        if (await keys.takeOver(client, row, lease)) {
          request.log.info({ orderId: row.orderId }, 'finishing an order whose first request did not');
          held = { ...row, leaseUntilMs: lease };
        }
        continue;
      }
      // The first request with this key is still in flight: wait for its answer (or its lease).
      if (now > giveUpAt) {
        throw new ServiceError('IDEMPOTENCY_KEY_IN_FLIGHT', undefined, { retryAfterSeconds: 1 });
      }
      await new Promise((r) => setTimeout(r, 50));
    }

    const order = placed(held.orderId, new Date(held.firstUsedMs).toISOString());
    try {
      await publish(order, request);
    } catch (error) {
      // The records may still commit: a retry re-publishes the same order id, which is harmless.
      await keys.release(client, held).catch(() => {});
      throw error;
    }
    const answer = answerOf(order);
    try {
      await answers.add({ row: held, status: 201, body: answer });
    } catch (error) {
      // The order is placed; a retry finds the key unanswered, re-publishes the same order and answers alike.
      request.log.warn(
        { orderId: order.orderId, err: error },
        'could not record the answer of a keyed order',
      );
    }
    return reply.code(201).send(answer);
  });

  app.get<{ Params: { userId: string } }>('/:userId/orders', async (request) => {
    await knownUser(request.params.userId);
    return store.ordersOf(client, request.params.userId);
  });

  return app;
}
