/**
 * The topics the shop's services exchange records on. Each name can be moved by an environment
 * variable, so tests (and a second stack) run on topics of their own.
 */
export interface ShopTopics {
  /** Orders in Kafka Connect's JSON envelope, key = order id; the JDBC sink writes them to `orders`. */
  orders: string;
  /** A plain JSON copy of each order for catalog-service, as in the seed. */
  catalogOrders: string;
  /** catalog-service's verdict on each order: ACCEPTED (stock lowered) or REJECTED. */
  catalogEvents: string;
}

export const DEFAULT_TOPICS: ShopTopics = Object.freeze({
  orders: 'orders',
  catalogOrders: 'example-catalog-topic',
  catalogEvents: 'catalog-events',
});

export function shopTopics(env: NodeJS.ProcessEnv = process.env): ShopTopics {
  return {
    orders: env.ORDERS_TOPIC || DEFAULT_TOPICS.orders,
    catalogOrders: env.CATALOG_ORDERS_TOPIC || DEFAULT_TOPICS.catalogOrders,
    catalogEvents: env.CATALOG_EVENTS_TOPIC || DEFAULT_TOPICS.catalogEvents,
  };
}

/** Record header that carries the HTTP request id from the gateway into Kafka and on. */
export const REQUEST_ID_HEADER = 'x-request-id';
