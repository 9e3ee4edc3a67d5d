import type { KafkaProducer, OutgoingMessage } from '@msa-sync/kafka';
import type { ConsumedRecord, ServiceMetrics, SqlClient } from '@msa-sync/service-runtime';
import {
  type CatalogEvent,
  type CatalogOrder,
  decodeCatalogOrder,
  encodeCatalogEvent,
  MessageShapeError,
  REQUEST_ID_HEADER,
} from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import type { CatalogStore, LedgerEntry, StockChange } from './catalog-store.js';

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
      const orders: { order: CatalogOrder; requestId: string | undefined }[] = [];
      for (const record of records) {
        const requestId = record.headers.get(REQUEST_ID_HEADER)?.toString('utf8');
        try {
          orders.push({ order: decodeCatalogOrder(record.value), requestId });
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
        }
      }
      // The batch's statements are few, not three per order: one lookup of the ledger, one
      // UPDATE per product (when its stock covers all the batch's orders for it), one INSERT of
      // the new entries. Each order is decided as if alone and in record order: an order id seen
      // before (in the ledger, or earlier in this batch) keeps its decision, and when a product's
      // stock does not cover the batch, its orders take stock one by one as before.
      const known = await store.decisions(
        tx,
        orders.map(({ order }) => order.orderId),
      );
      const fresh = new Set<CatalogOrder>();
      const byProduct = new Map<string, CatalogOrder[]>();
      const firstSeen = new Set<string>();
      for (const { order } of orders) {
        if (known.has(order.orderId) || firstSeen.has(order.orderId)) continue;
        firstSeen.add(order.orderId);
        fresh.add(order);
        if (order.qty <= 0) continue;
        const group = byProduct.get(order.productId);
        if (group) group.push(order);
        else byProduct.set(order.productId, [order]);
      }
      const changes = new Map<CatalogOrder, StockChange>();
      for (const productId of [...byProduct.keys()].sort()) {
        const group = byProduct.get(productId) as CatalogOrder[];
        const total = group.reduce((sum, order) => sum + order.qty, 0);
        if (group.length > 1 && (await store.takeStockTogether(tx, productId, total))) {
          for (const order of group) changes.set(order, { applied: true });
          continue;
        }
        for (const order of group) changes.set(order, await store.takeStock(tx, order.productId, order.qty));
      }
      const entries: LedgerEntry[] = [];
      for (const { order, requestId } of orders) {
        const seen = known.get(order.orderId);
        if (!fresh.has(order) || seen) {
          if (seen) decided.push({ entry: seen, userId: order.userId, requestId, fresh: false });
          continue;
        }
        const change = changes.get(order) ?? ({ applied: false, reason: 'INVALID_ORDER' } as const);
        const entry: LedgerEntry = {
          orderId: order.orderId,
          productId: order.productId,
          qty: order.qty,
          status: change.applied ? 'ACCEPTED' : 'REJECTED',
          reason: change.applied ? null : change.reason,
          decidedAt: new Date().toISOString(),
        };
        known.set(order.orderId, entry);
        entries.push(entry);
        decided.push({ entry, userId: order.userId, requestId, fresh: true });
      }
      await store.recordAll(tx, entries);
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
