import type { ConsumedRecord, ServiceMetrics, SqlClient } from '@msa-sync/service-runtime';
import {
  type CatalogEvent,
  decodeCatalogEvent,
  MessageShapeError,
  REQUEST_ID_HEADER,
} from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import type { OrderStore } from './order-store.js';

/** Turns `catalog-events` into `order_status` rows (ACCEPTED / REJECTED), a batch per transaction. */
export class StatusRecorder {
  readonly #store: OrderStore;
  readonly #client: SqlClient;
  readonly #logger: Logger;
  readonly #recorded;

  constructor(store: OrderStore, client: SqlClient, logger: Logger, metrics: ServiceMetrics) {
    this.#store = store;
    this.#client = client;
    this.#logger = logger;
    this.#recorded = metrics.counter('order_status_events_total', 'Catalog decisions recorded', ['status']);
  }

  async handle(records: ConsumedRecord[]): Promise<void> {
    const events: CatalogEvent[] = [];
    for (const record of records) {
      try {
        events.push(decodeCatalogEvent(record.value));
      } catch (error) {
        if (!(error instanceof MessageShapeError)) throw error;
        this.#logger.warn(
          {
            requestId: record.headers.get(REQUEST_ID_HEADER)?.toString('utf8'),
            partition: record.partition,
            offset: String(record.offset),
            problem: error.message,
          },
          'skipping a catalog event that cannot be read',
        );
      }
    }
    await this.#store.recordStatuses(this.#client, events);
    for (const e of events) this.#recorded.inc({ status: e.status });
  }
}
