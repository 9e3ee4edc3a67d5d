import type { KafkaProducer } from '@msa-sync/kafka';
import { type SqlClient, serviceLogger } from '@msa-sync/service-runtime';
import { decodeCatalogPrice } from '@msa-sync/shop-contracts';
import { describe, expect, it } from 'vitest';
import type { CatalogStore, Product } from './catalog-store.js';
import { PricePublisher } from './price-publisher.js';

/** The table as the store would read it, and what was sent where. */
function rig(rows: Product[]) {
  const sent: { topic: string; key: string; value: ReturnType<typeof decodeCatalogPrice> }[] = [];
  let failNext = false;
  const store = { products: async () => rows.map((r) => ({ ...r })) } as unknown as CatalogStore;
  const producer = {
    send: async (request: { messages: { topic: string; key: Buffer; value: Buffer }[] }) => {
      if (failNext) {
        failNext = false;
        throw new Error('broker down');
      }
      for (const m of request.messages)
        sent.push({ topic: m.topic, key: m.key.toString(), value: decodeCatalogPrice(m.value) });
    },
  } as unknown as KafkaProducer;
  const publisher = new PricePublisher({
    store,
    client: {} as SqlClient,
    producer,
    topic: 'prices',
    logger: serviceLogger('catalog-service', 'test', 'silent'),
    intervalMs: 60_000,
  });
  return { publisher, sent, failOnce: () => (failNext = true) };
}

const product = (productId: string, unitPrice: number, productName = productId): Product => ({
  productId,
  productName,
  unitPrice,
  stock: 5,
  createdAt: null,
});

describe('PricePublisher', () => {
  it('publishes every product first, then only those whose name or price changed', async () => {
    const rows = [product('A', 100), product('B', 200)];
    const { publisher, sent } = rig(rows);
    expect(await publisher.publishChanges()).toBe(2);
    expect(sent).toEqual([
      { topic: 'prices', key: 'A', value: { productId: 'A', productName: 'A', unitPrice: 100 } },
      { topic: 'prices', key: 'B', value: { productId: 'B', productName: 'B', unitPrice: 200 } },
    ]);
    expect(await publisher.publishChanges()).toBe(0);
    rows[0] = { ...product('A', 120), stock: 1 };
    rows[1] = product('B', 200, 'Bee');
    rows.push(product('C', 7));
    expect(await publisher.publishChanges()).toBe(3);
    expect(sent.slice(2).map((s) => [s.key, s.value.unitPrice, s.value.productName])).toEqual([
      ['A', 120, 'A'],
      ['B', 200, 'Bee'],
      ['C', 7, 'C'],
    ]);
  });

  it('sends again after a failed send (nothing is marked published until Kafka took it)', async () => {
    const { publisher, sent, failOnce } = rig([product('A', 100)]);
    failOnce();
    await expect(publisher.publishChanges()).rejects.toThrow('broker down');
    expect(await publisher.publishChanges()).toBe(1);
    expect(sent).toHaveLength(1);
  });
});
