import { randomBytes } from 'node:crypto';
import type { TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { call, type ServiceProcess, startService } from './shop-processes.js';

export interface TestShopOptions {
  bootstrap: string;
  database: TestDatabase;
  orderInstances: number;
  /** CATALOG_SEED: products and stock of this shop. */
  products?: { productId: string; productName: string; stock: number; unitPrice: number }[];
  /** Leave catalog-service out (tests that only need users and orders). */
  withCatalog?: boolean;
}

/**
 * A whole shop of its own: gateway, user-service, catalog-service and N order-service instances
 * as real processes, on topics, consumer groups and a database no other test uses.
 */
export class TestShop {
  readonly id = uniqueName('shop');
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly registryToken = randomBytes(16).toString('hex');
  /** Signs up and logs in with the admin role (ADMIN_EMAILS). */
  readonly adminEmail = `admin-${this.id}@example.com`;
  readonly topics = {
    orders: `${this.id}-orders`,
    catalogOrders: `${this.id}-catalog`,
    catalogEvents: `${this.id}-catalog-events`,
    catalogPrices: `${this.id}-catalog-prices`,
  };
  gateway!: ServiceProcess;
  user!: ServiceProcess;
  catalog: ServiceProcess | undefined;
  readonly orders: ServiceProcess[] = [];
  readonly #options: TestShopOptions;

  private constructor(options: TestShopOptions) {
    this.#options = options;
  }

  static async start(options: TestShopOptions): Promise<TestShop> {
    const shop = new TestShop(options);
    shop.gateway = await startService('gateway', 'gateway', {
      ...shop.env(),
      PORT: '0',
      GATEWAY_URL: undefined,
    });
    const [user, catalog, ...orders] = await Promise.all([
      startService('user-service', 'user-service', shop.env()),
      options.withCatalog === false
        ? Promise.resolve(undefined)
        : startService('catalog-service', 'catalog-service', {
            ...shop.env(),
            ...(options.products ? { CATALOG_SEED: JSON.stringify(options.products) } : {}),
          }),
      ...Array.from({ length: options.orderInstances }, (_, i) =>
        startService('order-service', `order-service-${i + 1}`, shop.env()),
      ),
    ]);
    shop.user = user as ServiceProcess;
    shop.catalog = catalog;
    shop.orders.push(...(orders as ServiceProcess[]));
    for (const p of [shop.user, shop.catalog, ...shop.orders]) if (p) await shop.waitRegistered(p.instanceId);
    if (shop.catalog) for (const p of shop.orders) await shop.waitPriced(p);
    return shop;
  }

  /** Until an order instance knows the catalog's prices (before that it answers orders 503). */
  async waitPriced(instance: ServiceProcess, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const health = await call('GET', `${instance.url}/health`).catch(() => undefined);
      if (health?.body?.checks?.prices?.status === 'UP') return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${instance.instanceId} did not load catalog prices within ${timeoutMs} ms`);
  }

  /** What every process of this shop gets. */
  env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    const db = this.#options.database;
    return {
      KAFKA_BOOTSTRAP_SERVERS: this.#options.bootstrap,
      DATABASE_URL: db.url,
      DATABASE_USER: db.user,
      DATABASE_PASSWORD: db.password,
      GATEWAY_URL: this.gateway?.url,
      JWT_SECRET: this.jwtSecret,
      REGISTRY_TOKEN: this.registryToken,
      ADMIN_EMAILS: this.adminEmail,
      ORDERS_TOPIC: this.topics.orders,
      CATALOG_ORDERS_TOPIC: this.topics.catalogOrders,
      CATALOG_EVENTS_TOPIC: this.topics.catalogEvents,
      CATALOG_PRICES_TOPIC: this.topics.catalogPrices,
      KAFKA_GROUP_PREFIX: `${this.id}-`,
      HEARTBEAT_INTERVAL_MS: '500',
      MSA_LOG_LEVEL: 'info',
      ...overrides,
    };
  }

  get url(): string {
    return this.gateway.url;
  }

  async addOrderInstance(): Promise<ServiceProcess> {
    const instance = await startService(
      'order-service',
      `order-service-${this.orders.length + 1}`,
      this.env(),
    );
    this.orders.push(instance);
    await this.waitRegistered(instance.instanceId);
    if (this.catalog) await this.waitPriced(instance);
    return instance;
  }

  async registry(): Promise<{ service: string; instanceId: string; url: string; status: string }[]> {
    return (await call('GET', `${this.url}/registry/instances`)).body;
  }

  async waitRegistered(instanceId: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.registry()).some((i) => i.instanceId === instanceId && i.status === 'UP')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${instanceId} did not register with the gateway within ${timeoutMs} ms`);
  }

  /** Signs up and logs in a user through the gateway. */
  async newUser(
    label: string,
    email = `${label}-${randomBytes(3).toString('hex')}@example.com`,
  ): Promise<{ userId: string; token: string; email: string }> {
    const created = await call('POST', `${this.url}/user-service/users`, {
      body: { email, name: label, pwd: 'test12345' },
    });
    if (created.status !== 201)
      throw new Error(`sign-up answered ${created.status}: ${JSON.stringify(created.body)}`);
    const login = await call('POST', `${this.url}/user-service/login`, {
      body: { email, password: 'test12345' },
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}`);
    return { userId: login.body.userId, token: login.body.token, email };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.orders, this.catalog, this.user].map((p) => p?.kill()));
    await this.gateway?.kill();
  }
}
