import type { KafkaProducer } from '@msa-sync/kafka';
import { ServiceError } from '@msa-sync/service-runtime';
import { encodeCatalogOrder, REQUEST_ID_HEADER, type ShopTopics } from '@msa-sync/shop-contracts';
import { type OrderRecord, orderEnvelope } from './order-envelope.js';

export type PlacedOrder = OrderRecord;

/**
 * Publishes an order as the seed does, to two topics: the envelope on `orders` (for the JDBC
 * sink) and a plain JSON copy on `example-catalog-topic` (for catalog-service), both keyed by
 * the order id and carrying the request id header. Both records go in one send of the
 * transactional producer (createTransactionalProducer), so they are committed together or
 * aborted together: a plain multi-partition produce is not atomic, and a broker stopping
 * mid-request once left catalog-service taking stock for an order that never reached `orders`.
 * Readers use read_committed. `publish` resolves only once the transaction committed, and fails
 * with KAFKA_UNAVAILABLE otherwise (or when no answer came within the deadline; the records may
 * still commit then, as with any unacknowledged write).
 */
export class OrderPublisher {
  readonly #producer: KafkaProducer;
  readonly #topics: ShopTopics;
  readonly #deadlineMs: number;

  constructor(producer: KafkaProducer, topics: ShopTopics, deadlineMs: number) {
    this.#producer = producer;
    this.#topics = topics;
    this.#deadlineMs = deadlineMs;
  }

  async publish(order: PlacedOrder, requestId: string): Promise<void> {
    const key = Buffer.from(order.orderId);
    const headers = new Map([[REQUEST_ID_HEADER, Buffer.from(requestId)]]);
    const sent = this.#producer.send({
      messages: [
        { topic: this.#topics.orders, key, value: orderEnvelope(this.#topics.orders, order), headers },
        { topic: this.#topics.catalogOrders, key, value: encodeCatalogOrder(order), headers },
      ],
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no acknowledgement within ${this.#deadlineMs} ms`)),
        this.#deadlineMs,
      );
    });
    try {
      await Promise.race([sent, deadline]);
    } catch (error) {
      sent.catch(() => {});
      throw new ServiceError('KAFKA_UNAVAILABLE', undefined, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
