import { randomUUID } from 'node:crypto';
import {
  createHttpService,
  type HealthCheck,
  ServiceError,
  type ServiceMetrics,
  type SqlClient,
} from '@msa-sync/service-runtime';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OrderPublisher, PlacedOrder } from './order-publisher.js';
import type { OrderStore } from './order-store.js';
import { checkOrder, isPlausibleUserId } from './order-validation.js';

export interface OrderAppOptions {
  instanceId: string;
  logger: Logger;
  metrics: ServiceMetrics;
  store: OrderStore;
  client: SqlClient;
  publisher: OrderPublisher;
  bodyLimit: number;
  health: () => Promise<Record<string, HealthCheck>>;
}

/**
 * `POST /{userId}/orders`: checked, published to Kafka, 201 once Kafka acknowledged (nothing is
 * written anywhere else, so a refused or failed order leaves no trace). `GET /{userId}/orders`:
 * the shared database's rows, the same whichever instance answers.
 */
export function createOrderApp(options: OrderAppOptions): FastifyInstance {
  const { store, client, publisher } = options;
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

  app.post<{ Params: { userId: string } }>('/:userId/orders', async (request, reply) => {
    const { userId } = request.params;
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
    const order: PlacedOrder = {
      orderId: randomUUID(),
      userId,
      productId,
      qty,
      unitPrice,
      totalPrice: qty * unitPrice,
      createdAt: new Date().toISOString(),
    };
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
    request.log.info({ orderId: order.orderId, productId, qty }, 'order published');
    return reply.code(201).send({
      productId,
      qty,
      unitPrice,
      totalPrice: order.totalPrice,
      orderId: order.orderId,
      createdAt: order.createdAt,
    });
  });

  app.get<{ Params: { userId: string } }>('/:userId/orders', async (request) => {
    await knownUser(request.params.userId);
    return store.ordersOf(client, request.params.userId);
  });

  return app;
}
