import { JsonConverter } from '@msa-sync/connect/converters/index';
import { type Schema, SchemaBuilder, Schemas, Struct } from '@msa-sync/connect/data/index';

/** An order as it travels: the envelope's payload, in the seed's snake_case columns. */
export interface OrderRecord {
  orderId: string;
  userId: string;
  productId: string;
  qty: number;
  unitPrice: number;
  totalPrice: number;
}

/**
 * The schema of the seed's `OrderProducer`: struct `orders`, every field optional (as the
 * seed declares them), the struct itself required. The JDBC sink creates (or fills) the
 * `orders` table from it.
 */
export const ORDERS_SCHEMA: Schema = SchemaBuilder.struct()
  .name('orders')
  .field('order_id', Schemas.OPTIONAL_STRING)
  .field('user_id', Schemas.OPTIONAL_STRING)
  .field('product_id', Schemas.OPTIONAL_STRING)
  .field('qty', Schemas.OPTIONAL_INT32)
  .field('unit_price', Schemas.OPTIONAL_INT32)
  .field('total_price', Schemas.OPTIONAL_INT32)
  .build();

const converter = new JsonConverter();

/**
 * The record value: `{"schema":…,"payload":…}` written by our JsonConverter, so the bytes are
 * those Apache Kafka's JsonConverter writes for the same struct (and the sink reads them back
 * with its own converter).
 */
export function orderEnvelope(topic: string, order: OrderRecord): Buffer {
  const struct = new Struct(ORDERS_SCHEMA)
    .put('order_id', order.orderId)
    .put('user_id', order.userId)
    .put('product_id', order.productId)
    .put('qty', order.qty)
    .put('unit_price', order.unitPrice)
    .put('total_price', order.totalPrice);
  return converter.fromConnectData(topic, ORDERS_SCHEMA, struct) as Buffer;
}
