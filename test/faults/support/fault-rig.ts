import { randomUUID } from 'node:crypto';
import { dialectFor, parseJdbcUrl, type SqlClient } from '@msa-sync/sql';
import { ordersSinkConfig, registerOrdersSinkPatiently } from '@msa-sync/stack';
import { call, startService } from '../../services/shop-processes.js';
import { TestShop } from '../../services/test-shop.js';
import {
  type ClusterSettings,
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../../support/connect-worker.js';
import type { TestDatabase } from '../../support/databases.js';
import { uniqueName } from '../../support/run-process.js';
import { DelayProxy } from './delay-proxy.js';
import { PrivateBroker } from './private-broker.js';
import { PrivateCluster } from './private-cluster.js';
import { PrivateMariaDb } from './private-mariadb.js';

/** Enough stock that a fault run never runs out: every order is accepted and moves stock. */
export const FAULT_PRODUCTS = [
  { productId: 'FAULT-001', productName: 'Lisbon', stock: 100_000_000, unitPrice: 1200 },
  { productId: 'FAULT-002', productName: 'Osaka', stock: 100_000_000, unitPrice: 900 },
];

const DATABASE = 'faultshop';
const SINK = 'orders-sink';

export interface FaultRigOptions {
  /** A 3-node KRaft cluster (`up --brokers 3`) instead of one broker. */
  cluster?: boolean;
  /** Connect workers in the one group (default 1). */
  workers?: number;
}

/**
 * Everything an order passes through, private to one fault test so it can be broken on purpose:
 * a Kafka broker (or a 3-node cluster) and a MariaDB server of its own, a delay proxy in front of
 * MariaDB (every database client — services and sink — connects through it), Connect workers in
 * one group running the orders JDBC sink, and a shop with two order-service instances and the
 * catalog.
 */
export class FaultRig {
  /** The first Connect worker: the one killed and restarted by killAndRestartWorker. */
  worker!: WorkerProcess;
  /** More workers in the same group. */
  extraWorkers: WorkerProcess[] = [];
  shop!: TestShop;
  readonly id = uniqueName('fault');
  readonly #cluster: ClusterSettings;

  private constructor(
    readonly kafka: PrivateBroker | PrivateCluster,
    readonly mariadb: PrivateMariaDb,
    readonly proxy: DelayProxy,
  ) {
    // On the cluster the worker's internal topics get 3 replicas, as `up --brokers 3` gives them.
    const replicas = kafka instanceof PrivateCluster ? '3' : '1';
    this.#cluster = clusterSettings(kafka.bootstrap, this.id, {
      'config.storage.replication.factor': replicas,
      'offset.storage.replication.factor': replicas,
      'status.storage.replication.factor': replicas,
    });
  }

  /** The single private broker (the rounds that stop and start it). */
  get broker(): PrivateBroker {
    if (!(this.kafka instanceof PrivateBroker)) throw new Error('this rig runs a cluster, not one broker');
    return this.kafka;
  }

  get cluster(): PrivateCluster {
    if (!(this.kafka instanceof PrivateCluster)) throw new Error('this rig runs one broker, not a cluster');
    return this.kafka;
  }

  get bootstrap(): string {
    return this.kafka.bootstrap;
  }

  static async start(options: FaultRigOptions = {}): Promise<FaultRig> {
    // Each step is named, so a failed start says which one (the CI log keeps one line of it), and
    // what was started is stopped again rather than left running into the next suite.
    let step = options.cluster ? 'start the 3-node cluster and MariaDB' : 'start the broker and MariaDB';
    const started = await Promise.allSettled([
      options.cluster ? PrivateCluster.start() : PrivateBroker.start(),
      PrivateMariaDb.start(),
    ]);
    const [kafka, mariadb] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [
      PrivateBroker | PrivateCluster | undefined,
      PrivateMariaDb | undefined,
    ];
    if (kafka === undefined || mariadb === undefined) {
      await Promise.all([kafka?.destroy(), mariadb?.destroy()]).catch(() => {});
      const reasons = started.flatMap((s) =>
        s.status === 'rejected' ? [String(s.reason?.message ?? s.reason)] : [],
      );
      throw new Error(`fault rig could not ${step}: ${reasons.join('; ')}`);
    }
    const proxy = await DelayProxy.start({ host: mariadb.host, port: mariadb.port });
    const rig = new FaultRig(kafka, mariadb, proxy);
    try {
      step = 'create its database';
      const admin = await rig.#connect(mariadb.url(''));
      await admin.execute(`CREATE DATABASE ${DATABASE}`);
      await admin.close();
      step = 'start the shop and the first Connect worker';
      const [shop, worker] = await Promise.allSettled([
        TestShop.start({
          bootstrap: kafka.bootstrap,
          database: rig.database,
          orderInstances: 2,
          products: FAULT_PRODUCTS,
        }),
        startWorker(rig.#cluster),
      ]);
      if (shop.status === 'fulfilled') rig.shop = shop.value;
      if (worker.status === 'fulfilled') rig.worker = worker.value;
      if (shop.status === 'rejected') throw shop.reason;
      if (worker.status === 'rejected') throw worker.reason;
      step = 'start more Connect workers';
      for (let n = 2; n <= (options.workers ?? 1); n++)
        rig.extraWorkers.push(await startWorker(rig.#cluster));
      step = 'register the orders sink';
      // Patiently: a worker just started on a loaded machine may answer 5xx for a while.
      const registered = await registerOrdersSinkPatiently(
        rig.worker.url,
        {
          ...ordersSinkConfig(rig.databaseUrl, { topic: rig.shop.topics.orders, user: 'root' }),
          // Rides out a database restart of several seconds (Connect's default gives up after 30 s).
          'max.retries': '60',
          'retry.backoff.ms': '1000',
        },
        { name: SINK },
      );
      if (registered === 'plugin-missing') throw new Error('the worker has no JDBC sink plugin');
      step = 'see the orders sink task RUNNING';
      await rig.waitSinkRunning();
      return rig;
    } catch (error) {
      await rig.stop().catch(() => {});
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`fault rig could not ${step}: ${message}`, { cause: error });
    }
  }

  /** The shop's database, through the delay proxy. */
  get databaseUrl(): string {
    return this.mariadb.url(DATABASE, this.proxy.port);
  }

  /** The same URL with the user in it, for tools that take only a URL (verifyOrders). */
  get databaseUrlWithUser(): string {
    return `${this.databaseUrl}?user=root`;
  }

  get database(): TestDatabase {
    const url = this.databaseUrl;
    return {
      dialect: dialectFor('mariadb'),
      url,
      user: 'root',
      password: undefined,
      connect: () => this.#connect(url),
      drop: async () => {},
    };
  }

  #connect(url: string): Promise<SqlClient> {
    return dialectFor('mariadb').connect(parseJdbcUrl(url), { user: 'root' });
  }

  async waitSinkRunning(timeoutMs = 90_000): Promise<void> {
    await eventually(
      'the orders sink task to run',
      async () => {
        const status = (await rest(this.worker.url, 'GET', `/connectors/${SINK}/status`)).body as {
          tasks?: { state: string; trace?: string }[];
        };
        return status.tasks?.[0]?.state === 'RUNNING';
      },
      timeoutMs,
      500,
    );
  }

  /** The sink task's state, for a failure message. */
  async sinkStatus(): Promise<unknown> {
    return (await rest(this.worker.url, 'GET', `/connectors/${SINK}/status`)).body;
  }

  /** kill -9 of the only Connect worker, then a new one on the same cluster settings and port. */
  async killAndRestartWorker(downMs: number): Promise<void> {
    await this.worker.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, downMs));
    this.worker = await startWorker(this.#cluster, this.worker.port);
    await this.waitSinkRunning();
  }

  /**
   * kill -9 of an order-service instance; a new one takes its place (the gateway routes around
   * the dead one meanwhile, and evicts it once its heartbeats stop).
   */
  async killOrderInstance(index: number, downMs: number): Promise<void> {
    const victim = this.shop.orders[index];
    if (!victim) throw new Error(`no order instance ${index}`);
    await victim.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, downMs));
    const replacement = await startService('order-service', `${victim.name}-r`, this.shop.env());
    this.shop.orders[index] = replacement;
    await this.shop.waitRegistered(replacement.instanceId);
  }

  async restartBroker(downMs: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.broker.stop(signal);
    await new Promise((r) => setTimeout(r, downMs));
    await this.broker.resume();
  }

  async restartMariaDb(downMs: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): Promise<void> {
    await this.mariadb.stop(signal);
    await new Promise((r) => setTimeout(r, downMs));
    await this.mariadb.resume();
  }

  /**
   * Until the shop answers again end to end: a service's first statement after a database
   * restart fails (its connection is re-opened for the next one), and producers find a restarted
   * broker again only after a while, so this waits until the catalog lists products, a user can
   * sign up, and an order of theirs is accepted (201).
   */
  async waitShopReady(timeoutMs = 60_000): Promise<void> {
    const product = FAULT_PRODUCTS[0] as (typeof FAULT_PRODUCTS)[number];
    let user: { userId: string; token: string } | undefined;
    const key = randomUUID();
    await eventually(
      'the shop to take orders after the last fault',
      async () => {
        const catalog = await call('GET', `${this.shop.url}/catalog-service/catalogs`);
        if (catalog.status !== 200) return false;
        user ??= await this.shop.newUser('ready');
        const order = await call('POST', `${this.shop.url}/order-service/${user.userId}/orders`, {
          token: user.token,
          headers: { 'idempotency-key': key },
          body: { productId: product.productId, qty: 1, unitPrice: product.unitPrice },
        });
        return order.status === 201;
      },
      timeoutMs,
      500,
    );
  }

  /**
   * Order ids the catalog decided that have no row in `orders` (none expected once the sink
   * caught up: the catalog and the sink read the two records of one publish). Waits up to
   * `waitMs` for the sink before it answers.
   */
  async decidedWithoutOrder(waitMs = 30_000): Promise<string[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const client = await this.#connect(this.databaseUrl);
      try {
        const rows = await client.query<{ order_id: string }>(
          'SELECT l.order_id AS order_id FROM catalog_order_ledger l LEFT JOIN orders o ON o.order_id = l.order_id WHERE o.order_id IS NULL',
        );
        if (rows.length === 0 || Date.now() > deadline) return rows.map((r) => r.order_id);
      } finally {
        await client.close();
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Every process the rig started that is not running any more (a test's health check). */
  deadProcesses(): string[] {
    const all = [this.shop.gateway, this.shop.user, this.shop.catalog, ...this.shop.orders];
    const dead = all
      .filter((p) => p && (p.child.exitCode !== null || p.child.signalCode !== null))
      .map((p) => `${p?.name} (log ${p?.logFile})`);
    for (const [i, worker] of [this.worker, ...this.extraWorkers].entries()) {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null)
        dead.push(`connect worker ${i + 1} (log ${worker.logFile})`);
    }
    return dead;
  }

  async stop(): Promise<void> {
    await this.shop?.stop().catch(() => {});
    for (const worker of [this.worker, ...this.extraWorkers]) await worker?.kill('SIGKILL').catch(() => {});
    await this.proxy.close();
    await Promise.all([this.kafka.destroy(), this.mariadb.destroy()]);
  }
}
