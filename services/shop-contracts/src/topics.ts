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
  /** Each product's current price (compacted, key = product id), written by catalog-service. */
  catalogPrices: string;
}

export const DEFAULT_TOPICS: ShopTopics = Object.freeze({
  orders: 'orders',
  catalogOrders: 'example-catalog-topic',
  catalogEvents: 'catalog-events',
  catalogPrices: 'catalog-prices',
});

export function shopTopics(env: NodeJS.ProcessEnv = process.env): ShopTopics {
  return {
    orders: env.ORDERS_TOPIC || DEFAULT_TOPICS.orders,
    catalogOrders: env.CATALOG_ORDERS_TOPIC || DEFAULT_TOPICS.catalogOrders,
    catalogEvents: env.CATALOG_EVENTS_TOPIC || DEFAULT_TOPICS.catalogEvents,
    catalogPrices: env.CATALOG_PRICES_TOPIC || DEFAULT_TOPICS.catalogPrices,
  };
}

/** Record header that carries the HTTP request id from the gateway into Kafka and on. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * How `catalog-prices` is created (by whichever service comes first): compacted, so the latest
 * price of every product stays readable from the beginning forever, and one partition, so a
 * reader's view of all prices advances in the order they were written.
 */
export function pricesTopicSpec(name: string): {
  name: string;
  partitions: number;
  configs: { name: string; value: string }[];
} {
  return { name, partitions: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] };
}
