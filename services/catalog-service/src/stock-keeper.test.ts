import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaProducer, OutgoingMessage } from '@msa-sync/kafka';
import {
  type ConsumedRecord,
  ServiceDatabase,
  ServiceMetrics,
  serviceLogger,
} from '@msa-sync/service-runtime';
import { type CatalogOrder, decodeCatalogEvent, encodeCatalogOrder } from '@msa-sync/shop-contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogStore } from './catalog-store.js';
import { StockKeeper } from './stock-keeper.js';

class RecordingProducer implements KafkaProducer {
  sent: OutgoingMessage[] = [];
  fail = false;
  async send(options: { messages: OutgoingMessage[] }) {
    if (this.fail) throw new Error('broker down');
    this.sent.push(...options.messages);
    return {} as Awaited<ReturnType<KafkaProducer['send']>>;
  }
  async close() {}
}

let offset = 0n;
function record(order: Partial<CatalogOrder> & { orderId: string }, requestId = 'req-1'): ConsumedRecord {
  const value = encodeCatalogOrder({
    userId: 'u1',
    productId: 'CATALOG-001',
    qty: 1,
    unitPrice: 10,
    totalPrice: 10,
    createdAt: '',
    ...order,
  });
  return {
    key: Buffer.from(order.orderId),
    value,
    headers: new Map([['x-request-id', Buffer.from(requestId)]]),
    topic: 't',
    partition: 0,
    offset: offset++,
    timestamp: 0n,
  } as unknown as ConsumedRecord;
}

describe('StockKeeper', () => {
  let dir: string;
  let db: ServiceDatabase;
  let store: CatalogStore;
  let producer: RecordingProducer;
  let keeper: StockKeeper;
  let client: ReturnType<ServiceDatabase['connect']>;

  const stock = async (productId = 'CATALOG-001') => (await store.products(client, productId))[0]?.stock;
  const decisions = () => producer.sent.map((m) => decodeCatalogEvent(m.value as Buffer));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stock-keeper-'));
    db = new ServiceDatabase(`jdbc:sqlite:${join(dir, 'catalog.db')}`);
    client = db.connect();
    store = new CatalogStore(db);
    await store.ensureSchema(client);
    await store.seed(client, [{ productId: 'CATALOG-001', productName: 'Berlin', stock: 10, unitPrice: 10 }]);
    producer = new RecordingProducer();
    keeper = new StockKeeper({
      store,
      client,
      producer,
      eventsTopic: 'events',
      logger: serviceLogger('catalog-service', 'test', 'silent'),
      metrics: new ServiceMetrics('catalog-service'),
    });
  });

  afterEach(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lowers stock once per order id, in a batch and across redeliveries', async () => {
    await keeper.handle([record({ orderId: 'o1', qty: 4 }), record({ orderId: 'o1', qty: 4 })]);
    expect(await stock()).toBe(6);
    await keeper.handle([record({ orderId: 'o1', qty: 4 })]);
    expect(await stock()).toBe(6);
    expect(decisions().map((d) => [d.orderId, d.status])).toEqual([
      ['o1', 'ACCEPTED'],
      ['o1', 'ACCEPTED'],
      ['o1', 'ACCEPTED'],
    ]);
    expect(new Set(decisions().map((d) => d.decidedAt)).size).toBe(1);
  });

  it('never goes below zero: an order beyond stock is rejected and changes nothing', async () => {
    await keeper.handle([
      record({ orderId: 'a', qty: 7 }),
      record({ orderId: 'b', qty: 4 }),
      record({ orderId: 'c', qty: 3 }),
      record({ orderId: 'd', productId: 'CATALOG-999', qty: 1 }),
    ]);
    expect(await stock()).toBe(0);
    expect(decisions().map((d) => [d.orderId, d.status, d.reason])).toEqual([
      ['a', 'ACCEPTED', null],
      ['b', 'REJECTED', 'OUT_OF_STOCK'],
      ['c', 'ACCEPTED', null],
      ['d', 'REJECTED', 'UNKNOWN_PRODUCT'],
    ]);
    await keeper.handle([record({ orderId: 'b', qty: 4 })]);
    expect(decisions().at(-1)).toMatchObject({ orderId: 'b', status: 'REJECTED', reason: 'OUT_OF_STOCK' });
  });

  it('decides a batch as its orders one by one: together where stock covers a product, in order where not', async () => {
    await store.seed(client, [{ productId: 'CATALOG-002', productName: 'Tokyo', stock: 3, unitPrice: 10 }]);
    await keeper.handle([
      record({ orderId: 'p1', qty: 2 }),
      record({ orderId: 'q1', productId: 'CATALOG-002', qty: 2 }),
      record({ orderId: 'p2', qty: 3 }),
      record({ orderId: 'q2', productId: 'CATALOG-002', qty: 2 }),
      record({ orderId: 'p1', qty: 2 }),
      record({ orderId: 'z1', qty: 0 }),
      record({ orderId: 'q3', productId: 'CATALOG-002', qty: 1 }),
    ]);
    expect(await stock()).toBe(5);
    expect(await stock('CATALOG-002')).toBe(0);
    expect(decisions().map((d) => [d.orderId, d.status, d.reason])).toEqual([
      ['p1', 'ACCEPTED', null],
      ['q1', 'ACCEPTED', null],
      ['p2', 'ACCEPTED', null],
      ['q2', 'REJECTED', 'OUT_OF_STOCK'],
      ['p1', 'ACCEPTED', null],
      ['z1', 'REJECTED', 'INVALID_ORDER'],
      ['q3', 'ACCEPTED', null],
    ]);
    const ledger = await client.transaction((tx) =>
      store.decisions(tx, ['p1', 'p2', 'q1', 'q2', 'q3', 'z1']),
    );
    expect(ledger.size).toBe(6);
  });

  it('keeps the request id on the event and skips records that are not orders', async () => {
    const junk = { ...record({ orderId: 'x' }), value: Buffer.from('not json') } as ConsumedRecord;
    await keeper.handle([junk, record({ orderId: 'o2', qty: 1 }, 'req-42')]);
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]?.key?.toString()).toBe('o2');
    const headers = producer.sent[0]?.headers as Map<string, Buffer> | undefined;
    expect(headers?.get('x-request-id')?.toString()).toBe('req-42');
  });

  it('when the event cannot be sent, the batch fails and its redelivery sends the same decision', async () => {
    producer.fail = true;
    await expect(keeper.handle([record({ orderId: 'o3', qty: 2 })])).rejects.toThrow('broker down');
    expect(await stock()).toBe(8);
    producer.fail = false;
    await keeper.handle([record({ orderId: 'o3', qty: 2 })]);
    expect(await stock()).toBe(8);
    expect(decisions()).toEqual([expect.objectContaining({ orderId: 'o3', status: 'ACCEPTED' })]);
  });
});
