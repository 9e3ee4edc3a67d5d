import type { KafkaProducer, OutgoingMessage } from '@msa-sync/kafka';
import type { ConsumedRecord, ServiceMetrics, SqlClient } from '@msa-sync/service-runtime';
import {
  type CatalogEvent,
  decodeCatalogOrder,
  encodeCatalogEvent,
  MessageShapeError,
  REQUEST_ID_HEADER,
} from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import type { CatalogStore, LedgerEntry } from './catalog-store.js';

export interface StockKeeperOptions {
  store: CatalogStore;
  /** A connection of its own: the batch's transaction runs on it alone. */
  client: SqlClient;
  producer: KafkaProducer;
  eventsTopic: string;
  logger: Logger;
  metrics: ServiceMetrics;
}

/**
 * Applies orders from `example-catalog-topic` to stock. Per batch, one transaction: for each
 * order id not yet in the ledger, lower stock if there is enough (ACCEPTED) or not at all
 * (REJECTED), and record the decision. After the commit, every order of the batch gets its
 * event on `catalog-events` (an order seen before gets its recorded decision again, so an event
 * lost to a crash between commit and send is sent on redelivery). Offsets are committed by the
 * caller only after that.
 */
export class StockKeeper {
  readonly #o: StockKeeperOptions;
  readonly #decisions;

  constructor(options: StockKeeperOptions) {
    this.#o = options;
    this.#decisions = options.metrics.counter(
      'catalog_order_decisions_total',
      'Orders decided by the catalog',
      ['status', 'reason'],
    );
  }

  async handle(records: ConsumedRecord[]): Promise<void> {
    const { store, client, logger } = this.#o;
    const decided: { entry: LedgerEntry; userId: string; requestId: string | undefined; fresh: boolean }[] =
      [];
    await client.transaction(async (tx) => {
      decided.length = 0;
      for (const record of records) {
        const requestId = record.headers.get(REQUEST_ID_HEADER)?.toString('utf8');
        let order: ReturnType<typeof decodeCatalogOrder>;
        try {
          order = decodeCatalogOrder(record.value);
        } catch (error) {
          if (!(error instanceof MessageShapeError)) throw error;
          logger.warn(
            {
              requestId,
              topic: record.topic,
              partition: record.partition,
              offset: String(record.offset),
              problem: error.message,
            },
            'skipping a record that is not an order',
          );
          continue;
        }
        const known = await store.decision(tx, order.orderId);
        if (known) {
          decided.push({ entry: known, userId: order.userId, requestId, fresh: false });
          continue;
        }
        const change =
          order.qty > 0
            ? await store.takeStock(tx, order.productId, order.qty)
            : ({ applied: false, reason: 'INVALID_ORDER' } as const);
        const entry: LedgerEntry = {
          orderId: order.orderId,
          productId: order.productId,
          qty: order.qty,
          status: change.applied ? 'ACCEPTED' : 'REJECTED',
          reason: change.applied ? null : change.reason,
          decidedAt: new Date().toISOString(),
        };
        await store.record(tx, entry);
        decided.push({ entry, userId: order.userId, requestId, fresh: true });
      }
    });

    for (const d of decided) {
      if (!d.fresh) continue;
      this.#decisions.inc({ status: d.entry.status, reason: d.entry.reason ?? '' });
      logger.info(
        {
          requestId: d.requestId,
          orderId: d.entry.orderId,
          productId: d.entry.productId,
          qty: d.entry.qty,
          status: d.entry.status,
          reason: d.entry.reason,
        },
        'order decided',
      );
    }
    if (decided.length === 0) return;
    const messages: OutgoingMessage[] = decided.map(({ entry, userId, requestId }) => {
      const event: CatalogEvent = { ...entry, userId };
      return {
        topic: this.#o.eventsTopic,
        key: Buffer.from(entry.orderId),
        value: encodeCatalogEvent(event),
        ...(requestId ? { headers: new Map([[REQUEST_ID_HEADER, Buffer.from(requestId)]]) } : {}),
      };
    });
    await this.#o.producer.send({ messages });
  }
}
