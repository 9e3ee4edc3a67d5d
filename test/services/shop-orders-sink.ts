import { hasJdbcSink, ordersSinkConfig, registerOrdersSink } from '@msa-sync/stack';
import { eventually, rest, type WorkerProcess } from '../support/connect-worker.js';
import type { TestDatabase } from '../support/databases.js';
import type { TestShop } from './test-shop.js';

/**
 * The seed's fix for a test shop: the JDBC sink from the shop's `orders` topic into its database,
 * registered on `worker` the way `npm start` does, once its task runs. Returns the connector name.
 */
export async function runShopOrdersSink(
  worker: WorkerProcess,
  shop: TestShop,
  db: TestDatabase,
): Promise<string> {
  if (!(await hasJdbcSink(worker.url)))
    throw new Error(`the worker at ${worker.url} has no JDBC sink plugin`);
  const name = `${shop.id}-orders-sink`;
  await registerOrdersSink(
    worker.url,
    ordersSinkConfig(db.url, { topic: shop.topics.orders, user: db.user, password: db.password }),
    name,
  );
  await eventually('the orders sink task to run', async () => {
    const status = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as {
      tasks?: { state: string }[];
    };
    return status.tasks?.[0]?.state === 'RUNNING';
  });
  return name;
}
