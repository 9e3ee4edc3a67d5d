import { JsonConverter } from '@msa-sync/connect/converters';
import { SchemaBuilder, Struct, TimestampType } from '@msa-sync/connect/data';
import { describe, expect, it } from 'vitest';
import { ORDERS_SCHEMA, orderEnvelope } from './order-envelope.js';

const order = {
  orderId: '150ea6f6-36c6-4ea5-96e1-ef315de69055',
  userId: '648e3925-0e3e-49b4-8d02-a9b040bda134',
  productId: 'CATALOG-001',
  qty: 40,
  unitPrice: 1500,
  totalPrice: 60000,
  createdAt: '2026-12-05T09:41:13.854Z',
};

/**
 * What the seed's OrderProducer sends, as Apache Kafka's JsonConverter writes it: the golden
 * bytes. (Our JsonConverter is checked byte for byte against Apache's own class in
 * test/converters; here the envelope is checked against both.)
 */
const GOLDEN =
  '{"schema":{"type":"struct","fields":[' +
  '{"type":"string","optional":true,"field":"order_id"},' +
  '{"type":"string","optional":true,"field":"user_id"},' +
  '{"type":"string","optional":true,"field":"product_id"},' +
  '{"type":"int32","optional":true,"field":"qty"},' +
  '{"type":"int32","optional":true,"field":"unit_price"},' +
  '{"type":"int32","optional":true,"field":"total_price"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],' +
  '"optional":false,"name":"orders"},' +
  '"payload":{"order_id":"150ea6f6-36c6-4ea5-96e1-ef315de69055","user_id":"648e3925-0e3e-49b4-8d02-a9b040bda134",' +
  '"product_id":"CATALOG-001","qty":40,"unit_price":1500,"total_price":60000,"created_at":1796463673854}}';

describe('orders envelope', () => {
  it('is the bytes JsonConverter writes for the seed’s struct, built independently', () => {
    const schema = SchemaBuilder.struct()
      .name('orders')
      .field('order_id', SchemaBuilder.string().optional())
      .field('user_id', SchemaBuilder.string().optional())
      .field('product_id', SchemaBuilder.string().optional())
      .field('qty', SchemaBuilder.int32().optional())
      .field('unit_price', SchemaBuilder.int32().optional())
      .field('total_price', SchemaBuilder.int32().optional())
      .field(
        'created_at',
        SchemaBuilder.int64().name('org.apache.kafka.connect.data.Timestamp').version(1).optional(),
      )
      .build();
    const struct = new Struct(schema)
      .put('order_id', order.orderId)
      .put('user_id', order.userId)
      .put('product_id', order.productId)
      .put('qty', order.qty)
      .put('unit_price', order.unitPrice)
      .put('total_price', order.totalPrice)
      .put('created_at', new Date(order.createdAt));
    const expected = new JsonConverter().fromConnectData('orders', schema, struct) as Buffer;
    const actual = orderEnvelope('orders', order);
    expect(actual.equals(expected)).toBe(true);
    expect(actual.toString('utf8')).toBe(GOLDEN);
  });

  it('reads back through JsonConverter as the struct the JDBC sink receives', () => {
    const { schema, value } = new JsonConverter().toConnectData('orders', orderEnvelope('orders', order));
    expect(schema?.name).toBe('orders');
    expect(schema?.fields.map((f) => f.name)).toEqual(ORDERS_SCHEMA.fields.map((f) => f.name));
    const struct = value as Struct;
    expect(struct.get('order_id')).toBe(order.orderId);
    expect(struct.get('total_price')).toBe(60000);
    // The order's own time, to the millisecond: the row gets it, not the sink's write time.
    expect(struct.schema.field('created_at')?.schema.name).toBe(TimestampType.LOGICAL_NAME);
    expect((struct.get('created_at') as Date).toISOString()).toBe(order.createdAt);
  });

  it('writes strings that need escaping exactly as Jackson does', () => {
    const text = orderEnvelope('orders', { ...order, productId: 'A"\\/\u0001é' }).toString('utf8');
    expect(text).toContain('"product_id":"A\\"\\\\/\\u0001é"');
  });
});
