import type { KafkaProducer } from '@msa-sync/kafka';
import type { SqlClient } from '@msa-sync/service-runtime';
import { type CatalogPrice, encodeCatalogPrice } from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';
import type { CatalogStore } from './catalog-store.js';

export interface PricePublisherOptions {
  store: CatalogStore;
  client: SqlClient;
  producer: KafkaProducer;
  topic: string;
  logger: Logger;
  /** How often the catalog table is re-read for changed names or prices. */
  intervalMs: number;
}

/**
 * Keeps `catalog-prices` equal to the catalog table: every product once at start, then each
 * product whose name or price changed since it was last published (the table is the source of
 * truth and may be edited by hand, so it is polled rather than hooked). A failed send is retried
 * on the next round; the topic is compacted, so re-sending the same price is harmless.
 */
export class PricePublisher {
  readonly #o: PricePublisherOptions;
  readonly #published = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(options: PricePublisherOptions) {
    this.#o = options;
  }

  start(): void {
    const tick = () => {
      this.#round = this.publishChanges()
        .then(() => {})
        .catch((error: unknown) => {
          if (!this.#failing)
            this.#o.logger.warn({ err: error }, 'cannot publish catalog prices yet; retrying');
          this.#failing = true;
        })
        .finally(() => {
          if (this.#timer !== undefined) this.#timer = setTimeout(tick, this.#o.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#round;
  }

  /** Publishes the products not yet published as they are now; resolves with how many. */
  async publishChanges(): Promise<number> {
    const { store, client, producer, topic } = this.#o;
    const changed: CatalogPrice[] = [];
    for (const p of await store.products(client)) {
      const price: CatalogPrice = {
        productId: p.productId,
        productName: p.productName,
        unitPrice: p.unitPrice,
      };
      const encoded = encodeCatalogPrice(price).toString('utf8');
      if (this.#published.get(p.productId) !== encoded) changed.push(price);
    }
    if (changed.length === 0) return 0;
    await producer.send({
      messages: changed.map((price) => ({
        topic,
        key: Buffer.from(price.productId),
        value: encodeCatalogPrice(price),
      })),
    });
    for (const price of changed)
      this.#published.set(price.productId, encodeCatalogPrice(price).toString('utf8'));
    if (this.#failing) this.#o.logger.info('catalog prices published again');
    this.#failing = false;
    this.#o.logger.info(
      { topic, products: changed.map((p) => ({ productId: p.productId, unitPrice: p.unitPrice })) },
      'catalog prices published',
    );
    return changed.length;
  }
}
