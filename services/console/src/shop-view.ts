import { join } from 'node:path';
import { type LoadProgress, type LoadSummary, runLoad } from '@msa-sync/cli/load';
import {
  type DatabaseCredentials,
  describeReport,
  ShopDatabase,
  type VerifyReport,
  verifyOrders,
} from '@msa-sync/cli/verify';
import { ApiError } from './api-error.js';

export interface ShopSnapshot {
  /** Rows in the orders table (what the JDBC sink wrote). */
  orders: number;
  stock: { productId: string; name: string; stock: number }[];
  /** The gateway's registered instances, when the gateway answers. */
  instances: {
    service: string;
    instanceId: string;
    url: string;
    status: string;
    /** Orders this order-service instance answered 201 since it started (its /metrics); null when unknown. */
    ordersServed: number | null;
  }[];
  at: number;
}

export interface LoadState {
  running: boolean;
  /** When the run was started (ms since the epoch); its progress' elapsedMs count from about then. */
  startedAt?: number;
  runId?: string;
  progress: LoadProgress[];
  summary?: Omit<LoadSummary, 'ackedFile'>;
  error?: string;
}

/** The orders an order-service instance placed (201 answers to POST …/orders), from its /metrics. */
async function servedBy(url: string): Promise<number | null> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? ordersPlaced(await response.text()) : null;
  } catch {
    return null;
  }
}

/** Sums `http_requests_total` of POSTs to an orders route answered 201, in Prometheus text. */
export function ordersPlaced(metrics: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    const match = /^http_requests_total\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (labels.method === 'POST' && labels.status === '201' && /\/orders$/.test(labels.route ?? '')) {
      total += Number(match[2]);
    }
  }
  return total;
}

/** The shop as the console sees it; an interface so the server's tests need no database. */
export interface ShopView {
  snapshot(): Promise<ShopSnapshot>;
  startLoad(ratePerSecond: number, seconds: number): LoadState;
  load(): LoadState;
  verify(): Promise<VerifyReport & { lines: string[] }>;
  close(): Promise<void>;
}

export interface ShopSettings {
  gatewayUrl: string;
  databaseUrl: string;
  credentials: DatabaseCredentials;
  /** Where load runs write their acked files. */
  dataDir: string;
  ordersTable: string;
}

/**
 * Reads the shared database and places orders through the gateway with the same code as
 * `msa-sync load`, then checks them with the same code as `msa-sync verify`.
 */
export class LiveShopView implements ShopView {
  private readonly settings: ShopSettings;
  private db: Promise<ShopDatabase> | undefined;
  private state: LoadState = { running: false, progress: [] };
  private lastAckedFile: string | undefined;
  private abort: AbortController | undefined;

  constructor(settings: ShopSettings) {
    this.settings = settings;
  }

  private database(): Promise<ShopDatabase> {
    if (!this.db) {
      const opening = ShopDatabase.open(this.settings.databaseUrl, this.settings.credentials);
      this.db = opening;
      opening.catch(() => {
        if (this.db === opening) this.db = undefined;
      });
    }
    return this.db;
  }

  async snapshot(): Promise<ShopSnapshot> {
    let db: ShopDatabase;
    try {
      db = await this.database();
    } catch (error) {
      throw new ApiError(502, `Cannot open the shop database: ${(error as Error).message}`);
    }
    const id = (n: string) => db.id(n);
    const count = async () => {
      try {
        const rows = await db.client.query<{ n: unknown }>(
          `SELECT COUNT(*) AS n FROM ${id(this.settings.ordersTable)}`,
        );
        return Number(rows[0]?.n ?? 0);
      } catch {
        return 0; // no orders table yet: the sink has written nothing
      }
    };
    const stock = async () => {
      try {
        const rows = await db.client.query<Record<string, unknown>>(
          `SELECT ${id('product_id')} AS product_id, ${id('product_name')} AS product_name, ${id('stock')} AS stock FROM ${id('catalog')} ORDER BY ${id('product_id')}`,
        );
        return rows.map((r) => ({
          productId: String(r.product_id),
          name: String(r.product_name),
          stock: Number(r.stock),
        }));
      } catch {
        return [];
      }
    };
    const [orders, products, instances] = await Promise.all([count(), stock(), this.instances()]);
    return { orders, stock: products, instances, at: Date.now() };
  }

  private async instances(): Promise<ShopSnapshot['instances']> {
    type Registered = { service: string; instanceId: string; url: string; status: string };
    let list: Registered[];
    try {
      const response = await fetch(`${this.settings.gatewayUrl}/registry/instances`, {
        signal: AbortSignal.timeout(2000),
      });
      if (!response.ok) return [];
      list = (await response.json()) as Registered[];
    } catch {
      return [];
    }
    return Promise.all(
      list.map(async (i) => ({
        service: i.service,
        instanceId: i.instanceId,
        url: i.url,
        status: i.status,
        ordersServed: i.service === 'order-service' ? await servedBy(i.url) : null,
      })),
    );
  }

  startLoad(ratePerSecond: number, seconds: number): LoadState {
    if (this.state.running) throw new ApiError(409, 'A load run is still going');
    this.abort = new AbortController();
    this.state = { running: true, startedAt: Date.now(), progress: [] };
    const progress = this.state.progress;
    void runLoad(
      {
        gatewayUrl: this.settings.gatewayUrl,
        ratePerSecond,
        durationMs: seconds * 1000,
        concurrency: 16,
        users: 4,
        products: 2,
        ackedFile: join(this.settings.dataDir, 'acked-{runId}.jsonl'),
        databaseUrl: this.settings.databaseUrl,
        databaseCredentials: this.settings.credentials,
        ordersTable: this.settings.ordersTable,
        visibilityGraceMs: 15_000,
        signal: this.abort.signal,
      },
      (p) => {
        this.state.runId = p.runId;
        progress.push(p);
        if (progress.length > 600) progress.shift();
      },
    ).then(
      ({ ackedFile, ...summary }) => {
        this.lastAckedFile = ackedFile;
        this.state = { ...this.state, running: false, summary };
      },
      (error: unknown) => {
        this.state = { ...this.state, running: false, error: (error as Error).message };
      },
    );
    return this.state;
  }

  load(): LoadState {
    return this.state;
  }

  async verify(): Promise<VerifyReport & { lines: string[] }> {
    if (!this.lastAckedFile) {
      throw new ApiError(409, 'No load run to check yet: place orders first');
    }
    const report = await verifyOrders({
      ackedFile: this.lastAckedFile,
      databaseUrl: this.settings.databaseUrl,
      databaseCredentials: this.settings.credentials,
      ordersTable: this.settings.ordersTable,
      waitMs: 30_000,
    });
    return { ...report, lines: describeReport(report) };
  }

  async close(): Promise<void> {
    this.abort?.abort();
    const db = this.db;
    this.db = undefined;
    if (db) await (await db.catch(() => undefined))?.close();
  }
}
