import { JsonConverter } from '@msa-sync/connect/converters';
import { type Schema, SchemaBuilder, Schemas, Struct, TimestampType } from '@msa-sync/connect/data';

/** An order as it travels: the envelope's payload, in the seed's snake_case columns. */
export interface OrderRecord {
  orderId: string;
  userId: string;
  productId: string;
  qty: number;
  unitPrice: number;
  totalPrice: number;
  /** When the order was placed (ISO-8601, UTC): the 201 answer's `createdAt` and the row's `created_at`. */
  createdAt: string;
}

/**
 * The schema of the seed's `OrderProducer`: struct `orders`, every field optional (as the
 * seed declares them), the struct itself required. The JDBC sink creates (or fills) the
 * `orders` table from it. Beyond the seed, `created_at` (Connect's Timestamp, ms since the epoch)
 * carries the order's own time into the row: without it the row showed the sink's write time (the
 * column default), so a user saw the time of their order change between the 201 and the list. A
 * table with the seed's `created_at datetime default NOW()` takes the value as given.
 */
export const ORDERS_SCHEMA: Schema = SchemaBuilder.struct()
  .name('orders')
  .field('order_id', Schemas.OPTIONAL_STRING)
  .field('user_id', Schemas.OPTIONAL_STRING)
  .field('product_id', Schemas.OPTIONAL_STRING)
  .field('qty', Schemas.OPTIONAL_INT32)
  .field('unit_price', Schemas.OPTIONAL_INT32)
  .field('total_price', Schemas.OPTIONAL_INT32)
  .field('created_at', TimestampType.OPTIONAL_SCHEMA)
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
    .put('total_price', order.totalPrice)
    .put('created_at', new Date(order.createdAt));
  return converter.fromConnectData(topic, ORDERS_SCHEMA, struct) as Buffer;
}
