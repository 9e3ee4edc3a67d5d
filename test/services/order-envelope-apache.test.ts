import { orderEnvelope } from '@msa-sync/order-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileHarness, runHarness } from '../converters/java-json-converter.js';

/**
 * The `orders` envelope order-service writes, read and written again by Apache Kafka's own
 * JsonConverter (from the jars in infra/kafka/libs): the bytes come back unchanged, so Kafka
 * Connect writes exactly these bytes for the same schema and struct.
 */
describe('orders envelope against Apache Kafka’s JsonConverter', () => {
  let harness: ReturnType<typeof compileHarness>;
  beforeAll(() => {
    harness = compileHarness();
  }, 120_000);
  afterAll(() => harness?.dispose());

  it('is byte-identical to what Apache’s converter writes', () => {
    const orders = [
      {
        orderId: '150ea6f6-36c6-4ea5-96e1-ef315de69055',
        userId: '648e3925-0e3e-49b4-8d02-a9b040bda134',
        productId: 'CATALOG-001',
        qty: 40,
        unitPrice: 1500,
        totalPrice: 60000,
        createdAt: '2026-12-05T09:41:13.854Z',
      },
      {
        orderId: 'o"2\\',
        userId: 'ü/\u0007',
        productId: 'X',
        qty: 1,
        unitPrice: 0,
        totalPrice: 0,
        createdAt: '1970-01-01T00:00:00.000Z',
      },
      {
        orderId: 'o3',
        userId: 'u',
        productId: 'P',
        qty: 1_000_000,
        unitPrice: 2147,
        totalPrice: 2_147_000_000,
        createdAt: '2099-12-31T23:59:59.999Z',
      },
    ];
    const envelopes = orders.map((o) => orderEnvelope('orders', o));
    const run = runHarness(
      harness.classes,
      envelopes.map((bytes, i) => ({ id: `order-${i}`, input: bytes.toString('base64') })),
    );
    envelopes.forEach((bytes, i) => {
      const result = run.results.get(`order-${i}`);
      expect(result?.ok, JSON.stringify(result)).toBe(true);
      if (result?.ok)
        expect(Buffer.from(result.output ?? '', 'base64').toString('utf8')).toBe(bytes.toString('utf8'));
    });
  }, 120_000);
});
